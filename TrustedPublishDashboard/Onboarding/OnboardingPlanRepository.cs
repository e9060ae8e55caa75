using Dapper;
using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Onboarding;

public sealed record OnboardingPlanRow
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string CreatedAt { get; init; } = "";
    public long PackageCount { get; init; }
}

/// <summary>Onboarding plans and their packages (the grid's "add to an onboarding plan" lands here).</summary>
public sealed class OnboardingPlanRepository(IDbConnectionFactory connections)
{
    public const string DefaultPlanName = "Onboarding plan";

    private const string SelectPlanId = "SELECT id FROM onboarding_plans WHERE name = @Name";

    private const string InsertPlan = "INSERT INTO onboarding_plans (name, created_at) VALUES (@Name, @Now) RETURNING id";

    private const string InsertMembers = """
        INSERT INTO onboarding_plan_packages (plan_id, package_id, added_at)
        SELECT @PlanId, p.id, @Now FROM packages p WHERE p.id IN (SELECT value FROM json_each(@Ids))
        ON CONFLICT (plan_id, package_id) DO NOTHING
        """;

    private const string SelectPlans = """
        SELECT pl.id AS Id, pl.name AS Name, pl.created_at AS CreatedAt, COUNT(pp.package_id) AS PackageCount
        FROM onboarding_plans pl LEFT JOIN onboarding_plan_packages pp ON pp.plan_id = pl.id
        GROUP BY pl.id, pl.name, pl.created_at ORDER BY pl.name
        """;

    private const string SelectMemberIds = "SELECT package_id FROM onboarding_plan_packages WHERE plan_id = @PlanId";

    private const string DeleteMember = "DELETE FROM onboarding_plan_packages WHERE plan_id = @PlanId AND package_id = @PackageId";

    /// <summary>Adds packages to the named plan (created if new); returns the plan and how many were new to it.</summary>
    public async Task<(long PlanId, int Added)> AddAsync(string planName, IReadOnlyCollection<long> packageIds, CancellationToken ct)
    {
        var name = string.IsNullOrWhiteSpace(planName) ? DefaultPlanName : planName.Trim();
        var now = DbTime.ToText(DateTimeOffset.UtcNow);
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var planId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectPlanId, new { Name = name }, tx, cancellationToken: ct))
            ?? await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertPlan, new { Name = name, Now = now }, tx, cancellationToken: ct));
        var added = await connection.ExecuteAsync(new CommandDefinition(InsertMembers,
            new { PlanId = planId, Now = now, Ids = System.Text.Json.JsonSerializer.Serialize(packageIds) }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (planId, added);
    }

    public async Task<IReadOnlyList<OnboardingPlanRow>> ListPlansAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<OnboardingPlanRow>(new CommandDefinition(SelectPlans, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<long>> PackageIdsAsync(long planId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(SelectMemberIds, new { PlanId = planId }, cancellationToken: ct))).AsList();
    }

    public async Task<bool> RemoveAsync(long planId, long packageId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteMember, new { PlanId = planId, PackageId = packageId }, cancellationToken: ct)) == 1;
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Data;

public sealed record OnboardingPlanRow
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string Registry { get; init; } = "npm";
    public string CreatedAt { get; init; } = "";
    public string? UpdatedAt { get; init; }
    public string? PublisherJson { get; init; }
    public long PackageCount { get; init; }
    /// <summary>Packages whose five steps are all done (verified, confirmed or not needed).</summary>
    public long CompletedCount { get; init; }

    public PublisherPlan? Publisher => OnboardingJson.Read<PublisherPlan>(PublisherJson);
}

/// <summary>A package in a plan: what its manifest said and what the registry answered last.</summary>
public sealed record PlanMemberRow
{
    public long PlanId { get; init; }
    public long PackageId { get; init; }
    public string Registry { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Source { get; init; }
    public string? ManifestVersion { get; init; }
    public string? RepositoryUrl { get; init; }
    public string? RepositoryDirectory { get; init; }
    public string? WorkspacePath { get; init; }
    public string? OverrideJson { get; init; }
    public string RegistryState { get; init; } = RegistryStates.Unchecked;
    public string? RegistryCheckedAt { get; init; }
    public string? RegistryError { get; init; }
    public string AddedAt { get; init; } = "";
    /// <summary>How the package's repository installs, builds and releases (<see cref="Domain.PublishSetup"/>); null when added by name.</summary>
    public string? PublishSetupJson { get; init; }
    /// <summary>The repository the registry reports for the package (npm: the packument's `repository`).</summary>
    public string? RegistryRepositoryUrl { get; init; }

    public PublisherOverride? Override => OnboardingJson.Read<PublisherOverride>(OverrideJson);

    public PublishSetup? PublishSetup => OnboardingJson.Read<PublishSetup>(PublishSetupJson);

    public PlannedPackage ToPlanned() => new(Name, ManifestVersion, RepositoryUrl, RepositoryDirectory, WorkspacePath,
        RegistryState switch { RegistryStates.Exists => true, RegistryStates.Missing => false, _ => null }, Override)
    {
        RegistryRepositoryUrl = RegistryRepositoryUrl,
    };
}

public static class RegistryStates
{
    public const string Unchecked = "unchecked";
    public const string Exists = "exists";
    public const string Missing = "missing";
    public const string Error = "error";
}

public sealed record StepRow
{
    public long PlanId { get; init; }
    public long PackageId { get; init; }
    public string Step { get; init; } = "";
    public string State { get; init; } = "";
    public string? Note { get; init; }
    public string? Actor { get; init; }
    public string UpdatedAt { get; init; } = "";

    public OnboardingStep StepValue => OnboardingSteps.ParseStep(Step);
    public StepState StateValue => OnboardingSteps.ParseState(State);
}

public sealed record TrustCheckRow
{
    public long PlanId { get; init; }
    public long PackageId { get; init; }
    public string CheckedAt { get; init; } = "";
    public bool Matches { get; init; }
    public string Summary { get; init; } = "";
    public string ResultJson { get; init; } = "";
}

/// <summary>A trust configuration done (verified or confirmed) whose package has not yet seen a trusted publish.</summary>
public sealed record UnusedTrustRow
{
    public long PackageId { get; init; }
    public string Registry { get; init; } = "";
    public string Name { get; init; } = "";
    public string PlanName { get; init; } = "";
    public string ConfiguredAt { get; init; } = "";
}

/// <summary>What a package's manifest says, for adding it to a plan.</summary>
public sealed record PlanMemberInput(long PackageId, string Source, string? ManifestVersion = null, string? RepositoryUrl = null,
    string? RepositoryDirectory = null, string? WorkspacePath = null, PublishSetup? PublishSetup = null);

/// <summary>A package's membership of a plan with the plan's publisher, for the verifier and the evidence rules.</summary>
public sealed record PackagePlanRow
{
    public long PlanId { get; init; }
    public string PlanName { get; init; } = "";
    public string? PublisherJson { get; init; }
    public string? OverrideJson { get; init; }
    public string RegistryState { get; init; } = RegistryStates.Unchecked;
    public string? TrustedSince { get; init; }

    public PublisherPlan? Effective => OnboardingJson.Read<PublisherPlan>(PublisherJson)?.With(OnboardingJson.Read<PublisherOverride>(OverrideJson));
}

public static class OnboardingJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static T? Read<T>(string? json) where T : class => string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<T>(json, Options);

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);
}

/// <summary>Onboarding plans: their publisher, packages, tracker steps and trust-list checks (one aggregate).</summary>
public sealed class OnboardingPlanRepository(IDbConnectionFactory connections)
{
    public const string DefaultPlanName = "Onboarding plan";
    public const int MaxPlanNameLength = 100;

    private const string SelectPlanId = "SELECT id FROM onboarding_plans WHERE name = @Name";

    private const string InsertPlan = "INSERT INTO onboarding_plans (name, created_at, updated_at) VALUES (@Name, @Now, @Now) RETURNING id";

    private const string InsertMembers = """
        INSERT INTO onboarding_plan_packages (plan_id, package_id, added_at, source)
        SELECT @PlanId, p.id, @Now, @Source FROM packages p WHERE p.id IN (SELECT value FROM json_each(@Ids)) AND p.is_sample = 0
        ON CONFLICT (plan_id, package_id) DO NOTHING
        """;

    // A re-import refreshes what the manifest says; the tracker's steps are kept.
    private const string UpsertMember = """
        INSERT INTO onboarding_plan_packages (plan_id, package_id, added_at, source, manifest_version, repository_url, repository_directory, workspace_path, publish_setup_json)
        VALUES (@PlanId, @PackageId, @Now, @Source, @ManifestVersion, @RepositoryUrl, @RepositoryDirectory, @WorkspacePath, @PublishSetupJson)
        ON CONFLICT (plan_id, package_id) DO UPDATE SET
            source = excluded.source,
            manifest_version = COALESCE(excluded.manifest_version, manifest_version),
            repository_url = COALESCE(excluded.repository_url, repository_url),
            repository_directory = COALESCE(excluded.repository_directory, repository_directory),
            workspace_path = COALESCE(excluded.workspace_path, workspace_path),
            publish_setup_json = COALESCE(excluded.publish_setup_json, publish_setup_json)
        """;

    private const string SelectIsMember = "SELECT COUNT(*) FROM onboarding_plan_packages WHERE plan_id = @PlanId AND package_id = @PackageId";

    // One summary shape for the list and for a single plan, so both count completed packages the same way.
    private const string SelectPlanSummaries = """
        SELECT pl.id AS Id, pl.name AS Name, pl.registry AS Registry, pl.created_at AS CreatedAt, pl.updated_at AS UpdatedAt,
               pl.publisher_json AS PublisherJson, COUNT(pp.package_id) AS PackageCount,
               COUNT(CASE WHEN (SELECT COUNT(*) FROM onboarding_steps s WHERE s.plan_id = pp.plan_id AND s.package_id = pp.package_id
                                  AND s.state IN ('verified', 'confirmed', 'not-needed')) = 5 THEN 1 END) AS CompletedCount -- 5 = OnboardingSteps.All
        FROM onboarding_plans pl LEFT JOIN onboarding_plan_packages pp ON pp.plan_id = pl.id
        """;

    private const string SelectPlans = SelectPlanSummaries + "\nGROUP BY pl.id ORDER BY pl.name";

    private const string SelectPlan = SelectPlanSummaries + "\nWHERE pl.id = @PlanId GROUP BY pl.id";

    private const string UpdatePublisher = "UPDATE onboarding_plans SET publisher_json = @Json, updated_at = @Now WHERE id = @PlanId";

    private const string RenamePlan = "UPDATE onboarding_plans SET name = @Name, updated_at = @Now WHERE id = @PlanId";

    private const string DeletePlan = "DELETE FROM onboarding_plans WHERE id = @PlanId";

    private const string SelectMembers = """
        SELECT pp.plan_id AS PlanId, pp.package_id AS PackageId, p.registry AS Registry, p.name AS Name, pp.source AS Source,
               pp.manifest_version AS ManifestVersion, pp.repository_url AS RepositoryUrl, pp.repository_directory AS RepositoryDirectory,
               pp.workspace_path AS WorkspacePath, pp.override_json AS OverrideJson, pp.registry_state AS RegistryState,
               pp.registry_checked_at AS RegistryCheckedAt, pp.registry_error AS RegistryError, pp.added_at AS AddedAt,
               pp.publish_setup_json AS PublishSetupJson, pp.registry_repository_url AS RegistryRepositoryUrl
        FROM onboarding_plan_packages pp JOIN packages p ON p.id = pp.package_id
        WHERE pp.plan_id = @PlanId ORDER BY p.name
        """;

    private const string SelectMemberIds = "SELECT package_id FROM onboarding_plan_packages WHERE plan_id = @PlanId";

    private const string DeleteMember = "DELETE FROM onboarding_plan_packages WHERE plan_id = @PlanId AND package_id = @PackageId";

    private const string UpdateOverride = "UPDATE onboarding_plan_packages SET override_json = @Json WHERE plan_id = @PlanId AND package_id = @PackageId";

    private const string SelectSteps = """
        SELECT plan_id AS PlanId, package_id AS PackageId, step AS Step, state AS State, note AS Note, actor AS Actor, updated_at AS UpdatedAt
        FROM onboarding_steps WHERE plan_id = @PlanId
        """;

    private const string SelectPackageSteps = """
        SELECT plan_id AS PlanId, package_id AS PackageId, step AS Step, state AS State, note AS Note, actor AS Actor, updated_at AS UpdatedAt
        FROM onboarding_steps WHERE plan_id = @PlanId AND package_id = @PackageId
        """;

    private const string UpsertStep = """
        INSERT INTO onboarding_steps (plan_id, package_id, step, state, note, actor, updated_at)
        VALUES (@PlanId, @PackageId, @Step, @State, @Note, @Actor, @At)
        ON CONFLICT (plan_id, package_id, step) DO UPDATE SET
            state = excluded.state, note = excluded.note, actor = excluded.actor, updated_at = excluded.updated_at
        """;

    private const string UpsertTrustCheck = """
        INSERT INTO onboarding_trust_checks (plan_id, package_id, checked_at, matches, summary, result_json)
        VALUES (@PlanId, @PackageId, @At, @Matches, @Summary, @Json)
        ON CONFLICT (plan_id, package_id) DO UPDATE SET
            checked_at = excluded.checked_at, matches = excluded.matches, summary = excluded.summary, result_json = excluded.result_json
        """;

    private const string SelectTrustChecks = """
        SELECT plan_id AS PlanId, package_id AS PackageId, checked_at AS CheckedAt, matches AS Matches, summary AS Summary, result_json AS ResultJson
        FROM onboarding_trust_checks WHERE plan_id = @PlanId
        """;

    private const string UpdateRegistryState = """
        UPDATE onboarding_plan_packages SET registry_state = @State, registry_error = @Error, registry_checked_at = @At WHERE package_id = @PackageId
        """;

    private const string UpdateRegistryRepository = "UPDATE onboarding_plan_packages SET registry_repository_url = @Url WHERE package_id = @PackageId";

    private const string SelectTrackedPackageIds = "SELECT DISTINCT package_id FROM onboarding_plan_packages";

    // The moment trust was configured: the earliest done trust-configured step of any plan that holds the package.
    private const string SelectPackagePlans = """
        SELECT pl.id AS PlanId, pl.name AS PlanName, pl.publisher_json AS PublisherJson, pp.override_json AS OverrideJson,
               pp.registry_state AS RegistryState,
               (SELECT s.updated_at FROM onboarding_steps s WHERE s.plan_id = pp.plan_id AND s.package_id = pp.package_id
                   AND s.step = 'trust-configured' AND s.state IN ('verified', 'confirmed')) AS TrustedSince
        FROM onboarding_plan_packages pp JOIN onboarding_plans pl ON pl.id = pp.plan_id
        WHERE pp.package_id = @PackageId ORDER BY pl.id
        """;

    // npm may expire a trust configuration that sees no trusted publish within 2 days: those still waiting for one.
    private const string SelectUnusedTrust = """
        SELECT p.id AS PackageId, p.registry AS Registry, p.name AS Name, pl.name AS PlanName, s.updated_at AS ConfiguredAt
        FROM onboarding_steps s
        JOIN onboarding_plans pl ON pl.id = s.plan_id
        JOIN packages p ON p.id = s.package_id
        WHERE s.step = 'trust-configured' AND s.state IN ('verified', 'confirmed')
          AND NOT EXISTS (SELECT 1 FROM onboarding_steps f WHERE f.plan_id = s.plan_id AND f.package_id = s.package_id
                            AND f.step = 'first-oidc-publish' AND f.state = 'verified')
        ORDER BY p.name, pl.id
        """;

    /// <summary>Adds packages to the named plan (created if new); returns the plan and how many were new to it.</summary>
    /// <remarks>Sample packages are never added: they have no registry to onboard to.</remarks>
    public async Task<(long PlanId, int Added)> AddAsync(string planName, IReadOnlyCollection<long> packageIds, CancellationToken ct, string source = "grid")
    {
        var name = string.IsNullOrWhiteSpace(planName) ? DefaultPlanName : planName.Trim();
        var now = DbTime.ToText(DateTimeOffset.UtcNow);
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var planId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectPlanId, new { Name = name }, tx, cancellationToken: ct))
            ?? await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertPlan, new { Name = name, Now = now }, tx, cancellationToken: ct));
        var added = await connection.ExecuteAsync(new CommandDefinition(InsertMembers,
            new { PlanId = planId, Now = now, Source = source, Ids = JsonSerializer.Serialize(packageIds) }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (planId, added);
    }

    /// <summary>Creates an empty plan; null when the name is taken.</summary>
    public async Task<long?> CreateAsync(string name, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectPlanId, new { Name = name }, tx, cancellationToken: ct)) is not null)
            return null;
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertPlan, new { Name = name, Now = DbTime.ToText(DateTimeOffset.UtcNow) }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>Adds or refreshes members with what their manifests say; returns how many were new to the plan.</summary>
    public async Task<int> UpsertMembersAsync(long planId, IReadOnlyList<PlanMemberInput> members, CancellationToken ct)
    {
        var now = DbTime.ToText(DateTimeOffset.UtcNow);
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var added = 0;
        foreach (var m in members)
        {
            if (await connection.ExecuteScalarAsync<long>(new CommandDefinition(SelectIsMember, new { PlanId = planId, m.PackageId }, tx, cancellationToken: ct)) == 0)
                added++;
            await connection.ExecuteAsync(new CommandDefinition(UpsertMember, new
            {
                PlanId = planId, m.PackageId, Now = now, m.Source, m.ManifestVersion, m.RepositoryUrl, m.RepositoryDirectory, m.WorkspacePath,
                PublishSetupJson = m.PublishSetup is null ? null : OnboardingJson.Write(m.PublishSetup),
            }, tx, cancellationToken: ct));
        }
        await connection.ExecuteAsync(new CommandDefinition("UPDATE onboarding_plans SET updated_at = @Now WHERE id = @PlanId", new { PlanId = planId, Now = now }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return added;
    }

    public async Task<IReadOnlyList<OnboardingPlanRow>> ListPlansAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<OnboardingPlanRow>(new CommandDefinition(SelectPlans, cancellationToken: ct))).AsList();
    }

    public async Task<OnboardingPlanRow?> GetAsync(long planId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<OnboardingPlanRow>(new CommandDefinition(SelectPlan, new { PlanId = planId }, cancellationToken: ct));
    }

    public async Task<bool> SavePublisherAsync(long planId, PublisherPlan publisher, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(UpdatePublisher,
            new { PlanId = planId, Json = OnboardingJson.Write(publisher), Now = DbTime.ToText(DateTimeOffset.UtcNow) }, cancellationToken: ct)) == 1;
    }

    /// <summary>Renames a plan; false when another plan has the name.</summary>
    public async Task<bool> RenameAsync(long planId, string name, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var other = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectPlanId, new { Name = name }, cancellationToken: ct));
        if (other is not null && other != planId) return false;
        return await connection.ExecuteAsync(new CommandDefinition(RenamePlan, new { PlanId = planId, Name = name, Now = DbTime.ToText(DateTimeOffset.UtcNow) }, cancellationToken: ct)) == 1;
    }

    public async Task<bool> DeleteAsync(long planId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeletePlan, new { PlanId = planId }, cancellationToken: ct)) == 1;
    }

    public async Task<IReadOnlyList<PlanMemberRow>> MembersAsync(long planId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<PlanMemberRow>(new CommandDefinition(SelectMembers, new { PlanId = planId }, cancellationToken: ct))).AsList();
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

    public async Task<bool> SaveOverrideAsync(long planId, long packageId, PublisherOverride? value, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var json = value is null || value.IsEmpty ? null : OnboardingJson.Write(value);
        return await connection.ExecuteAsync(new CommandDefinition(UpdateOverride, new { PlanId = planId, PackageId = packageId, Json = json }, cancellationToken: ct)) == 1;
    }

    public async Task<IReadOnlyList<StepRow>> StepsAsync(long planId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<StepRow>(new CommandDefinition(SelectSteps, new { PlanId = planId }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<StepRow>> StepsAsync(long planId, long packageId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<StepRow>(new CommandDefinition(SelectPackageSteps, new { PlanId = planId, PackageId = packageId }, cancellationToken: ct))).AsList();
    }

    public async Task SetStepAsync(long planId, long packageId, OnboardingStep step, StepState state, string? note, string? actor, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(UpsertStep, new
        {
            PlanId = planId, PackageId = packageId, Step = step.Code(), State = state.Code(), Note = note, Actor = actor, At = DbTime.ToText(at),
        }, cancellationToken: ct));
    }

    public async Task SaveTrustCheckAsync(long planId, long packageId, bool matches, string summary, string resultJson, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(UpsertTrustCheck, new
        {
            PlanId = planId, PackageId = packageId, At = DbTime.ToText(at), Matches = matches, Summary = summary, Json = resultJson,
        }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<TrustCheckRow>> TrustChecksAsync(long planId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<TrustCheckRow>(new CommandDefinition(SelectTrustChecks, new { PlanId = planId }, cancellationToken: ct))).AsList();
    }

    /// <summary>Records what the registry answered for the package, in every plan that holds it.</summary>
    public async Task SetRegistryStateAsync(long packageId, string state, string? error, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(UpdateRegistryState,
            new { PackageId = packageId, State = state, Error = error, At = DbTime.ToText(at) }, cancellationToken: ct));
    }

    /// <summary>Records the repository the registry reports for the package, in every plan that holds it.</summary>
    public async Task SetRegistryRepositoryAsync(long packageId, string url, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(UpdateRegistryRepository, new { PackageId = packageId, Url = url }, cancellationToken: ct));
    }

    public async Task<IReadOnlySet<long>> TrackedPackageIdsAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(SelectTrackedPackageIds, cancellationToken: ct))).ToHashSet();
    }

    public async Task<IReadOnlyList<PackagePlanRow>> PlansForPackageAsync(long packageId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<PackagePlanRow>(new CommandDefinition(SelectPackagePlans, new { PackageId = packageId }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<UnusedTrustRow>> UnusedTrustAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<UnusedTrustRow>(new CommandDefinition(SelectUnusedTrust, cancellationToken: ct))).AsList();
    }
}

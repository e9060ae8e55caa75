using System.Data.Common;
using Dapper;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Data;

/// <summary>A tracked package (its verdict is in <see cref="ComplianceRow"/>).</summary>
public sealed record PackageRow(long Id, Registry Registry, string Name, long? GroupId, string? GroupName, DateTimeOffset AddedAt, bool IsSample = false)
{
    public PackageId PackageId => new(Registry, Name);
}

/// <summary>What removing the sample workspace would change: shown before the user confirms.</summary>
public sealed record SampleImpact(int Packages, int Alerts, IReadOnlyList<SamplePlanImpact> Plans)
{
    /// <summary>The confirmation's sentence: everything the removal changes, and what it leaves alone.</summary>
    public string Describe()
    {
        var text = $"Remove {Packages:N0} sample package(s) and their generated evidence";
        text += Alerts > 0 ? $", and {Alerts:N0} sample alert(s)?" : "?";
        if (Plans.Count > 0)
            text += " Onboarding plans that contain sample packages lose them: " +
                    string.Join(", ", Plans.Select(p => $"\u201c{p.Plan}\u201d ({p.Packages:N0})")) + ".";
        return text + " Your own packages, plans and alerts are not changed.";
    }
}

/// <summary>An onboarding plan that holds sample packages and would lose them.</summary>
public sealed record SamplePlanImpact(string Plan, int Packages);

/// <summary>A group with how many packages it holds. Dapper fills init properties (robust to SQLite's per-row typing).</summary>
public sealed record PackageGroupRow
{
    public long Id { get; init; }
    public string Name { get; init; } = "";
    public long PackageCount { get; init; }
}

/// <summary>Packages and their groups (one aggregate: a group exists to organise packages).</summary>
public sealed class PackageRepository(IDbConnectionFactory connections)
{
    private const string SelectColumns = """
        SELECT p.id AS Id, p.registry AS Registry, p.name AS Name, p.group_id AS GroupId, g.name AS GroupName, p.added_at AS AddedAt,
               p.is_sample AS IsSample
        FROM packages p
        LEFT JOIN package_groups g ON g.id = p.group_id
        """;

    private const string InsertIgnoringExisting = """
        INSERT INTO packages (registry, name, group_id, added_at, is_sample) VALUES (@Registry, @Name, @GroupId, @AddedAt, @Sample)
        ON CONFLICT (registry, name) DO NOTHING
        """;

    private const string DeleteSample = "DELETE FROM packages WHERE is_sample = 1";

    private const string SelectGroupByName = "SELECT id FROM package_groups WHERE name = @Name";

    private const string InsertGroup = "INSERT INTO package_groups (name, created_at) VALUES (@Name, @CreatedAt) RETURNING id";

    private const string SelectGroups = """
        SELECT g.id AS Id, g.name AS Name, COUNT(p.id) AS PackageCount
        FROM package_groups g LEFT JOIN packages p ON p.group_id = g.id
        GROUP BY g.id, g.name ORDER BY g.name
        """;

    private const string DeleteByIds = "DELETE FROM packages WHERE id IN (SELECT value FROM json_each(@Ids))";

    private const string CountAll = "SELECT COUNT(*) FROM packages";

    /// <summary>Inserts the packages that are not tracked yet, in one transaction; returns which ones were new.</summary>
    public async Task<IReadOnlySet<PackageId>> AddAsync(IReadOnlyCollection<PackageId> packages, string? groupName, CancellationToken ct, bool sample = false)
    {
        var added = new HashSet<PackageId>();
        if (packages.Count == 0) return added;
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var groupId = string.IsNullOrWhiteSpace(groupName) ? (long?)null : await EnsureGroupAsync(connection, tx, groupName.Trim(), ct);
        var now = DateTimeOffset.UtcNow;
        foreach (var package in packages)
        {
            var rows = await connection.ExecuteAsync(new CommandDefinition(InsertIgnoringExisting,
                new { Registry = package.Registry.Code(), package.Name, GroupId = groupId, AddedAt = DbTime.ToText(now), Sample = sample ? 1 : 0 }, tx, cancellationToken: ct));
            if (rows == 1) added.Add(package);
        }
        if (added.Count > 0) await ComplianceRepository.WriteSnapshotAsync(connection, tx, now, ct);
        await tx.CommitAsync(ct);
        return added;
    }

    private static async Task<long> EnsureGroupAsync(DbConnection connection, DbTransaction tx, string name, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectGroupByName, new { Name = name }, tx, cancellationToken: ct))
        ?? await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertGroup, new { Name = name, CreatedAt = DbTime.ToText(DateTimeOffset.UtcNow) }, tx, cancellationToken: ct));

    /// <summary>Every tracked package of one registry (optionally only the given ids), for polling.</summary>
    public async Task<IReadOnlyList<PackageRow>> ListByRegistryAsync(Registry registry, IReadOnlyCollection<long>? ids, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var sql = SelectColumns + " WHERE p.registry = @Registry" + (ids is null ? "" : " AND p.id IN (SELECT value FROM json_each(@Ids))") + " ORDER BY p.name";
        var rows = await connection.QueryAsync<PackageRecord>(new CommandDefinition(sql,
            new { Registry = registry.Code(), Ids = ids is null ? null : System.Text.Json.JsonSerializer.Serialize(ids) }, cancellationToken: ct));
        return rows.Select(r => r.ToRow()).ToList();
    }

    public async Task<PackageRow?> FindAsync(PackageId package, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<PackageRecord>(new CommandDefinition(
            SelectColumns + " WHERE p.registry = @Registry AND p.name = @Name", new { Registry = package.Registry.Code(), package.Name }, cancellationToken: ct));
        return row?.ToRow();
    }

    public async Task<bool> RemoveAsync(long id, CancellationToken ct) => await RemoveManyAsync([id], ct) == 1;

    /// <summary>Stops tracking several packages at once (their evidence goes by cascade); returns how many were removed.</summary>
    public async Task<int> RemoveManyAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return 0;
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var removed = await connection.ExecuteAsync(new CommandDefinition(DeleteByIds, new { Ids = System.Text.Json.JsonSerializer.Serialize(ids) }, tx, cancellationToken: ct));
        if (removed > 0) await ComplianceRepository.WriteSnapshotAsync(connection, tx, DateTimeOffset.UtcNow, ct);
        await tx.CommitAsync(ct);
        return removed;
    }

    /// <summary>Moves packages to a group (created if new), or out of any group when the name is empty.</summary>
    public async Task<int> MoveToGroupAsync(IReadOnlyCollection<long> ids, string? groupName, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var groupId = string.IsNullOrWhiteSpace(groupName) ? (long?)null : await EnsureGroupAsync(connection, tx, groupName.Trim(), ct);
        var moved = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE packages SET group_id = @GroupId WHERE id IN (SELECT value FROM json_each(@Ids))",
            new { GroupId = groupId, Ids = System.Text.Json.JsonSerializer.Serialize(ids) }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return moved;
    }

    /// <summary>Removes every sample package (and, by cascade, its evidence); returns how many.</summary>
    public async Task<int> RemoveSampleAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Sample alerts go with their packages (a package's alerts otherwise outlive it, as history).
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM alerts WHERE is_sample = 1", transaction: tx, cancellationToken: ct));
        var removed = await connection.ExecuteAsync(new CommandDefinition(DeleteSample, transaction: tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM package_groups WHERE name = 'sample' AND id NOT IN (SELECT group_id FROM packages WHERE group_id IS NOT NULL)", transaction: tx, cancellationToken: ct));
        await ComplianceRepository.WriteSnapshotAsync(connection, tx, DateTimeOffset.UtcNow, ct);
        await tx.CommitAsync(ct);
        return removed;
    }

    private const string SelectSampleImpact = """
        SELECT (SELECT COUNT(*) FROM packages WHERE is_sample = 1) AS Packages,
               (SELECT COUNT(*) FROM alerts WHERE is_sample = 1) AS Alerts
        """;

    private const string SelectPlansWithSamples = """
        SELECT pl.name AS Plan, COUNT(*) AS Packages
        FROM onboarding_plan_packages pp JOIN onboarding_plans pl ON pl.id = pp.plan_id JOIN packages p ON p.id = pp.package_id
        WHERE p.is_sample = 1 GROUP BY pl.id, pl.name ORDER BY pl.name
        """;

    /// <summary>What removing the sample workspace changes: its packages, its alerts, and the plans that hold sample packages.</summary>
    public async Task<SampleImpact> SampleImpactAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var counts = await connection.QuerySingleAsync<(long Packages, long Alerts)>(new CommandDefinition(SelectSampleImpact, cancellationToken: ct));
        var plans = (await connection.QueryAsync<(string Plan, long Packages)>(new CommandDefinition(SelectPlansWithSamples, cancellationToken: ct)))
            .Select(p => new SamplePlanImpact(p.Plan, (int)p.Packages)).ToList();
        return new SampleImpact((int)counts.Packages, (int)counts.Alerts, plans);
    }

    // Registry and name joined by the unit separator, which neither contains: one query for a paste of any size.
    private const string SelectIdsByKey = """
        SELECT p.id FROM packages p WHERE p.registry || char(31) || p.name IN (SELECT value FROM json_each(@Keys)) ORDER BY p.id
        """;

    /// <summary>The ids of tracked packages, by registry and name.</summary>
    public async Task<IReadOnlyList<long>> FindIdsAsync(IReadOnlyCollection<PackageId> packages, CancellationToken ct)
    {
        if (packages.Count == 0) return [];
        await using var connection = await connections.OpenAsync(ct);
        var keys = System.Text.Json.JsonSerializer.Serialize(packages.Select(p => p.Registry.Code() + "\u001f" + p.Name));
        return (await connection.QueryAsync<long>(new CommandDefinition(SelectIdsByKey, new { Keys = keys }, cancellationToken: ct))).AsList();
    }

    /// <summary>How many of the packages are samples.</summary>
    public async Task<int> CountSampleAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return 0;
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM packages WHERE is_sample = 1 AND id IN (SELECT value FROM json_each(@Ids))",
            new { Ids = System.Text.Json.JsonSerializer.Serialize(ids) }, cancellationToken: ct));
    }

    public async Task<int> CountAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(CountAll, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<PackageGroupRow>> ListGroupsAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<PackageGroupRow>(new CommandDefinition(SelectGroups, cancellationToken: ct))).AsList();
    }

    private sealed record PackageRecord
    {
        public long Id { get; init; }
        public string Registry { get; init; } = "";
        public string Name { get; init; } = "";
        public long? GroupId { get; init; }
        public string? GroupName { get; init; }
        public string AddedAt { get; init; } = "";
        public bool IsSample { get; init; }

        public PackageRow ToRow() => new(Id, RegistryCatalog.Parse(Registry), Name, GroupId, GroupName, DbTime.Parse(AddedAt), IsSample);
    }
}

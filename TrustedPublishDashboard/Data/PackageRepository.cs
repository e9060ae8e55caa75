using System.Data.Common;
using Dapper;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Data;

/// <summary>A tracked package (its verdict is in <see cref="ComplianceRow"/>).</summary>
public sealed record PackageRow(long Id, Registry Registry, string Name, long? GroupId, string? GroupName, DateTimeOffset AddedAt)
{
    public PackageId PackageId => new(Registry, Name);
}

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
        SELECT p.id AS Id, p.registry AS Registry, p.name AS Name, p.group_id AS GroupId, g.name AS GroupName, p.added_at AS AddedAt
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

    private const string DeleteById = "DELETE FROM packages WHERE id = @Id";

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

    public async Task<bool> RemoveAsync(long id, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteById, new { Id = id }, cancellationToken: ct)) == 1;
    }

    /// <summary>Stops tracking several packages at once (their evidence goes by cascade); returns how many were removed.</summary>
    public async Task<int> RemoveManyAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return 0;
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteByIds, new { Ids = System.Text.Json.JsonSerializer.Serialize(ids) }, cancellationToken: ct));
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
        var removed = await connection.ExecuteAsync(new CommandDefinition(DeleteSample, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM package_groups WHERE name = 'sample' AND id NOT IN (SELECT group_id FROM packages WHERE group_id IS NOT NULL)", cancellationToken: ct));
        return removed;
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

        public PackageRow ToRow() => new(Id, RegistryCatalog.Parse(Registry), Name, GroupId, GroupName, DbTime.Parse(AddedAt));
    }
}

using System.Data.Common;
using Dapper;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Data;

/// <summary>A tracked package with its latest verdict (null until its first poll).</summary>
public sealed record PackageRow(long Id, Registry Registry, string Name, long? GroupId, string? GroupName, DateTimeOffset AddedAt,
    ComplianceStatus? Status = null, string? LatestVersion = null, PublishMethod? LatestMethod = null, DateTimeOffset? CheckedAt = null,
    string? Error = null)
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

public enum PackageSort { Name, Registry, Group, AddedAt, Status, CheckedAt }

/// <summary>A page of the package list. Filtering, sorting and paging run in SQL.</summary>
public sealed record PackageQuery(string? Search = null, Registry? Registry = null, long? GroupId = null,
    PackageSort Sort = PackageSort.Name, bool Descending = false, int Skip = 0, int Take = 50);

public sealed record PackagePage(IReadOnlyList<PackageRow> Items, int Total);

/// <summary>Packages and their groups (one aggregate: a group exists to organise packages).</summary>
public sealed class PackageRepository(IDbConnectionFactory connections)
{
    private const string SelectColumns = """
        SELECT p.id AS Id, p.registry AS Registry, p.name AS Name, p.group_id AS GroupId, g.name AS GroupName, p.added_at AS AddedAt,
               e.status AS Status, e.latest_version AS LatestVersion, e.latest_method AS LatestMethod, e.checked_at AS CheckedAt, e.error AS Error
        FROM packages p
        LEFT JOIN package_groups g ON g.id = p.group_id
        LEFT JOIN package_evidence e ON e.package_id = p.id
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

    public async Task<PackagePage> QueryAsync(PackageQuery query, CancellationToken ct)
    {
        var where = new List<string>();
        var args = new DynamicParameters();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            where.Add("p.name LIKE @Search ESCAPE '\\'");
            args.Add("Search", "%" + EscapeLike(query.Search.Trim()) + "%");
        }
        if (query.Registry is { } registry)
        {
            where.Add("p.registry = @Registry");
            args.Add("Registry", registry.Code());
        }
        if (query.GroupId is { } groupId)
        {
            where.Add("p.group_id = @GroupId");
            args.Add("GroupId", groupId);
        }
        var filter = where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
        // Sort columns come from an enum, never from user text.
        var direction = query.Descending ? "DESC" : "ASC";
        var order = query.Sort switch
        {
            PackageSort.Registry => $"p.registry {direction}, p.name",
            PackageSort.Group => $"g.name {direction}, p.name",
            PackageSort.AddedAt => $"p.added_at {direction}, p.name",
            PackageSort.Status => $"e.status {direction}, p.name",
            PackageSort.CheckedAt => $"e.checked_at {direction}, p.name",
            _ => $"p.name {direction}, p.registry",
        };
        args.Add("Skip", Math.Max(0, query.Skip));
        args.Add("Take", Math.Clamp(query.Take, 1, 1000));

        await using var connection = await connections.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM packages p LEFT JOIN package_evidence e ON e.package_id = p.id" + filter, args, cancellationToken: ct));
        var items = await connection.QueryAsync<PackageRecord>(new CommandDefinition(
            SelectColumns + filter + " ORDER BY " + order + " LIMIT @Take OFFSET @Skip", args, cancellationToken: ct));
        return new PackagePage(items.Select(r => r.ToRow()).ToList(), total);
    }

    private sealed record PackageRecord
    {
        public long Id { get; init; }
        public string Registry { get; init; } = "";
        public string Name { get; init; } = "";
        public long? GroupId { get; init; }
        public string? GroupName { get; init; }
        public string AddedAt { get; init; } = "";
        public string? Status { get; init; }
        public string? LatestVersion { get; init; }
        public string? LatestMethod { get; init; }
        public string? CheckedAt { get; init; }
        public string? Error { get; init; }

        public PackageRow ToRow() => new(Id, RegistryCatalog.Parse(Registry), Name, GroupId, GroupName, DbTime.Parse(AddedAt),
            Status is null ? null : ComplianceStatuses.Parse(Status), LatestVersion,
            LatestMethod is null ? null : PublishMethods.Parse(LatestMethod), DbTime.ParseOrNull(CheckedAt), Error);
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}

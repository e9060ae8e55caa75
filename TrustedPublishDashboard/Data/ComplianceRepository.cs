using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Data;

/// <summary>The compliance grid's quick filters, by the code used in URLs and the API.</summary>
public enum QuickFilter { StillToken, Downgrade, Drift, Unknown, Errors, Findings, NotPublished }

public enum ComplianceSort { Name, Registry, Group, Status, LatestPublished, LastToken, Checked, Findings, Publisher }

/// <summary>What the grid groups rows by: rows are ordered by the key first and each key's count comes from SQL.</summary>
public enum GroupKey { Status, Registry, Group, Method }

public static class ComplianceCodes
{
    public static IReadOnlyDictionary<string, QuickFilter> Filters { get; } = new Dictionary<string, QuickFilter>(StringComparer.OrdinalIgnoreCase)
    {
        ["still-token"] = QuickFilter.StillToken,
        ["downgrade"] = QuickFilter.Downgrade,
        ["drift"] = QuickFilter.Drift,
        ["unknown"] = QuickFilter.Unknown,
        ["errors"] = QuickFilter.Errors,
        ["findings"] = QuickFilter.Findings,
        ["not-published"] = QuickFilter.NotPublished,
    };

    public static IReadOnlyDictionary<string, ComplianceSort> Sorts { get; } = new Dictionary<string, ComplianceSort>(StringComparer.OrdinalIgnoreCase)
    {
        ["name"] = ComplianceSort.Name,
        ["registry"] = ComplianceSort.Registry,
        ["group"] = ComplianceSort.Group,
        ["status"] = ComplianceSort.Status,
        ["latest-published"] = ComplianceSort.LatestPublished,
        ["last-token"] = ComplianceSort.LastToken,
        ["checked"] = ComplianceSort.Checked,
        ["findings"] = ComplianceSort.Findings,
        ["publisher"] = ComplianceSort.Publisher,
    };

    /// <summary>Statuses a filter may name; "pending" means not polled yet.</summary>
    public static IReadOnlySet<string> Statuses { get; } = new HashSet<string>(StringComparer.Ordinal) { "compliant", "non-compliant", "unknown", "error", "not-published", "pending" };

    public static IReadOnlyDictionary<string, GroupKey> Groupings { get; } = new Dictionary<string, GroupKey>(StringComparer.OrdinalIgnoreCase)
    {
        ["status"] = GroupKey.Status,
        ["registry"] = GroupKey.Registry,
        ["group"] = GroupKey.Group,
        ["method"] = GroupKey.Method,
    };

    public static string Code(this QuickFilter filter) => Filters.First(f => f.Value == filter).Key;

    public static string Code(this ComplianceSort sort) => Sorts.First(s => s.Value == sort).Key;
}

/// <summary>One grid query: filters, sort and page. Everything runs in SQL.</summary>
public sealed record ComplianceQuery(
    string? Search = null,
    Registry? Registry = null,
    long? GroupId = null,
    string? Status = null,
    QuickFilter? Filter = null,
    bool? Sample = null,
    ComplianceSort Sort = ComplianceSort.Name,
    bool Descending = false,
    int Offset = 0,
    int Take = 50,
    GroupKey? GroupBy = null,
    long? PlanId = null)
{
    /// <summary>The "any finding" filter counts accepted findings too.</summary>
    public bool IncludeAccepted { get; init; }
}

/// <summary>One group of a grouped grid: its label, the filter value that selects it, and how many rows it has.</summary>
public sealed record ComplianceGroup
{
    public string Key { get; init; } = "";
    public string? Value { get; init; }
    public long Count { get; init; }
}

/// <summary>A package as the compliance grid shows it.</summary>
public sealed record ComplianceRow
{
    public long Id { get; init; }
    public string Registry { get; init; } = "";
    public string Name { get; init; } = "";
    public bool IsSample { get; init; }
    public long? GroupId { get; init; }
    public string? GroupName { get; init; }
    public string AddedAt { get; init; } = "";
    public string? Status { get; init; }
    public string? LatestVersion { get; init; }
    public string? LatestMethod { get; init; }
    public string? LatestPublishedAt { get; init; }
    public bool? LatestProvenance { get; init; }
    public string? LatestProvider { get; init; }
    public string? LatestRepository { get; init; }
    public string? LatestWorkflow { get; init; }
    public string? LastTokenVersion { get; init; }
    public string? LastTokenAt { get; init; }
    public long FindingCount { get; init; }
    /// <summary>Findings a person accepted: not in <see cref="FindingCount"/> and not counted toward the status (the grid's marker).</summary>
    public long AcceptedCount { get; init; }
    public string? CheckedAt { get; init; }
    public string? Error { get; init; }
    public long ConsecutiveFailures { get; init; }
    public bool HasDowngrade { get; init; }
    public bool HasDrift { get; init; }

    public PackageId PackageId => new(RegistryCatalog.Parse(Registry), Name);
    public string DetailPath => PackageLinks.Detail(Registry, Name);
    public ComplianceStatus? StatusValue => Status is null ? null : ComplianceStatuses.Parse(Status);
    public PublishMethod? LatestMethodValue => LatestMethod is null ? null : PublishMethods.Parse(LatestMethod);
}

public sealed record CompliancePage(IReadOnlyList<ComplianceRow> Items, int Total);

public sealed record ComplianceCounts(long Packages, long Compliant, long NonCompliant, long Unknown, long Error, long Pending, long OpenFindings, long Sample, long NotPublished = 0);

public sealed record ComplianceSnapshot
{
    public string Day { get; init; } = "";
    public string Status { get; init; } = "";
    public long Count { get; init; }
}

public sealed record PublishFeedItem
{
    public string Registry { get; init; } = "";
    public string Name { get; init; } = "";
    public string Version { get; init; } = "";
    public string? PublishedAt { get; init; }
    public string Method { get; init; } = "";
    public string? Repository { get; init; }
    public bool IsSample { get; init; }

    public string DetailPath => PackageLinks.Detail(Registry, Name);
}

/// <summary>Where a package's detail page is (relative to the app's base); scoped names keep their slash.</summary>
public static class PackageLinks
{
    public static string Detail(string registryCode, string name) => $"packages/{registryCode}/{name}";
}

/// <summary>The compliance grid, its counts, history and exports: read-only views over the evidence tables.</summary>
public sealed class ComplianceRepository(IDbConnectionFactory connections)
{
    private const string SelectRow = """
        SELECT p.id AS Id, p.registry AS Registry, p.name AS Name, p.is_sample AS IsSample, p.group_id AS GroupId, g.name AS GroupName,
               p.added_at AS AddedAt, e.status AS Status, e.latest_version AS LatestVersion, e.latest_method AS LatestMethod,
               e.latest_published_at AS LatestPublishedAt, e.latest_provenance AS LatestProvenance, e.latest_provider AS LatestProvider,
               e.latest_repository AS LatestRepository, e.latest_workflow AS LatestWorkflow, e.last_token_version AS LastTokenVersion,
               e.last_token_at AS LastTokenAt, COALESCE(e.finding_count, 0) AS FindingCount, e.checked_at AS CheckedAt, e.error AS Error,
               COALESCE(e.consecutive_failures, 0) AS ConsecutiveFailures, COALESCE(e.has_downgrade, 0) AS HasDowngrade,
               COALESCE(e.has_drift, 0) AS HasDrift, COALESCE(e.accepted_count, 0) AS AcceptedCount
        FROM packages p
        LEFT JOIN package_groups g ON g.id = p.group_id
        LEFT JOIN package_evidence e ON e.package_id = p.id
        """;

    private const string CountFrom = "SELECT COUNT(*) FROM packages p LEFT JOIN package_evidence e ON e.package_id = p.id";

    private const string SelectIdsFrom = "SELECT p.id FROM packages p LEFT JOIN package_evidence e ON e.package_id = p.id";

    private const string GroupFrom = " FROM packages p LEFT JOIN package_groups g ON g.id = p.group_id LEFT JOIN package_evidence e ON e.package_id = p.id";

    private const string SelectCounts = """
        SELECT COUNT(*) AS Packages,
               COALESCE(SUM(e.status = 'compliant'), 0) AS Compliant,
               COALESCE(SUM(e.status = 'non-compliant'), 0) AS NonCompliant,
               COALESCE(SUM(e.status = 'unknown'), 0) AS Unknown,
               COALESCE(SUM(e.status = 'error'), 0) AS Error,
               COALESCE(SUM(e.status IS NULL), 0) AS Pending,
               COALESCE(SUM(e.finding_count), 0) AS OpenFindings,
               COALESCE(SUM(p.is_sample), 0) AS Sample,
               COALESCE(SUM(e.status = 'not-published'), 0) AS NotPublished
        FROM packages p LEFT JOIN package_evidence e ON e.package_id = p.id
        """;

    // A day's snapshot is the whole distribution at the time of writing: every status gets a row (zero included), so a
    // status that disappears shows 0 instead of keeping an old count. Sample packages are one series of their own
    // ("sample"), never mixed into the real statuses.
    private const string CountForSnapshot = """
        SELECT CASE WHEN p.is_sample = 1 THEN 'sample' ELSE COALESCE(e.status, 'pending') END AS Status, COUNT(*) AS Count
        FROM packages p LEFT JOIN package_evidence e ON e.package_id = p.id
        GROUP BY 1
        """;

    private const string DeleteSnapshotDay = "DELETE FROM compliance_snapshots WHERE day = @Day";

    private const string InsertSnapshot = "INSERT INTO compliance_snapshots (day, status, count) VALUES (@Day, @Status, @Count)";

    /// <summary>Every series a snapshot records: the statuses, "pending" (not checked yet) and "sample".</summary>
    public static IReadOnlyList<string> SnapshotSeries { get; } =
        [.. Enum.GetValues<ComplianceStatus>().Select(s => s.Code()), "pending", "sample"];

    private const string SelectSnapshots = "SELECT day AS Day, status AS Status, count AS Count FROM compliance_snapshots WHERE day >= @Since ORDER BY day, status";

    private const string SelectFeed = """
        SELECT p.registry AS Registry, p.name AS Name, v.version AS Version, v.published_at AS PublishedAt, v.method AS Method,
               v.repository AS Repository, p.is_sample AS IsSample
        FROM package_versions v JOIN packages p ON p.id = v.package_id
        WHERE v.removed_at IS NULL AND v.published_at IS NOT NULL
        ORDER BY v.published_at DESC LIMIT @Take
        """;

    /// <summary>The WHERE clause and its parameters for a query; shared by the page, the count and the exports.</summary>
    private static (string Where, DynamicParameters Args) Filter(ComplianceQuery q)
    {
        var where = new List<string>();
        var args = new DynamicParameters();
        if (!string.IsNullOrWhiteSpace(q.Search))
        {
            where.Add("p.name LIKE @Search ESCAPE '\\'");
            args.Add("Search", "%" + q.Search.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%");
        }
        if (q.Registry is { } registry)
        {
            where.Add("p.registry = @Registry");
            args.Add("Registry", registry.Code());
        }
        if (q.GroupId is { } group)
        {
            where.Add("p.group_id = @GroupId");
            args.Add("GroupId", group);
        }
        if (q.Status is "pending") where.Add("e.status IS NULL");
        else if (q.Status is { } status)
        {
            where.Add("e.status = @Status");
            args.Add("Status", status);
        }
        if (q.Sample is { } sample) where.Add(sample ? "p.is_sample = 1" : "p.is_sample = 0");
        if (q.PlanId is { } plan)
        {
            where.Add("p.id IN (SELECT package_id FROM onboarding_plan_packages WHERE plan_id = @PlanId)");
            args.Add("PlanId", plan);
        }
        switch (q.Filter)
        {
            case QuickFilter.StillToken: where.Add("e.latest_method IN ('token', 'token-with-provenance')"); break;
            case QuickFilter.Downgrade: where.Add("e.has_downgrade = 1"); break;
            case QuickFilter.Drift: where.Add("e.has_drift = 1"); break;
            case QuickFilter.Unknown: where.Add("e.status = 'unknown'"); break;
            case QuickFilter.Errors: where.Add("e.status = 'error'"); break;
            case QuickFilter.Findings: where.Add(q.IncludeAccepted ? "(e.finding_count > 0 OR e.accepted_count > 0)" : "e.finding_count > 0"); break;
            case QuickFilter.NotPublished: where.Add("e.status = 'not-published'"); break;
        }
        return (where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where), args);
    }

    /// <summary>(label expression, filter-value expression) per grouping; from enums only, never from user text.</summary>
    private static (string Label, string Value) GroupExpression(GroupKey key) => key switch
    {
        GroupKey.Status => ("COALESCE(e.status, 'pending')", "COALESCE(e.status, 'pending')"),
        GroupKey.Registry => ("p.registry", "p.registry"),
        GroupKey.Group => ("COALESCE(g.name, '(no group)')", "CAST(g.id AS TEXT)"),
        _ => ("COALESCE(e.latest_method, 'pending')", "COALESCE(e.latest_method, 'pending')"),
    };

    /// <summary>
    /// The group label of a row, as <see cref="GroupExpression"/> computes it in SQL: the grid groups the rows of a page
    /// by this and looks the group's size up in <see cref="GroupCountsAsync"/> by the same label.
    /// </summary>
    public static string GroupLabelOf(ComplianceRow row, GroupKey key) => key switch
    {
        GroupKey.Status => row.Status ?? "pending",
        GroupKey.Registry => row.Registry,
        GroupKey.Group => row.GroupName ?? "(no group)",
        _ => row.LatestMethod ?? "pending",
    };

    private static string Order(ComplianceQuery q)
    {
        var d = q.Descending ? "DESC" : "ASC";
        var group = q.GroupBy is { } key ? GroupExpression(key).Label + ", " : "";
        // Sort columns come from an enum, never from user text; unpolled packages sort last either way.
        return " ORDER BY " + group + q.Sort switch
        {
            ComplianceSort.Registry => $"p.registry {d}, p.name",
            ComplianceSort.Group => $"g.name IS NULL, g.name {d}, p.name",
            ComplianceSort.Status => $"e.status IS NULL, e.status {d}, p.name",
            ComplianceSort.LatestPublished => $"e.latest_published_at IS NULL, e.latest_published_at {d}, p.name",
            ComplianceSort.LastToken => $"e.last_token_at IS NULL, e.last_token_at {d}, p.name",
            ComplianceSort.Checked => $"e.checked_at IS NULL, e.checked_at {d}, p.name",
            ComplianceSort.Findings => $"COALESCE(e.finding_count, 0) {d}, p.name",
            // What the grid's publisher column shows: the repository, or the provider when there was no provenance.
            ComplianceSort.Publisher => $"COALESCE(e.latest_repository, e.latest_provider) IS NULL, COALESCE(e.latest_repository, e.latest_provider) {d}, e.latest_workflow {d}, p.name",
            _ => $"p.name {d}, p.registry",
        };
    }

    public async Task<CompliancePage> QueryAsync(ComplianceQuery query, CancellationToken ct)
    {
        var (where, args) = Filter(query);
        args.Add("Skip", Math.Max(0, query.Offset));
        args.Add("Take", Math.Clamp(query.Take, 1, 1000));
        await using var connection = await connections.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(CountFrom + where, args, cancellationToken: ct));
        var items = await connection.QueryAsync<ComplianceRow>(new CommandDefinition(
            SelectRow + where + Order(query) + " LIMIT @Take OFFSET @Skip", args, cancellationToken: ct));
        return new CompliancePage(items.AsList(), total);
    }

    /// <summary>The ids of every row the query's filters select (no paging): "select all matching" in the grid.</summary>
    public async Task<IReadOnlyList<long>> SelectIdsAsync(ComplianceQuery query, CancellationToken ct)
    {
        var (where, args) = Filter(query);
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(SelectIdsFrom + where, args, cancellationToken: ct))).AsList();
    }

    /// <summary>Each group's size under the query's filters, for a grouped grid.</summary>
    public async Task<IReadOnlyList<ComplianceGroup>> GroupCountsAsync(ComplianceQuery query, GroupKey key, CancellationToken ct)
    {
        var (where, args) = Filter(query);
        var (label, value) = GroupExpression(key);
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<ComplianceGroup>(new CommandDefinition(
            $"SELECT {label} AS Key, {value} AS Value, COUNT(*) AS Count" + GroupFrom + where + " GROUP BY 1, 2 ORDER BY 1", args, cancellationToken: ct))).AsList();
    }

    /// <summary>Every row of the query (no paging), read one at a time: for exports of any size.</summary>
    public async IAsyncEnumerable<ComplianceRow> StreamAsync(ComplianceQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var (where, args) = Filter(query);
        await using var connection = await connections.OpenAsync(ct);
        await foreach (var row in connection.QueryUnbufferedAsync<ComplianceRow>(SelectRow + where + Order(query), args).WithCancellation(ct))
            yield return row;
    }

    public async Task<ComplianceRow?> FindAsync(PackageId package, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ComplianceRow>(new CommandDefinition(
            SelectRow + " WHERE p.registry = @Registry AND p.name = @Name", new { Registry = package.Registry.Code(), package.Name }, cancellationToken: ct));
    }

    public async Task<ComplianceCounts> CountsAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.QuerySingleAsync<ComplianceCounts>(new CommandDefinition(SelectCounts, cancellationToken: ct));
    }

    /// <summary>Rewrites today's snapshot (after every poll and whenever the package set changes; the last write of the day stands).</summary>
    public async Task RecordSnapshotAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await WriteSnapshotAsync(connection, tx, now, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Rewrites the day's snapshot inside the caller's transaction: a change to the package set and the snapshot that
    /// describes it commit together.
    /// </summary>
    public static async Task WriteSnapshotAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction tx, DateTimeOffset now, CancellationToken ct)
    {
        var day = now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var counts = (await connection.QueryAsync<ComplianceSnapshot>(new CommandDefinition(CountForSnapshot, transaction: tx, cancellationToken: ct)))
            .ToDictionary(c => c.Status, c => c.Count, StringComparer.Ordinal);
        await connection.ExecuteAsync(new CommandDefinition(DeleteSnapshotDay, new { Day = day }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(InsertSnapshot,
            SnapshotSeries.Select(s => new { Day = day, Status = s, Count = counts.GetValueOrDefault(s) }), tx, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<ComplianceSnapshot>> SnapshotsAsync(DateTimeOffset since, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<ComplianceSnapshot>(new CommandDefinition(SelectSnapshots,
            new { Since = since.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<PublishFeedItem>> LatestPublishesAsync(int take, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<PublishFeedItem>(new CommandDefinition(SelectFeed, new { Take = take }, cancellationToken: ct))).AsList();
    }
}

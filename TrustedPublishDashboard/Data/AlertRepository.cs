using System.Data.Common;
using Dapper;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Data;

public sealed record AlertRow
{
    public long Id { get; init; }
    public string Registry { get; init; } = "";
    public long? PackageId { get; init; }
    public string Package { get; init; } = "";
    public string Key { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Severity { get; init; } = "";
    public string Title { get; init; } = "";
    public string Message { get; init; } = "";
    public string CreatedAt { get; init; } = "";
    public string IdempotencyKey { get; init; } = "";
    public string DispatchState { get; init; } = "";
    public string? AcknowledgedBy { get; init; }
    public string? AcknowledgedAt { get; init; }
    public long DeliveriesSent { get; init; }
    public long DeliveriesFailed { get; init; }
    public long DeliveriesPending { get; init; }
    public string? LastDeliveryError { get; init; }
    /// <summary>Raised by the sample workspace: shown, never delivered.</summary>
    public bool IsSample { get; init; }

    public AlertSeverity SeverityValue => AlertSeverities.Parse(Severity);

    /// <summary>The version the alert is about, when its key is one (other kinds key on a fingerprint, a streak or the day).</summary>
    public string? Version => Kind is AlertKinds.MaintainersChanged or AlertKinds.PollingFailing or AlertKinds.NoEvidence or AlertKinds.Digest || Key.Length == 0 ? null : Key;
}

public sealed record AlertQuery(
    string? Severity = null,
    string? Kind = null,
    string? Package = null,
    string? State = null,
    int Offset = 0,
    int Take = 50);

public sealed record AlertMuteRow
{
    public long Id { get; init; }
    public string Scope { get; init; } = "";
    public string? Registry { get; init; }
    public string? Package { get; init; }
    public string? Kind { get; init; }
    public string Until { get; init; } = "";
    public string CreatedBy { get; init; } = "";
    public string CreatedAt { get; init; } = "";
}

public static class AlertStates
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Muted = "muted";
    public const string Historic = "historic";

    public static IReadOnlyList<string> All { get; } = [Open, Acknowledged, Muted, Historic];
}

/// <summary>
/// The alerts outbox and its mutes: raising, listing, acknowledging. Delivering is <see cref="AlertDeliveryRepository"/>'s.
/// </summary>
public sealed class AlertRepository(IDbConnectionFactory connections)
{
    // Muted when a mute for the package or the kind is active at insert time; recorded either way.
    private const string InsertAlert = """
        INSERT INTO alerts (registry, package_id, package, key, kind, severity, title, message, created_at, idempotency_key, dispatch_state)
        VALUES (@Registry, @PackageId, @Package, @Key, @Kind, @Severity, @Title, @Message, @Now, lower(hex(randomblob(16))),
            CASE WHEN @Historic = 1 THEN 'historic'
                 WHEN EXISTS (SELECT 1 FROM alert_mutes m WHERE m.until > @Now AND (
                        (m.scope = 'package' AND m.registry = @Registry AND m.package = @Package) OR (m.scope = 'kind' AND m.kind = @Kind)))
                 THEN 'muted'
                 ELSE 'pending' END)
        ON CONFLICT (registry, package, key, kind) DO NOTHING
        """;

    private const string SelectAlertColumns = """
        SELECT a.id AS Id, a.registry AS Registry, a.package_id AS PackageId, a.package AS Package, a.key AS Key, a.kind AS Kind,
               a.severity AS Severity, a.title AS Title, a.message AS Message, a.created_at AS CreatedAt, a.idempotency_key AS IdempotencyKey,
               a.dispatch_state AS DispatchState, a.acknowledged_by AS AcknowledgedBy, a.acknowledged_at AS AcknowledgedAt, a.is_sample AS IsSample,
               (SELECT COUNT(*) FROM alert_deliveries d WHERE d.alert_id = a.id AND d.state = 'sent') AS DeliveriesSent,
               (SELECT COUNT(*) FROM alert_deliveries d WHERE d.alert_id = a.id AND d.state = 'failed') AS DeliveriesFailed,
               (SELECT COUNT(*) FROM alert_deliveries d WHERE d.alert_id = a.id AND d.state = 'pending') AS DeliveriesPending,
               (SELECT d.last_error FROM alert_deliveries d WHERE d.alert_id = a.id AND d.last_error IS NOT NULL ORDER BY d.last_attempt_at DESC LIMIT 1) AS LastDeliveryError
        FROM alerts a
        """;

    private const string FilterAlerts = """
        WHERE (@Severity IS NULL OR a.severity = @Severity)
          AND (@Kind IS NULL OR a.kind = @Kind)
          AND (@Package IS NULL OR a.package LIKE '%' || @Package || '%' ESCAPE '\')
          AND (@State IS NULL
               OR (@State = 'open' AND a.acknowledged_at IS NULL AND a.dispatch_state NOT IN ('muted', 'historic'))
               OR (@State = 'acknowledged' AND a.acknowledged_at IS NOT NULL)
               OR (@State = 'muted' AND a.dispatch_state = 'muted')
               OR (@State = 'historic' AND a.dispatch_state = 'historic'))
        """;

    private const string Acknowledge = """
        UPDATE alerts SET acknowledged_by = @Actor, acknowledged_at = @Now
        WHERE id IN (SELECT value FROM json_each(@Ids)) AND acknowledged_at IS NULL
        """;

    private const string InsertMute = """
        INSERT INTO alert_mutes (scope, registry, package, kind, until, created_by, created_at)
        VALUES (@Scope, @Registry, @Package, @Kind, @Until, @Actor, @Now) RETURNING id
        """;

    private const string SelectActiveMutes = """
        SELECT id AS Id, scope AS Scope, registry AS Registry, package AS Package, kind AS Kind, until AS Until, created_by AS CreatedBy, created_at AS CreatedAt
        FROM alert_mutes WHERE until > @Now ORDER BY until
        """;

    private const string ExpireMute = "UPDATE alert_mutes SET until = @Now WHERE id = @Id AND until > @Now";

    private const string SelectOpenCountsBySeverity = """
        SELECT severity, COUNT(*) FROM alerts WHERE acknowledged_at IS NULL AND dispatch_state NOT IN ('muted', 'historic') GROUP BY severity
        """;

    private const string CountFiltered = "SELECT COUNT(*) FROM alerts a " + FilterAlerts;

    // Newest first; alerts raised at the same moment (one poll's transaction shares its time) most severe first.
    private static readonly string SeverityRank =
        "CASE a.severity " + string.Join(" ", AlertSeverities.All.Select(s => $"WHEN '{s.Code()}' THEN {(int)s}")) + " ELSE 0 END";

    private static readonly string SelectFilteredPage = SelectAlertColumns + " " + FilterAlerts +
        $" ORDER BY a.created_at DESC, {SeverityRank} DESC, a.id DESC LIMIT @Take OFFSET @Offset";

    private const string AcknowledgeOpenOfKind = """
        UPDATE alerts SET acknowledged_by = @Actor, acknowledged_at = @Now
        WHERE kind = @Kind AND acknowledged_at IS NULL AND dispatch_state NOT IN ('muted', 'historic')
        """;

    private const string SelectById = SelectAlertColumns + " WHERE a.id = @Id";

    private const string SelectByIds = SelectAlertColumns + " WHERE a.id IN (SELECT value FROM json_each(@Ids))";

    /// <summary>Inserts alerts inside the caller's transaction (the one storing the evidence that raised them).</summary>
    public static async Task<int> InsertAsync(DbConnection connection, DbTransaction tx, PackageId package, long? packageId,
        IReadOnlyList<AlertCandidate> alerts, string now, CancellationToken ct)
    {
        if (alerts.Count == 0) return 0;
        return await connection.ExecuteAsync(new CommandDefinition(InsertAlert, alerts.Select(a => new
        {
            Registry = package.Registry.Code(),
            PackageId = packageId,
            Package = package.Name,
            a.Key,
            a.Kind,
            Severity = a.Severity.Code(),
            a.Title,
            a.Message,
            Now = now,
            Historic = a.Historic ? 1 : 0,
        }), tx, cancellationToken: ct));
    }

    // Sample alerts are closed for delivery from the start ('done' with no delivery rows): the dispatcher only plans
    // 'pending' alerts, so no channel ever receives one.
    private const string InsertSampleAlert = """
        INSERT INTO alerts (registry, package_id, package, key, kind, severity, title, message, created_at, idempotency_key, dispatch_state, is_sample)
        VALUES (@Registry, @PackageId, @Package, @Key, @Kind, @Severity, @Title, @Message, @Now, lower(hex(randomblob(16))), 'done', 1)
        ON CONFLICT (registry, package, key, kind) DO NOTHING
        """;

    /// <summary>Records alerts the sample workspace's histories raise: listed on the Alerts page as samples, never delivered.</summary>
    public async Task<int> InsertSampleAsync(PackageId package, long packageId, IReadOnlyList<AlertCandidate> alerts, DateTimeOffset now, CancellationToken ct)
    {
        if (alerts.Count == 0) return 0;
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(InsertSampleAlert, alerts.Select(a => new
        {
            Registry = package.Registry.Code(), PackageId = packageId, Package = package.Name, a.Key, a.Kind, Severity = a.Severity.Code(),
            a.Title, a.Message, Now = DbTime.ToText(now),
        }), cancellationToken: ct));
    }

    /// <summary>Inserts alerts in their own transaction (the digest, which no evidence write carries).</summary>
    public async Task<int> InsertAsync(string registry, string package, IReadOnlyList<AlertCandidate> alerts, DateTimeOffset now, CancellationToken ct,
        long? packageId = null)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(InsertAlert, alerts.Select(a => new
        {
            Registry = registry, PackageId = packageId, Package = package, a.Key, a.Kind, Severity = a.Severity.Code(), a.Title, a.Message,
            Now = DbTime.ToText(now), Historic = a.Historic ? 1 : 0,
        }), cancellationToken: ct));
    }

    public async Task<(IReadOnlyList<AlertRow> Items, int Total)> QueryAsync(AlertQuery query, CancellationToken ct)
    {
        var parameters = new
        {
            Severity = Blank(query.Severity),
            Kind = Blank(query.Kind),
            Package = Blank(query.Package)?.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_"),
            State = Blank(query.State),
            query.Offset,
            Take = Math.Clamp(query.Take, 1, 500),
        };
        await using var connection = await connections.OpenAsync(ct);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(CountFiltered, parameters, cancellationToken: ct));
        var items = await connection.QueryAsync<AlertRow>(new CommandDefinition(SelectFilteredPage, parameters, cancellationToken: ct));
        return (items.AsList(), total);
    }

    public async Task<AlertRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<AlertRow>(new CommandDefinition(SelectById, new { Id = id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<AlertRow>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<AlertRow>(new CommandDefinition(SelectByIds,
            new { Ids = System.Text.Json.JsonSerializer.Serialize(ids) }, cancellationToken: ct))).AsList();
    }

    public async Task<int> AcknowledgeAsync(IReadOnlyCollection<long> ids, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(Acknowledge,
            new { Ids = System.Text.Json.JsonSerializer.Serialize(ids), Actor = actor, Now = DbTime.ToText(now) }, cancellationToken: ct));
    }

    public async Task<long> MuteAsync(string scope, string? registry, string? package, string? kind, DateTimeOffset until, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertMute, new
        {
            Scope = scope, Registry = registry, Package = package, Kind = kind, Until = DbTime.ToText(until), Actor = actor, Now = DbTime.ToText(now),
        }, cancellationToken: ct));
    }

    /// <summary>Mutes a kind and acknowledges its open alerts, both or neither; returns how many alerts were acknowledged.</summary>
    public async Task<int> MuteKindAndAcknowledgeAsync(string kind, DateTimeOffset until, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertMute, new
        {
            Scope = "kind", Registry = (string?)null, Package = (string?)null, Kind = kind, Until = DbTime.ToText(until), Actor = actor, Now = DbTime.ToText(now),
        }, tx, cancellationToken: ct));
        var acknowledged = await connection.ExecuteAsync(new CommandDefinition(AcknowledgeOpenOfKind,
            new { Kind = kind, Actor = actor, Now = DbTime.ToText(now) }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return acknowledged;
    }

    public async Task<bool> UnmuteAsync(long id, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(ExpireMute,
            new { Id = id, Now = DbTime.ToText(now) }, cancellationToken: ct)) == 1;
    }

    public async Task<IReadOnlyList<AlertMuteRow>> ActiveMutesAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<AlertMuteRow>(new CommandDefinition(SelectActiveMutes, new { Now = DbTime.ToText(now) }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyDictionary<string, long>> OpenCountsBySeverityAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<(string Severity, long Count)>(new CommandDefinition(SelectOpenCountsBySeverity, cancellationToken: ct))).ToDictionary(r => r.Severity, r => r.Count);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

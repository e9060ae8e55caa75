using Dapper;

namespace TrustedPublishDashboard.Data;

public sealed record AlertDeliveryRow
{
    public long AlertId { get; init; }
    public long ChannelId { get; init; }
    public string ChannelName { get; init; } = "";
    public string State { get; init; } = "";
    public long Attempts { get; init; }
    public string NextAttemptAt { get; init; } = "";
    public string? LastError { get; init; }
    public long? LastStatus { get; init; }
    public string? SentAt { get; init; }
}

/// <summary>A planned delivery whose next attempt is due.</summary>
public sealed record DueDelivery
{
    public long AlertId { get; init; }
    public long ChannelId { get; init; }
    public long Attempts { get; init; }
}

/// <summary>How one attempt ended: <see cref="State"/> is pending (retry at <see cref="NextAttemptAt"/>), sent or failed.</summary>
public sealed record DeliveryOutcome(long AlertId, long ChannelId, string State, DateTimeOffset NextAttemptAt, string? Error, int? HttpStatus, DateTimeOffset FinishedAt);

public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Sent = "sent";
    public const string Failed = "failed";
}

/// <summary>
/// The outbox's deliveries: one row per (alert, channel), planned, attempted and closed by the dispatcher. The order
/// of calls is the dispatcher's; each call is one statement on its own connection, so a crash between two of them
/// leaves a state the next run continues from.
/// </summary>
public sealed class AlertDeliveryRepository(IDbConnectionFactory connections)
{
    private const string SeverityRank = "CASE {0} WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END";

    private const string SelectMaxPendingAlertId = "SELECT MAX(id) FROM alerts WHERE dispatch_state = 'pending'";

    // A channel receives alerts raised after it was created, at or above its threshold; the digest goes to channels
    // that asked for it whatever their threshold.
    private static readonly string PlanDeliveries = $"""
        INSERT INTO alert_deliveries (alert_id, channel_id, state, attempts, next_attempt_at)
        SELECT a.id, c.id, 'pending', 0, @Now
        FROM alerts a JOIN alert_channels c ON c.enabled = 1 AND c.created_at <= a.created_at
        WHERE a.dispatch_state = 'pending' AND a.id <= @MaxId
          AND (CASE WHEN a.kind = 'digest' THEN c.send_digest = 1
                    ELSE {string.Format(System.Globalization.CultureInfo.InvariantCulture, SeverityRank, "a.severity")}
                         >= {string.Format(System.Globalization.CultureInfo.InvariantCulture, SeverityRank, "c.min_severity")} END)
        ON CONFLICT (alert_id, channel_id) DO NOTHING
        """;

    private const string SelectDue = """
        SELECT d.alert_id AS AlertId, d.channel_id AS ChannelId, d.attempts AS Attempts
        FROM alert_deliveries d JOIN alert_channels c ON c.id = d.channel_id AND c.enabled = 1
        WHERE d.state = 'pending' AND d.next_attempt_at <= @Now
        ORDER BY d.next_attempt_at, d.alert_id LIMIT @Limit
        """;

    private const string RecordAttempt = """
        UPDATE alert_deliveries SET attempts = attempts + 1, last_attempt_at = @Now, next_attempt_at = @Next
        WHERE alert_id = @AlertId AND channel_id = @ChannelId AND state = 'pending'
        """;

    private const string RecordResult = """
        UPDATE alert_deliveries SET state = @State, next_attempt_at = @Next, last_error = @Error, last_status = @Status,
            sent_at = CASE WHEN @State = 'sent' THEN @Now ELSE sent_at END
        WHERE alert_id = @AlertId AND channel_id = @ChannelId
        """;

    // Only alerts that were considered by this run's planning (id ≤ MaxId), so one raised meanwhile is not closed unsent.
    private const string CompleteAlerts = """
        UPDATE alerts SET dispatch_state = 'done'
        WHERE dispatch_state = 'pending' AND id <= @MaxId
          AND NOT EXISTS (SELECT 1 FROM alert_deliveries d WHERE d.alert_id = alerts.id AND d.state = 'pending')
        """;

    private const string SelectForAlert = """
        SELECT d.alert_id AS AlertId, d.channel_id AS ChannelId, c.name AS ChannelName, d.state AS State, d.attempts AS Attempts,
               d.next_attempt_at AS NextAttemptAt, d.last_error AS LastError, d.last_status AS LastStatus, d.sent_at AS SentAt
        FROM alert_deliveries d JOIN alert_channels c ON c.id = d.channel_id WHERE d.alert_id = @AlertId ORDER BY c.name
        """;

    /// <summary>The newest alert still to deliver (0 when none): one dispatch run plans and closes alerts up to it.</summary>
    public async Task<long> MaxPendingAlertIdAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectMaxPendingAlertId, cancellationToken: ct)) ?? 0;
    }

    /// <summary>Plans one delivery per (pending alert up to <paramref name="maxAlertId"/>, eligible channel); returns how many are new.</summary>
    public async Task<int> PlanAsync(long maxAlertId, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(PlanDeliveries, new { Now = DbTime.ToText(now), MaxId = maxAlertId }, cancellationToken: ct));
    }

    /// <summary>Pending deliveries to enabled channels whose next attempt is due, oldest first.</summary>
    public async Task<IReadOnlyList<DueDelivery>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<DueDelivery>(new CommandDefinition(SelectDue, new { Now = DbTime.ToText(now), Limit = limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>Counts an attempt and moves the next one out BEFORE sending, so a crash mid-send can only cause a resend, never a loss.</summary>
    public async Task RecordAttemptAsync(long alertId, long channelId, DateTimeOffset now, DateTimeOffset nextAttempt, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(RecordAttempt, new
        {
            AlertId = alertId, ChannelId = channelId, Now = DbTime.ToText(now), Next = DbTime.ToText(nextAttempt),
        }, cancellationToken: ct));
    }

    public async Task RecordResultAsync(DeliveryOutcome outcome, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(RecordResult, new
        {
            outcome.AlertId, outcome.ChannelId, outcome.State, Next = DbTime.ToText(outcome.NextAttemptAt), outcome.Error, Status = outcome.HttpStatus,
            Now = DbTime.ToText(outcome.FinishedAt),
        }, cancellationToken: ct));
    }

    /// <summary>Marks done the pending alerts up to <paramref name="maxAlertId"/> that have no pending delivery left.</summary>
    public async Task<int> CompleteAlertsAsync(long maxAlertId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(CompleteAlerts, new { MaxId = maxAlertId }, cancellationToken: ct));
    }

    /// <summary>Every channel's delivery of one alert, by channel name.</summary>
    public async Task<IReadOnlyList<AlertDeliveryRow>> ListForAlertAsync(long alertId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<AlertDeliveryRow>(new CommandDefinition(SelectForAlert, new { AlertId = alertId }, cancellationToken: ct))).AsList();
    }
}

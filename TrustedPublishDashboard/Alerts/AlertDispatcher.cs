using Dapper;
using TrustedPublishDashboard.Alerts.Channels;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Alerts;

public sealed record DispatchSummary(int Planned, int Attempted, int Sent, int Retrying, int Failed, int Completed)
{
    public override string ToString() =>
        $"{Attempted} delivery attempt(s): {Sent} sent, {Retrying} to retry, {Failed} failed for good; {Planned} new deliveries planned, {Completed} alert(s) completed";
}

/// <summary>
/// Delivers the outbox. Each run: plan one delivery per (pending alert, eligible channel), attempt the due ones
/// (recording the attempt BEFORE sending, so a crash can only cause a resend — which carries the same idempotency
/// key for the receiver to drop — never a loss), record the result, and close alerts whose deliveries all ended.
/// </summary>
public sealed class AlertDispatcher(
    IDbConnectionFactory connections,
    AlertChannelStore store,
    AlertRepository alerts,
    IConfiguration configuration,
    ILogger<AlertDispatcher> logger,
    Web.ListenAddresses? listen = null)
{
    public const int DefaultMaxAttempts = 8;
    public static readonly TimeSpan BaseBackoff = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    private const string SeverityRank = "CASE {0} WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END";

    // A channel receives alerts raised after it was created, at or above its threshold; the digest goes to channels
    // that asked for it whatever their threshold.
    private static readonly string PlanDeliveries = $"""
        INSERT INTO alert_deliveries (alert_id, channel_id, state, attempts, next_attempt_at)
        SELECT a.id, c.id, 'pending', 0, @Now
        FROM alerts a JOIN alert_channels c ON c.enabled = 1 AND c.created_at <= a.created_at
        WHERE a.dispatch_state = 'pending' AND a.id <= @MaxId
          AND (CASE WHEN a.kind = 'digest' THEN c.send_digest = 1
                    ELSE {string.Format(SeverityRank, "a.severity")} >= {string.Format(SeverityRank, "c.min_severity")} END)
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

    public int MaxAttempts => Math.Clamp(configuration.GetValue("Alerts:MaxAttempts", DefaultMaxAttempts), 1, 50);

    private sealed record Due
    {
        public long AlertId { get; init; }
        public long ChannelId { get; init; }
        public long Attempts { get; init; }
    }

    /// <summary>
    /// The address links in alerts point to: Alerts:DashboardUrl (e.g. https://dashboard.example.org/), else the
    /// address the dashboard listens on.
    /// </summary>
    public Uri? DashboardUrl =>
        (configuration["Alerts:DashboardUrl"] is { Length: > 0 } configured ? configured : listen?.Current.FirstOrDefault()) is { } url
        && Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var u) ? u : null;

    public async Task<DispatchSummary> DispatchAsync(CancellationToken ct, int limit = 500)
    {
        var now = DateTimeOffset.UtcNow;
        var channels = (await store.EnabledAsync(ct)).ToDictionary(c => c.Row.Id);
        int planned, completed;
        long maxId;
        List<Due> due;
        await using (var connection = await connections.OpenAsync(ct))
        {
            maxId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(id) FROM alerts WHERE dispatch_state = 'pending'", cancellationToken: ct)) ?? 0;
            planned = await connection.ExecuteAsync(new CommandDefinition(PlanDeliveries, new { Now = DbTime.ToText(now), MaxId = maxId }, cancellationToken: ct));
            due = (await connection.QueryAsync<Due>(new CommandDefinition(SelectDue, new { Now = DbTime.ToText(now), Limit = limit }, cancellationToken: ct))).AsList();
        }
        var dueAlerts = (await alerts.GetManyAsync(due.Select(d => d.AlertId).Distinct().ToList(), ct)).ToDictionary(a => a.Id);

        int sent = 0, retrying = 0, failed = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (d, token) =>
        {
            if (!channels.TryGetValue(d.ChannelId, out var channel) || store.Channel(channel.Row.Kind) is not { } sender
                || !dueAlerts.TryGetValue(d.AlertId, out var alert)) return;
            var attempt = (int)d.Attempts + 1;
            await using (var connection = await connections.OpenAsync(token))
            {
                await connection.ExecuteAsync(new CommandDefinition(RecordAttempt, new
                {
                    d.AlertId, d.ChannelId, Now = DbTime.ToText(DateTimeOffset.UtcNow), Next = DbTime.ToText(DateTimeOffset.UtcNow + Backoff(attempt)),
                }, cancellationToken: token));
            }

            DeliveryResult result;
            try
            {
                result = channel.Settings.Secret is null && channel.Row.HasSecret
                    ? DeliveryResult.Final("The channel's secret cannot be decrypted (the Data Protection keys changed): enter it again in Settings.")
                    : await sender.SendAsync(channel.Settings, Message(alert), token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Delivering alert {Alert} to channel {Channel} failed", d.AlertId, channel.Row.Name);
                result = DeliveryResult.Retry("internal error: " + ex.Message);
            }

            var finishedAt = DateTimeOffset.UtcNow;
            var state = result.Ok ? "sent" : !result.Retryable || attempt >= MaxAttempts ? "failed" : "pending";
            var error = result.Ok ? null : result.Retryable && attempt >= MaxAttempts ? $"gave up after {attempt} attempts: {result.Error}" : result.Error;
            await using (var connection = await connections.OpenAsync(CancellationToken.None))
            {
                await connection.ExecuteAsync(new CommandDefinition(RecordResult, new
                {
                    d.AlertId, d.ChannelId, State = state, Next = DbTime.ToText(finishedAt + Backoff(attempt)), Error = error,
                    Status = result.HttpStatus, Now = DbTime.ToText(finishedAt),
                }));
            }
            switch (state)
            {
                case "sent": Interlocked.Increment(ref sent); break;
                case "failed": Interlocked.Increment(ref failed); break;
                default: Interlocked.Increment(ref retrying); break;
            }
        });

        await using (var connection = await connections.OpenAsync(ct))
        {
            completed = await connection.ExecuteAsync(new CommandDefinition(CompleteAlerts, new { MaxId = maxId }, cancellationToken: ct));
        }
        return new DispatchSummary(planned, due.Count, sent, retrying, failed, completed);
    }

    /// <summary>Exponential backoff with ±20 % jitter: 30 s, 1 min, 2 min … at most 1 h.</summary>
    public static TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(BaseBackoff.TotalSeconds * Math.Pow(2, Math.Max(0, attempt - 1)), MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(seconds * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private AlertMessage Message(AlertRow a)
    {
        var isDigest = a.Kind == AlertKinds.Digest;
        var detail = isDigest || a.Package.Length == 0 ? "alerts" : PackageLinks.Detail(a.Registry, a.Package);
        return new AlertMessage(a.IdempotencyKey, a.Kind, a.SeverityValue, a.Registry, a.Package.Length == 0 ? null : a.Package, a.Version,
            a.Title, a.Message, DashboardUrl is { } baseUrl ? new Uri(baseUrl, detail).ToString() : null, DbTime.Parse(a.CreatedAt), isDigest);
    }
}

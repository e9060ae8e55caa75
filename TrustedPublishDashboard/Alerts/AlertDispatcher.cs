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
    AlertDeliveryRepository deliveries,
    AlertRepository alerts,
    AlertChannelService channels,
    AlertLinks links,
    IConfiguration configuration,
    ILogger<AlertDispatcher> logger)
{
    public const int DefaultMaxAttempts = 8;
    public static readonly TimeSpan BaseBackoff = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    public int MaxAttempts => Math.Clamp(configuration.GetValue("Alerts:MaxAttempts", DefaultMaxAttempts), 1, 50);

    public async Task<DispatchSummary> DispatchAsync(CancellationToken ct, int limit = 500)
    {
        var now = DateTimeOffset.UtcNow;
        var enabled = (await channels.EnabledAsync(ct)).ToDictionary(c => c.Row.Id);
        var maxId = await deliveries.MaxPendingAlertIdAsync(ct);
        var planned = await deliveries.PlanAsync(maxId, now, ct);
        var due = await deliveries.DueAsync(now, limit, ct);
        var dueAlerts = (await alerts.GetManyAsync(due.Select(d => d.AlertId).Distinct().ToList(), ct)).ToDictionary(a => a.Id);

        int sent = 0, retrying = 0, failed = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (d, token) =>
        {
            if (!enabled.TryGetValue(d.ChannelId, out var channel) || channels.Channel(channel.Row.Kind) is not { } sender
                || !dueAlerts.TryGetValue(d.AlertId, out var alert)) return;
            var attempt = (int)d.Attempts + 1;
            var startedAt = DateTimeOffset.UtcNow;
            await deliveries.RecordAttemptAsync(d.AlertId, d.ChannelId, startedAt, startedAt + Backoff(attempt), token);

            DeliveryResult result;
            try
            {
                result = channel.Settings.Secret is null && channel.Row.HasSecret
                    ? DeliveryResult.Final(AlertChannelService.SecretLostMessage)
                    : await sender.SendAsync(channel.Settings, Message(alert), token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A channel that throws has a bug; the delivery is retried like a network error rather than lost.
                logger.LogError(ex, "Delivering alert {Alert} to channel {Channel} failed", d.AlertId, channel.Row.Name);
                result = DeliveryResult.Retry("internal error: " + ex.Message);
            }

            var finishedAt = DateTimeOffset.UtcNow;
            var state = result.Ok ? DeliveryStates.Sent : !result.Retryable || attempt >= MaxAttempts ? DeliveryStates.Failed : DeliveryStates.Pending;
            var error = result.Ok ? null : result.Retryable && attempt >= MaxAttempts ? $"gave up after {attempt} attempts: {result.Error}" : result.Error;
            // Recorded even when the run is being cancelled: the receiver already has the message.
            await deliveries.RecordResultAsync(
                new DeliveryOutcome(d.AlertId, d.ChannelId, state, finishedAt + Backoff(attempt), error, result.HttpStatus, finishedAt), CancellationToken.None);
            switch (state)
            {
                case DeliveryStates.Sent: Interlocked.Increment(ref sent); break;
                case DeliveryStates.Failed: Interlocked.Increment(ref failed); break;
                default: Interlocked.Increment(ref retrying); break;
            }
        });

        var completed = await deliveries.CompleteAlertsAsync(maxId, ct);
        return new DispatchSummary(planned, due.Count, sent, retrying, failed, completed);
    }

    /// <summary>Exponential backoff with ±20 % jitter: 30 s, 1 min, 2 min … at most 1 h.</summary>
    public static TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(BaseBackoff.TotalSeconds * Math.Pow(2, Math.Max(0, attempt - 1)), MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(seconds * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private AlertMessage Message(AlertRow a) =>
        new(a.IdempotencyKey, a.Kind, a.SeverityValue, a.Registry, a.Package.Length == 0 ? null : a.Package, a.Version,
            a.Title, a.Message, links.For(a), DbTime.Parse(a.CreatedAt), a.Kind == AlertKinds.Digest);
}

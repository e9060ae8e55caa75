using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Alerts;

/// <summary>Builds the daily digest from stored evidence and queues it in the outbox (one per day, like any alert).</summary>
public sealed class DigestService(DigestRepository digests, AlertRepository alerts)
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public Task<DigestInput> CollectAsync(DateTimeOffset to, CancellationToken ct) => digests.CollectAsync(to - Window, to, ct);

    /// <summary>Queues today's digest; false when it was already queued (the key is the day).</summary>
    public async Task<(bool Queued, AlertCandidate Digest)> QueueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var digest = DigestBuilder.Build(await CollectAsync(now, ct));
        var inserted = await alerts.InsertAsync("all", "", [digest], now, ct);
        return (inserted == 1, digest);
    }
}

using Quartz;
using TrustedPublishDashboard.Alerts;

namespace TrustedPublishDashboard.Monitoring.Jobs;

/// <summary>Queues the daily digest in the outbox; the dispatcher delivers it to channels that asked for it.</summary>
[DisallowConcurrentExecution]
public sealed class AlertDigestJob(DigestService digests) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var (queued, digest) = await digests.QueueAsync(DateTimeOffset.UtcNow, context.CancellationToken);
        context.Result = queued ? $"queued: {digest.Title}" : $"already queued today: {digest.Title}";
    }
}

using Quartz;
using TrustedPublishDashboard.Alerts;

namespace TrustedPublishDashboard.Monitoring.Jobs;

/// <summary>Delivers due alerts to their channels (see <see cref="AlertDispatcher"/>).</summary>
[DisallowConcurrentExecution]
public sealed class AlertDispatchJob(AlertDispatcher dispatcher) : IJob
{
    public async Task Execute(IJobExecutionContext context) =>
        context.Result = (await dispatcher.DispatchAsync(context.CancellationToken)).ToString();
}

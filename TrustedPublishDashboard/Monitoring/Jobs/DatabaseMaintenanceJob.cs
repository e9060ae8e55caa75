using Quartz;
using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Monitoring.Jobs;

[DisallowConcurrentExecution]
public sealed class DatabaseMaintenanceJob(DatabaseMaintenance maintenance) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var report = await maintenance.RunAsync(context.CancellationToken);
        context.Result = report;
    }
}

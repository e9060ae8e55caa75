using Quartz;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Monitoring.Jobs;

/// <summary>Polls every tracked npm package (see <see cref="PollService"/>).</summary>
[DisallowConcurrentExecution]
public sealed class NpmPollJob(PollService poll) : IJob
{
    public async Task Execute(IJobExecutionContext context)
    {
        var trigger = context.MergedJobDataMap.ContainsKey(JobRunRecorder.TriggerSourceKey) ? "manual" : "schedule";
        var summary = await poll.PollAsync(Registry.Npm, trigger, progress: null, context.CancellationToken);
        context.Result = summary.ToJobResult(Registry.Npm);
    }
}

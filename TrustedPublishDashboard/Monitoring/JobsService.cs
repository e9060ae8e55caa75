using Quartz;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Monitoring;

public sealed record JobStatus(JobDefinition Job, JobSchedule Schedule, DateTimeOffset? NextFireUtc, bool IsRunning, JobRun? LastRun);

/// <summary>What the Jobs page shows and does: schedules, next and last runs, recent runs, "Run now", live updates.</summary>
public sealed class JobsService(SchedulerHost host, JobRunRepository runs, JobRunRecorder recorder, IConfiguration configuration)
{
    /// <summary>How many runs the page lists per job.</summary>
    public const int HistorySize = 10;

    public async Task<IReadOnlyList<JobStatus>> ListAsync(CancellationToken ct)
    {
        var latest = await runs.LatestPerJobAsync(ct);
        var scheduler = host.Scheduler;
        var running = scheduler is null ? [] : (await scheduler.GetCurrentlyExecutingJobs(ct)).Select(c => c.JobDetail.Key.Name).ToHashSet();
        var result = new List<JobStatus>();
        foreach (var job in JobCatalog.All)
        {
            DateTimeOffset? next = null;
            if (scheduler is not null)
            {
                var triggers = await scheduler.GetTriggersOfJob(job.JobKey, ct);
                next = triggers.Select(t => t.GetNextFireTimeUtc()).Where(t => t.HasValue).Min();
            }
            result.Add(new JobStatus(job, JobCatalog.ScheduleFor(job, configuration), next, running.Contains(job.Key), latest.GetValueOrDefault(job.Key)));
        }
        return result;
    }

    public Task<IReadOnlyList<JobRun>> HistoryAsync(string jobKey, int take, CancellationToken ct) => runs.RecentAsync(jobKey, take, ct);

    /// <summary>
    /// Queues an immediate run, recorded as requested by <paramref name="actor"/> (Administer). A job that is already
    /// running runs again once it has finished. False when the job is unknown or the scheduler is not running.
    /// </summary>
    public async Task<bool> RunNowAsync(Actor actor, string jobKey, CancellationToken ct)
    {
        actor.Require(Permission.Administer);
        var job = JobCatalog.Find(jobKey);
        if (job is null || host.Scheduler is not { } scheduler) return false;
        var data = new JobDataMap
        {
            [JobRunRecorder.TriggerSourceKey] = "manual",
            [JobRunRecorder.RequestedByKey] = actor.Name,
        };
        await scheduler.TriggerJob(job.JobKey, data, ct);
        return true;
    }

    /// <summary>
    /// Calls <paramref name="changed"/> with the job's key whenever a run starts or finishes, until the returned
    /// subscription is disposed. It is called on a scheduler thread: a page hops onto its dispatcher before rendering.
    /// </summary>
    public IDisposable WatchRuns(Action<string> changed)
    {
        recorder.RunChanged += changed;
        return new Subscription(() => recorder.RunChanged -= changed);
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }
}

using Quartz;
using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Monitoring;

public sealed record JobStatus(JobDefinition Job, JobSchedule Schedule, DateTimeOffset? NextFireUtc, bool IsRunning, JobRun? LastRun);

/// <summary>What the Jobs page and API show and do: schedules, next and last runs, "Run now".</summary>
public sealed class JobsService(SchedulerHost host, JobRunRepository runs, IConfiguration configuration)
{
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

    /// <summary>Queues an immediate run. A job that is already running runs again once it has finished.</summary>
    public async Task<bool> RunNowAsync(string jobKey, string requestedBy, CancellationToken ct)
    {
        var job = JobCatalog.Find(jobKey);
        if (job is null || host.Scheduler is not { } scheduler) return false;
        var data = new JobDataMap
        {
            [JobRunRecorder.TriggerSourceKey] = "manual",
            [JobRunRecorder.RequestedByKey] = requestedBy,
        };
        await scheduler.TriggerJob(job.JobKey, data, ct);
        return true;
    }
}

/// <summary>A short human reading of the common cron shapes; anything else is shown as the expression itself.</summary>
public static class CronText
{
    public static string Describe(string cron)
    {
        var f = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 6) return cron;
        bool Num(string s) => int.TryParse(s, out _);
        var (sec, min, hour, dom, mon, dow) = (f[0], f[1], f[2], f[3], f[4], f[5]);
        var everyDay = dom is "*" or "?" && mon == "*" && dow is "*" or "?";
        if (everyDay && Num(sec) && Num(min) && Num(hour))
            return $"daily at {int.Parse(hour):D2}:{int.Parse(min):D2} UTC";
        if (everyDay && Num(sec) && min.StartsWith("0/", StringComparison.Ordinal) && hour == "*")
            return $"every {min[2..]} minutes";
        if (everyDay && Num(sec) && Num(min) && hour == "*")
            return $"hourly at :{int.Parse(min):D2}";
        return cron + " (UTC)";
    }

    public static string DescribeInterval(TimeSpan interval) => interval switch
    {
        { TotalDays: >= 1 } when interval.TotalDays % 1 == 0 => $"every {interval.TotalDays:0} day(s)",
        { TotalHours: >= 1 } when interval.TotalHours % 1 == 0 => $"every {interval.TotalHours:0} hour(s)",
        { TotalMinutes: >= 1 } when interval.TotalMinutes % 1 == 0 => $"every {interval.TotalMinutes:0} minutes",
        _ => $"every {interval.TotalSeconds:0} seconds",
    };
}

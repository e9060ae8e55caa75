using System.Globalization;
using Quartz;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Monitoring.Jobs;

namespace TrustedPublishDashboard.Monitoring;

/// <summary>When a job runs: a Quartz cron expression (UTC, seconds first) or a fixed interval.</summary>
public sealed record JobSchedule(string? Cron, TimeSpan? Interval)
{
    public static JobSchedule FromCron(string cron) => new(cron, null);

    public static JobSchedule Every(TimeSpan interval) => new(null, interval);

    public string Expression => Cron ?? Interval!.Value.ToString("c", CultureInfo.InvariantCulture);

    public string Describe() => Cron is not null ? CronText.Describe(Cron) : CronText.DescribeInterval(Interval!.Value);
}

/// <summary>A recurring background job and its default schedule.</summary>
public sealed record JobDefinition(string Key, string Name, string Description, Type JobType, JobSchedule Default)
{
    public JobKey JobKey => new(Key);

    public string CronKey => $"Jobs:{Key}:Cron";

    public string IntervalKey => $"Jobs:{Key}:Interval";
}

/// <summary>
/// Every background job and its schedule, declared in one place. A schedule can be overridden with
/// Jobs:&lt;key&gt;:Cron (Quartz cron, UTC) or Jobs:&lt;key&gt;:Interval (hh:mm:ss).
/// </summary>
public static class JobCatalog
{
    public static IReadOnlyList<JobDefinition> All { get; } =
    [
        // Every 15 minutes: fresh enough to catch a token publish within the hour, light on the registry because
        // unchanged packuments cost one conditional request each.
        new("npm-poll", "Poll npm",
            "Reads the packument of every tracked npm package, classifies each version's publish method and updates findings and status.",
            typeof(NpmPollJob), JobSchedule.Every(TimeSpan.FromMinutes(15))),
        // Every minute: an alert raised by a poll reaches its channels within a minute; retries follow their own backoff.
        new("alert-dispatch", "Deliver alerts",
            "Delivers new alerts to every enabled channel (webhook, Slack-compatible, email) with retries and backoff, recording each delivery.",
            typeof(AlertDispatchJob), JobSchedule.Every(TimeSpan.FromMinutes(1))),
        // Daily at 08:00 UTC: the start of a European working day; one message per day whatever happened.
        new("alert-digest", "Daily digest",
            "Queues one message with the last 24 hours' publishes (OIDC or token), open findings and packages still publishing with tokens.",
            typeof(AlertDigestJob), JobSchedule.FromCron("0 0 8 * * ?")),
        // Daily, off-peak: checkpoints the WAL, refreshes query-planner statistics and prunes old job history.
        new("database-maintenance", "Database maintenance",
            "Checkpoints the write-ahead log, runs PRAGMA optimize and prunes job history older than Jobs:HistoryDays.",
            typeof(DatabaseMaintenanceJob), JobSchedule.FromCron("0 17 3 * * ?")),
    ];

    public static JobDefinition? Find(string key) => All.FirstOrDefault(j => j.Key == key);

    /// <summary>The effective schedule; an invalid override stops start-up with the setting's name.</summary>
    public static JobSchedule ScheduleFor(JobDefinition job, IConfiguration configuration)
    {
        if (configuration[job.CronKey] is { Length: > 0 } cron)
        {
            cron = cron.Trim();
            if (!CronExpression.IsValidExpression(cron))
                throw new StartupConfigurationException(
                    $"{job.CronKey} = '{cron}' is not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week), e.g. '0 17 3 * * ?'.");
            return JobSchedule.FromCron(cron);
        }
        if (configuration[job.IntervalKey] is { Length: > 0 } interval)
        {
            if (!TimeSpan.TryParse(interval, CultureInfo.InvariantCulture, out var span) || span < TimeSpan.FromSeconds(10))
                throw new StartupConfigurationException($"{job.IntervalKey} = '{interval}' is not an interval of at least 10 seconds (hh:mm:ss, e.g. 00:15:00).");
            return JobSchedule.Every(span);
        }
        return job.Default;
    }
}

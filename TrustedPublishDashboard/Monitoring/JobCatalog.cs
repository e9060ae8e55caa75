using Quartz;
using TrustedPublishDashboard.Monitoring.Jobs;

namespace TrustedPublishDashboard.Monitoring;

/// <summary>A recurring background job and its schedule.</summary>
public sealed record JobDefinition(string Key, string Name, string Description, Type JobType, string ConfigKey, string DefaultCron)
{
    public JobKey JobKey => new(Key);
}

/// <summary>
/// Every background job and its schedule, declared in one place. Schedules are Quartz cron expressions in UTC
/// (seconds first) and can be overridden under Jobs:&lt;Key&gt;:Cron.
/// </summary>
public static class JobCatalog
{
    public static IReadOnlyList<JobDefinition> All { get; } =
    [
        // Daily, off-peak: checkpoints the WAL, refreshes query-planner statistics and prunes old job history.
        // Cheap and harmless, so it also proves the scheduler wiring end to end.
        new("database-maintenance", "Database maintenance",
            "Checkpoints the write-ahead log, runs PRAGMA optimize and prunes job history older than Jobs:HistoryDays.",
            typeof(DatabaseMaintenanceJob), "Jobs:database-maintenance:Cron", "0 17 3 * * ?"),
    ];

    public static JobDefinition? Find(string key) => All.FirstOrDefault(j => j.Key == key);

    /// <summary>The effective cron expression for a job; an invalid one stops start-up with the setting's name.</summary>
    public static string CronFor(JobDefinition job, IConfiguration configuration)
    {
        var cron = configuration[job.ConfigKey] is { Length: > 0 } configured ? configured.Trim() : job.DefaultCron;
        if (!CronExpression.IsValidExpression(cron))
            throw new Data.StartupConfigurationException(
                $"{job.ConfigKey} = '{cron}' is not a valid Quartz cron expression (seconds minutes hours day-of-month month day-of-week), e.g. '{job.DefaultCron}'.");
        return cron;
    }
}

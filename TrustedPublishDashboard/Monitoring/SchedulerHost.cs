using System.Collections.Specialized;
using Quartz;
using Quartz.Impl;
using Quartz.Impl.Matchers;
using Quartz.Spi;
using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Monitoring;

/// <summary>
/// Hosts the Quartz scheduler inside the app: in-memory store (triggers are re-registered at every start; all
/// state that matters lives in our tables), jobs resolved from DI in their own scope, every run recorded.
/// </summary>
public sealed class SchedulerHost(IServiceProvider services, IConfiguration configuration, JobRunRecorder recorder,
    JobRunRepository runs, PollRunRepository pollRuns, ILogger<SchedulerHost> logger) : IHostedService
{
    private IScheduler? _scheduler;

    /// <summary>The running scheduler, or null before start / after stop.</summary>
    public IScheduler? Scheduler => _scheduler;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var interrupted = await runs.MarkInterruptedAsync(cancellationToken);
        if (interrupted > 0) logger.LogWarning("{Count} job run(s) were interrupted by the previous shutdown", interrupted);
        var polls = await pollRuns.CloseInterruptedAsync(cancellationToken);
        if (polls > 0) logger.LogWarning("{Count} poll run(s) were cut off by the previous shutdown and are recorded as interrupted", polls);

        var properties = new NameValueCollection
        {
            // Unique per host: Quartz keeps a process-wide registry of schedulers by name.
            ["quartz.scheduler.instanceName"] = "tpd-" + Guid.NewGuid().ToString("N"),
            ["quartz.jobStore.type"] = "Quartz.Simpl.RAMJobStore, Quartz",
            ["quartz.threadPool.maxConcurrency"] = configuration.GetValue("Jobs:MaxConcurrency", 4).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var scheduler = await new StdSchedulerFactory(properties).GetScheduler(cancellationToken);
        scheduler.JobFactory = new ScopedJobFactory(services);
        scheduler.ListenerManager.AddJobListener(recorder, GroupMatcher<JobKey>.AnyGroup());

        foreach (var job in JobCatalog.All)
        {
            var schedule = JobCatalog.ScheduleFor(job, configuration);
            var detail = JobBuilder.Create(job.JobType).WithIdentity(job.JobKey).WithDescription(job.Description).StoreDurably().Build();
            var builder = TriggerBuilder.Create().WithIdentity(job.Key + ".schedule").ForJob(detail);
            var trigger = schedule.Cron is { } cron
                ? builder.WithCronSchedule(cron, c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireHandlingInstructionDoNothing()).Build()
                // Interval jobs first run one interval after start, not at start: a restart loop must not hammer the registry.
                : builder.StartAt(DateTimeOffset.UtcNow + schedule.Interval!.Value)
                    .WithSimpleSchedule(s => s.WithInterval(schedule.Interval.Value).RepeatForever().WithMisfireHandlingInstructionNextWithRemainingCount())
                    .Build();
            await scheduler.ScheduleJob(detail, [trigger], replace: true, cancellationToken);
        }
        await scheduler.Start(cancellationToken);
        _scheduler = scheduler;
        logger.LogInformation("Scheduler started with {Count} job(s)", JobCatalog.All.Count);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var scheduler = Interlocked.Exchange(ref _scheduler, null);
        if (scheduler is null) return;
        // Ask running jobs to stop (their CancellationToken fires; a poll stops between packages and records it),
        // then wait for them so that nothing is left half-written.
        try
        {
            foreach (var running in await scheduler.GetCurrentlyExecutingJobs(cancellationToken))
                await scheduler.Interrupt(running.FireInstanceId, cancellationToken);
            await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout ran out: stop anyway. Whatever was still running is recorded as interrupted
            // at the next start (job runs and poll runs alike); a clean exit beats an unhandled exception.
            logger.LogWarning("Background jobs were still running when the shutdown timeout ran out; they will be recorded as interrupted");
        }
    }

    /// <summary>Each execution gets its own DI scope, disposed when Quartz returns the job.</summary>
    private sealed class ScopedJobFactory(IServiceProvider services) : IJobFactory
    {
        public IJob NewJob(TriggerFiredBundle bundle, IScheduler scheduler)
        {
            var scope = services.CreateScope();
            try
            {
                var job = (IJob)ActivatorUtilities.CreateInstance(scope.ServiceProvider, bundle.JobDetail.JobType);
                return new ScopedJob(job, scope);
            }
            catch
            {
                scope.Dispose();
                throw;
            }
        }

        public void ReturnJob(IJob job) => (job as IDisposable)?.Dispose();
    }

    private sealed class ScopedJob(IJob inner, IServiceScope scope) : IJob, IDisposable
    {
        public Task Execute(IJobExecutionContext context) => inner.Execute(context);

        public void Dispose() => scope.Dispose();
    }
}

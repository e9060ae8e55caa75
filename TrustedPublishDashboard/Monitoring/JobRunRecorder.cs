using Quartz;
using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Monitoring;

/// <summary>
/// What a job tells the recorder about a run that returned normally: its outcome (succeeded, or completed with
/// failures when some items failed, or failed when every item did), a one-line detail, and where the failures are shown.
/// A job that sets a plain string as its result succeeded.
/// </summary>
public sealed record JobResult(string Outcome, string Detail, int? FailedCount = null, string? Link = null, string? Error = null);

/// <summary>
/// Records every job execution (scheduled or manual) in job_runs and tells open pages about it.
/// Jobs themselves stay free of bookkeeping.
/// </summary>
public sealed class JobRunRecorder(JobRunRepository runs, ILogger<JobRunRecorder> logger) : IJobListener
{
    public const string TriggerSourceKey = "tpd.trigger";
    public const string RequestedByKey = "tpd.requestedBy";
    private const string RunIdKey = "tpd.runId";

    public string Name => "job-run-recorder";

    /// <summary>Raised after a run starts or finishes, with the job key. Handlers must be quick and must not throw.</summary>
    public event Action<string>? RunChanged;

    public async Task JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var data = context.MergedJobDataMap;
        var trigger = data.ContainsKey(TriggerSourceKey) ? data.GetString(TriggerSourceKey) ?? "manual" : "schedule";
        var requestedBy = data.ContainsKey(RequestedByKey) ? data.GetString(RequestedByKey) : null;
        try
        {
            var id = await runs.StartAsync(context.JobDetail.Key.Name, trigger, requestedBy, DateTimeOffset.UtcNow, cancellationToken);
            context.Put(RunIdKey, id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The job still runs; only its history row is missing, and the log says why.
            logger.LogError(ex, "Could not record the start of job {Job}", context.JobDetail.Key.Name);
        }
        Notify(context.JobDetail.Key.Name);
    }

    public Task JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        if (context.Get(RunIdKey) is long id)
        {
            var cause = jobException is null ? null : jobException.InnerException ?? jobException;
            // Quartz swallows a job's OperationCanceledException after an interrupt, so the token tells.
            var interrupted = cause is OperationCanceledException || (cause is null && context.CancellationToken.IsCancellationRequested);
            var result = interrupted || cause is not null ? null : context.Result as JobResult;
            var outcome = interrupted ? JobOutcomes.Interrupted : cause is not null ? JobOutcomes.Failed : result?.Outcome ?? JobOutcomes.Succeeded;
            var error = interrupted ? "stopped before it finished (the app was shutting down or the run was interrupted)" : cause?.Message ?? result?.Error;
            try
            {
                await runs.FinishAsync(id, DateTimeOffset.UtcNow, context.JobRunTime, outcome, error,
                    result?.Detail ?? context.Result as string, CancellationToken.None, result?.FailedCount, result?.Link);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Could not record the end of job {Job}", context.JobDetail.Key.Name);
            }
        }
        if (jobException is not null && jobException.InnerException is not OperationCanceledException)
            logger.LogError(jobException.InnerException ?? jobException, "Job {Job} failed", context.JobDetail.Key.Name);
        Notify(context.JobDetail.Key.Name);
    }

    private void Notify(string jobKey)
    {
        try
        {
            RunChanged?.Invoke(jobKey);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "A listener of job {Job} threw", jobKey);
        }
    }
}

using Dapper;

namespace TrustedPublishDashboard.Data;

public sealed record JobRun(long Id, string JobKey, string Trigger, string? RequestedBy, DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt, long? DurationMs, string Outcome, string? Error, string? Detail, int? FailedCount = null, string? Link = null);

/// <summary>How a job run ended. A run that did its work but some items failed is not "succeeded".</summary>
public static class JobOutcomes
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string CompletedWithFailures = "completed-with-failures";
    public const string Failed = "failed";
    public const string Interrupted = "interrupted";

    /// <summary>How an outcome reads on the Jobs page.</summary>
    public static string Label(string outcome) => outcome == CompletedWithFailures ? "completed with failures" : outcome;
}

/// <summary>The history of background job executions.</summary>
public sealed class JobRunRepository(IDbConnectionFactory connections)
{
    private const string InsertStarted = """
        INSERT INTO job_runs (job_key, trigger, requested_by, started_at, outcome)
        VALUES (@JobKey, @Trigger, @RequestedBy, @StartedAt, 'running') RETURNING id
        """;

    private const string UpdateFinished = """
        UPDATE job_runs SET finished_at = @FinishedAt, duration_ms = @DurationMs, outcome = @Outcome, error = @Error, detail = @Detail,
            failed_count = @FailedCount, link = @Link
        WHERE id = @Id
        """;

    // Runs still marked 'running' when the app starts belong to a process that died mid-run.
    private const string MarkInterrupted = """
        UPDATE job_runs SET outcome = 'interrupted', error = 'the app stopped while this run was in progress'
        WHERE outcome = 'running'
        """;

    private const string SelectColumns = """
        SELECT id AS Id, job_key AS JobKey, trigger AS Trigger, requested_by AS RequestedBy, started_at AS StartedAt,
               finished_at AS FinishedAt, duration_ms AS DurationMs, outcome AS Outcome, error AS Error, detail AS Detail,
               failed_count AS FailedCount, link AS Link
        FROM job_runs
        """;

    // The latest run per job: served by ix_job_runs_job_started.
    private const string SelectLatestPerJob = SelectColumns + """
         r WHERE r.id = (SELECT id FROM job_runs x WHERE x.job_key = r.job_key ORDER BY x.started_at DESC, x.id DESC LIMIT 1)
        """;

    private const string SelectRecentForJob = SelectColumns + " WHERE job_key = @JobKey ORDER BY started_at DESC, id DESC LIMIT @Take";

    public async Task<long> StartAsync(string jobKey, string trigger, string? requestedBy, DateTimeOffset startedAt, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertStarted,
            new { JobKey = jobKey, Trigger = trigger, RequestedBy = requestedBy, StartedAt = DbTime.ToText(startedAt) }, cancellationToken: ct));
    }

    public async Task FinishAsync(long id, DateTimeOffset finishedAt, TimeSpan duration, string outcome, string? error, string? detail, CancellationToken ct,
        int? failedCount = null, string? link = null)
    {
        await using var connection = await connections.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(UpdateFinished, new
        {
            Id = id,
            FinishedAt = DbTime.ToText(finishedAt),
            DurationMs = (long)duration.TotalMilliseconds,
            Outcome = outcome,
            Error = error,
            Detail = detail,
            FailedCount = failedCount,
            Link = link,
        }, cancellationToken: ct));
    }

    public async Task<int> MarkInterruptedAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(MarkInterrupted, cancellationToken: ct));
    }

    public async Task<IReadOnlyDictionary<string, JobRun>> LatestPerJobAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var rows = await connection.QueryAsync<JobRunRecord>(new CommandDefinition(SelectLatestPerJob, cancellationToken: ct));
        return rows.Select(r => r.ToRun()).ToDictionary(r => r.JobKey);
    }

    public async Task<IReadOnlyList<JobRun>> RecentAsync(string jobKey, int take, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var rows = await connection.QueryAsync<JobRunRecord>(new CommandDefinition(SelectRecentForJob, new { JobKey = jobKey, Take = take }, cancellationToken: ct));
        return rows.Select(r => r.ToRun()).ToList();
    }

    private sealed record JobRunRecord
    {
        public long Id { get; init; }
        public string JobKey { get; init; } = "";
        public string Trigger { get; init; } = "";
        public string? RequestedBy { get; init; }
        public string StartedAt { get; init; } = "";
        public string? FinishedAt { get; init; }
        public long? DurationMs { get; init; }
        public string Outcome { get; init; } = "";
        public string? Error { get; init; }
        public string? Detail { get; init; }
        public long? FailedCount { get; init; }
        public string? Link { get; init; }

        public JobRun ToRun() => new(Id, JobKey, Trigger, RequestedBy, DbTime.Parse(StartedAt), DbTime.ParseOrNull(FinishedAt), DurationMs, Outcome, Error, Detail,
            FailedCount is { } n ? (int)n : null, Link);
    }
}

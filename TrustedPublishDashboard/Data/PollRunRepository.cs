using Dapper;

namespace TrustedPublishDashboard.Data;

public sealed record PollRunRow
{
    public long Id { get; init; }
    public string Registry { get; init; } = "";
    public string Trigger { get; init; } = "";
    public string StartedAt { get; init; } = "";
    public string? FinishedAt { get; init; }
    public long PackagesTotal { get; init; }
    public long PackagesOk { get; init; }
    public long PackagesFailed { get; init; }
    public long PackagesUnchanged { get; init; }
    public long Requests { get; init; }
    public long Bytes { get; init; }
    public long NotModified { get; init; }
    public string? Error { get; init; }
}

/// <summary>What a poll has done so far (or in all).</summary>
public readonly record struct PollCounts(int Ok, int Failed, int Unchanged, long Requests, long Bytes, long NotModified);

/// <summary>The record of every poll: when, how many packages succeeded and failed, what it cost.</summary>
public sealed class PollRunRepository(IDbConnectionFactory connections)
{
    private const string Insert = """
        INSERT INTO poll_runs (registry, trigger, started_at, packages_total) VALUES (@Registry, @Trigger, @StartedAt, @Total) RETURNING id
        """;

    private const string Finish = """
        UPDATE poll_runs SET finished_at = @At, packages_ok = @Ok, packages_failed = @Failed, packages_unchanged = @Unchanged,
            requests = @Requests, bytes = @Bytes, not_modified = @NotModified, error = @Error
        WHERE id = @Id
        """;

    private const string Progress = """
        UPDATE poll_runs SET progress_at = @At, packages_ok = @Ok, packages_failed = @Failed, packages_unchanged = @Unchanged,
            requests = @Requests, bytes = @Bytes, not_modified = @NotModified
        WHERE id = @Id AND finished_at IS NULL
        """;

    public const string InterruptedPrefix = "interrupted";

    // Closed at the last moment it is known to have been alive; the counts are those of its last progress write.
    private const string CloseInterrupted = """
        UPDATE poll_runs SET finished_at = COALESCE(progress_at, started_at),
            error = 'interrupted: the app stopped during this poll after ' || (packages_ok + packages_failed) || ' of ' || packages_total || ' packages'
        WHERE finished_at IS NULL
        """;

    private const string SelectRecent = """
        SELECT id AS Id, registry AS Registry, trigger AS Trigger, started_at AS StartedAt, finished_at AS FinishedAt,
               packages_total AS PackagesTotal, packages_ok AS PackagesOk, packages_failed AS PackagesFailed,
               packages_unchanged AS PackagesUnchanged, requests AS Requests, bytes AS Bytes, not_modified AS NotModified, error AS Error
        FROM poll_runs ORDER BY started_at DESC, id DESC LIMIT @Take
        """;

    public async Task<long> StartAsync(string registry, string trigger, int total, DateTimeOffset startedAt, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(Insert,
            new { Registry = registry, Trigger = trigger, StartedAt = DbTime.ToText(startedAt), Total = total }, cancellationToken: ct));
    }

    public Task FinishAsync(long id, DateTimeOffset finishedAt, PollCounts counts, string? error, CancellationToken ct) =>
        WriteAsync(Finish, id, finishedAt, counts, error, ct);

    /// <summary>The counts so far, written during a poll so that a crash leaves a true record.</summary>
    public Task ProgressAsync(long id, DateTimeOffset at, PollCounts counts, CancellationToken ct) => WriteAsync(Progress, id, at, counts, null, ct);

    private async Task WriteAsync(string sql, long id, DateTimeOffset at, PollCounts counts, string? error, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            Id = id,
            At = DbTime.ToText(at),
            counts.Ok,
            counts.Failed,
            counts.Unchanged,
            counts.Requests,
            counts.Bytes,
            counts.NotModified,
            Error = error,
        }, cancellationToken: ct));
    }

    /// <summary>At start-up: closes the runs a crash left open (none can be running in this process yet). Returns how many.</summary>
    public async Task<int> CloseInterruptedAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(CloseInterrupted, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<PollRunRow>> RecentAsync(int take, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<PollRunRow>(new CommandDefinition(SelectRecent, new { Take = take }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// The current streak of runs in which every package failed (newest first, up to 1,000 runs): how many, the first
    /// run of the streak, and the last run's error. A run with any success ends the streak.
    /// </summary>
    public async Task<(int Runs, long? FirstRunId, string? LastError)> FailedStreakAsync(string registry, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long Id, long Total, long Failed, string? Error)>(new CommandDefinition("""
            SELECT id, packages_total, packages_failed, error FROM poll_runs
            WHERE registry = @Registry AND finished_at IS NOT NULL AND (error IS NULL OR error NOT LIKE @Interrupted)
            ORDER BY id DESC LIMIT 1000
            """, new { Registry = registry, Interrupted = InterruptedPrefix + "%" }, cancellationToken: ct));
        int runs = 0;
        long? first = null;
        string? lastError = null;
        foreach (var row in rows)
        {
            if (row.Total == 0 || row.Failed < row.Total) break;
            if (runs++ == 0) lastError = row.Error;
            first = row.Id;
        }
        return (runs, first, lastError);
    }
}

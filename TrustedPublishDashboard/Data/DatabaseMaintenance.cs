using Dapper;

namespace TrustedPublishDashboard.Data;

/// <summary>Keeps the SQLite file healthy: WAL checkpoint, planner statistics, bounded job history.</summary>
public sealed class DatabaseMaintenance(IDbConnectionFactory connections, IConfiguration configuration)
{
    public const int DefaultHistoryDays = 30;

    private const string DeleteOldRuns = "DELETE FROM job_runs WHERE started_at < @Cutoff AND outcome <> 'running'";

    public async Task<string> RunAsync(CancellationToken ct)
    {
        var days = configuration.GetValue("Jobs:HistoryDays", DefaultHistoryDays);
        await using var connection = await connections.OpenAsync(ct);
        var pruned = await connection.ExecuteAsync(new CommandDefinition(DeleteOldRuns,
            new { Cutoff = DbTime.ToText(DateTimeOffset.UtcNow.AddDays(-Math.Max(1, days))) }, cancellationToken: ct));
        // wal_checkpoint answers one row (busy, log frames, checkpointed frames); busy = 1 when readers held it back.
        var busy = await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA optimize", cancellationToken: ct));
        return $"pruned {pruned} job run(s) older than {days} days; WAL checkpoint {(busy == 0 ? "complete" : "partial (database busy)")}";
    }
}

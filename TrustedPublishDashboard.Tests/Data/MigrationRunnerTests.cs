using Dapper;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Data;

public sealed class MigrationRunnerTests
{
    private static async Task<List<string>> TablesAsync(TempDatabase db)
    {
        await using var c = await db.Connections.OpenAsync(default);
        return (await c.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).AsList();
    }

    [Fact]
    public async Task ApplyAsync_EmptyDatabase_AppliesEveryEmbeddedScriptInOrder()
    {
        await using var db = new TempDatabase();
        var embedded = MigrationRunner.LoadEmbedded();

        var result = await db.Runner().ApplyAsync(default);

        Assert.Equal(0, result.FromVersion);
        Assert.Equal(embedded[^1].Version, result.ToVersion);
        Assert.Equal(embedded.Select(m => m.Version), result.Applied.Select(m => m.Version));
        Assert.Equal(embedded[^1].Version, await MigrationRunner.ReadVersionAsync(db.Connections, default));
        var tables = await TablesAsync(db);
        Assert.Contains("packages", tables);
        Assert.Contains("package_groups", tables);
        Assert.Contains("job_runs", tables);
        Assert.Contains("schema_migrations", tables);
    }

    [Fact]
    public async Task ApplyAsync_SecondRun_IsANoOp()
    {
        await using var db = new TempDatabase();
        await db.Runner().ApplyAsync(default);
        await using (var c = await db.Connections.OpenAsync(default))
        {
            await c.ExecuteAsync("INSERT INTO packages (registry, name, added_at) VALUES ('npm', 'kept', '2026-01-01T00:00:00.000Z')");
        }

        var second = await db.Runner().ApplyAsync(default);

        Assert.Empty(second.Applied);
        Assert.Equal(second.FromVersion, second.ToVersion);
        await using var check = await db.Connections.OpenAsync(default);
        Assert.Equal(1, await check.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM packages WHERE name = 'kept'"));
        Assert.Equal(MigrationRunner.LoadEmbedded().Count, await check.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task ApplyAsync_DatabaseNewerThanBuild_IsRefusedAndUnchanged()
    {
        await using var db = new TempDatabase();
        // Numbers may have gaps (pre-assigned to parallel branches): "newer" is above the highest known number.
        var latest = MigrationRunner.LoadEmbedded()[^1].Version;
        var newer = MigrationRunner.LoadEmbedded().Append(new Migration(latest + 1, "from_the_future", "CREATE TABLE future (id INTEGER)")).ToList();
        await db.Runner(newer).ApplyAsync(default);

        var ex = await Assert.ThrowsAsync<StartupConfigurationException>(() => db.Runner().ApplyAsync(default));

        Assert.Contains($"schema version {latest + 1}", ex.Message);
        Assert.Contains($"only knows versions up to {latest}", ex.Message);
        Assert.Contains("ConnectionStrings:Dashboard", ex.Message);
        Assert.Contains("future", await TablesAsync(db));
    }

    [Fact]
    public async Task ApplyAsync_FailingScript_RollsBackThatScriptAndRecordsNothingForIt()
    {
        await using var db = new TempDatabase();
        var migrations = new[]
        {
            new Migration(1, "good", "CREATE TABLE a (id INTEGER)"),
            new Migration(2, "bad", "CREATE TABLE b (id INTEGER); INSERT INTO nope VALUES (1);"),
        };

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => db.Runner(migrations).ApplyAsync(default));

        Assert.Contains("0002_bad.sql failed and was rolled back", ex.Message);
        var tables = await TablesAsync(db);
        Assert.Contains("a", tables);
        Assert.DoesNotContain("b", tables);
        Assert.Equal(1, await MigrationRunner.ReadVersionAsync(db.Connections, default));
    }

    [Fact]
    public void Validate_DuplicateNumber_IsRejected()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => MigrationRunner.Validate([new Migration(1, "a", ""), new Migration(1, "b", "")]));
        Assert.Contains("without duplicates", ex.Message);
    }

    [Fact]
    public async Task ApplyAsync_ALowerNumberArrivingLater_IsStillApplied()
    {
        await using var db = new TempDatabase();
        await db.Runner([new Migration(1, "a", "CREATE TABLE a (id INTEGER)"), new Migration(3, "c", "CREATE TABLE c (id INTEGER)")]).ApplyAsync(default);

        var merged = await db.Runner([new Migration(1, "a", "CREATE TABLE a (id INTEGER)"), new Migration(2, "b", "CREATE TABLE b (id INTEGER)"),
            new Migration(3, "c", "CREATE TABLE c (id INTEGER)")]).ApplyAsync(default);

        Assert.Equal([2], merged.Applied.Select(m => m.Version));
        Assert.Contains("b", await TablesAsync(db));
    }

    /// <summary>
    /// Gaps are tolerated while branches with pre-assigned numbers are in flight, but what is merged and shipped is
    /// contiguous: otherwise a database that applied a later number first could get an earlier one out of order
    /// (e.g. 0010's new column dropped by 0009's table rebuild).
    /// </summary>
    [Fact]
    public void LoadEmbedded_ShippedMigrations_AreNumberedOneToNWithoutGaps()
    {
        var versions = MigrationRunner.LoadEmbedded().Select(m => m.Version).ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }

    [Fact]
    public void Validate_GapInNumbering_IsAllowedForParallelBranches() =>
        Assert.Equal([1, 3], MigrationRunner.Validate([new Migration(3, "c", ""), new Migration(1, "a", "")]).Select(m => m.Version));

    /// <summary>
    /// Upgrading a database in use (#12): 0009 rebuilds job_runs and package_evidence to widen their CHECKs. Every row
    /// and column survives, packages never found become not-published, and the new values are accepted.
    /// </summary>
    [Fact]
    public async Task ApplyAsync_From0008_KeepsRunsAndEvidence_AndTurnsNeverFoundPackagesIntoNotPublished()
    {
        await using var db = new TempDatabase();
        var all = MigrationRunner.LoadEmbedded();
        await db.Runner(all.Where(m => m.Version <= 8).ToList()).ApplyAsync(default);
        await using (var c = await db.Connections.OpenAsync(default))
        {
            await c.ExecuteAsync("""
                INSERT INTO packages (id, registry, name, added_at) VALUES (1, 'npm', 'found', '2026-01-01T00:00:00.000Z'), (2, 'npm', 'never-found', '2026-01-01T00:00:00.000Z'),
                    (3, 'npm', 'gone', '2026-01-01T00:00:00.000Z');
                INSERT INTO package_evidence (package_id, status, latest_version, checked_at, succeeded_at, error, consecutive_failures, finding_count, has_downgrade)
                VALUES (1, 'non-compliant', '2.0.0', '2026-02-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', NULL, 0, 1, 1),
                       (2, 'error', NULL, '2026-02-01T00:00:00.000Z', NULL, 'never-found was not found on http://r/ (404)', 4, 0, 0),
                       (3, 'error', '1.0.0', '2026-02-01T00:00:00.000Z', '2026-01-15T00:00:00.000Z', 'gone was not found on http://r/ (404)', 2, 0, 0);
                INSERT INTO job_runs (job_key, trigger, started_at, outcome, detail) VALUES ('npm-poll', 'schedule', '2026-02-01T00:00:00.000Z', 'succeeded', '3 package(s)');
                """);
        }

        await db.Runner(all).ApplyAsync(default);

        await using var check = await db.Connections.OpenAsync(default);
        Assert.Equal(["1:non-compliant:2.0.0:1:1:", "2:not-published::0:0:", "3:error:1.0.0:0:0:gone was not found on http://r/ (404)"],
            await check.QueryAsync<string>("""
                SELECT package_id || ':' || status || ':' || COALESCE(latest_version, '') || ':' || finding_count || ':' || has_downgrade || ':' || COALESCE(error, '')
                FROM package_evidence ORDER BY package_id
                """));
        Assert.Equal("npm-poll:succeeded:3 package(s)", await check.ExecuteScalarAsync<string>("SELECT job_key || ':' || outcome || ':' || detail FROM job_runs"));
        await check.ExecuteAsync("UPDATE job_runs SET outcome = 'completed-with-failures', failed_count = 2");
        await check.ExecuteAsync("UPDATE package_evidence SET status = 'not-published' WHERE package_id = 1");
    }

    [Fact]
    public async Task ApplyAsync_TurnsOnWalAndConnectionsEnforceForeignKeys()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        await using var c = await db.Connections.OpenAsync(default);
        Assert.Equal("wal", await c.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("PRAGMA foreign_keys"));
    }

    [Fact]
    public void SqliteConnectionFactory_MalformedConnectionString_NamesTheSetting()
    {
        var ex = Assert.Throws<StartupConfigurationException>(() => new SqliteConnectionFactory("Data Source=x.db;Bogus Key=1"));
        Assert.Contains("ConnectionStrings:Dashboard", ex.Message);
    }
}

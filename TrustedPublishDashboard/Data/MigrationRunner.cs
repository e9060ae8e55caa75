using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;

namespace TrustedPublishDashboard.Data;

/// <summary>A numbered SQL script (Data/Migrations/NNNN_name.sql).</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
}

public sealed record MigrationResult(int FromVersion, int ToVersion, IReadOnlyList<Migration> Applied);

/// <summary>
/// Applies numbered SQL scripts in order, each inside its own transaction together with the row that records it,
/// so a failing script leaves the database exactly as it was before that script. Re-running is a no-op. A database
/// whose recorded version is newer than this build knows is refused: running old code on a newer schema corrupts it.
/// </summary>
public sealed partial class MigrationRunner(IDbConnectionFactory connections, IReadOnlyList<Migration> migrations, ILogger<MigrationRunner> logger)
{
    public const string EmbeddedPrefix = "migrations/";

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version     INTEGER PRIMARY KEY,
            name        TEXT NOT NULL,
            checksum    TEXT NOT NULL,
            applied_at  TEXT NOT NULL
        )
        """;

    private const string SelectApplied = "SELECT version AS Version, name AS Name, checksum AS Checksum FROM schema_migrations ORDER BY version";

    private const string InsertApplied = "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@Version, @Name, @Checksum, @AppliedAt)";

    public int LatestKnownVersion => migrations.Count == 0 ? 0 : migrations[^1].Version;

    [GeneratedRegex(@"^(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex FileName();

    /// <summary>The scripts compiled into this assembly, validated: numbered from 1 without duplicates.</summary>
    public static IReadOnlyList<Migration> LoadEmbedded(Assembly? assembly = null)
    {
        assembly ??= typeof(MigrationRunner).Assembly;
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(EmbeddedPrefix, StringComparison.Ordinal)))
        {
            var file = resource[EmbeddedPrefix.Length..];
            var match = FileName().Match(file);
            if (!match.Success) throw new InvalidOperationException($"Migration '{file}' is not named NNNN_name.sql.");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            list.Add(new Migration(int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, reader.ReadToEnd()));
        }
        return Validate(list);
    }

    /// <summary>
    /// Ascending, positive, no duplicates. Gaps are allowed: migration numbers are handed out to parallel branches before
    /// they merge, so a branch may hold 0011 before 0009 and 0010 arrive; every number not yet applied is applied, in order.
    /// </summary>
    public static IReadOnlyList<Migration> Validate(IEnumerable<Migration> migrations)
    {
        var ordered = migrations.OrderBy(m => m.Version).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Version < 1 || (i > 0 && ordered[i].Version == ordered[i - 1].Version))
                throw new InvalidOperationException($"Migrations must be numbered from 1 without duplicates; found {ordered[i].Version} twice or out of range.");
        }
        return ordered;
    }

    public async Task<MigrationResult> ApplyAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        // WAL lets the grid read while a poll writes; the setting is stored in the file, so setting it once suffices.
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode=WAL", cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(CreateHistoryTable, cancellationToken: ct));

        var applied = (await connection.QueryAsync<AppliedMigration>(new CommandDefinition(SelectApplied, cancellationToken: ct))).ToList();
        var current = applied.Count == 0 ? 0 : (int)applied[^1].Version;
        if (current > LatestKnownVersion)
        {
            throw new StartupConfigurationException(
                $"The database ({connections.Description}) has schema version {current}, but this build of TrustedPublishDashboard " +
                $"only knows versions up to {LatestKnownVersion}. It was written by a newer version of the app: run that version " +
                $"(or newer), or point ConnectionStrings:{SqliteConnectionFactory.ConnectionStringName} at another database. Nothing was changed.");
        }
        foreach (var row in applied)
        {
            var known = migrations.FirstOrDefault(m => m.Version == row.Version);
            if (known is not null && known.Checksum != row.Checksum)
                logger.LogWarning("Migration {Version} ({Name}) was changed after it was applied to this database; the applied version is kept.", row.Version, row.Name);
        }

        var done = new List<Migration>();
        var appliedVersions = applied.Select(a => (int)a.Version).ToHashSet();
        foreach (var migration in migrations.Where(m => !appliedVersions.Contains(m.Version)))
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            // Re-check inside the write lock: another process may have applied it since we read the history.
            var already = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition("SELECT COUNT(*) FROM schema_migrations WHERE version = @Version", new { migration.Version }, tx, cancellationToken: ct));
            if (already > 0)
            {
                await tx.RollbackAsync(ct);
                continue;
            }
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: tx, cancellationToken: ct));
                await connection.ExecuteAsync(new CommandDefinition(InsertApplied,
                    new { migration.Version, migration.Name, migration.Checksum, AppliedAt = DbTime.ToText(DateTimeOffset.UtcNow) }, tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await tx.RollbackAsync(CancellationToken.None);
                throw new InvalidOperationException($"Migration {migration.Version:D4}_{migration.Name}.sql failed and was rolled back: {ex.Message}", ex);
            }
            logger.LogInformation("Applied migration {Version:D4}_{Name}", migration.Version, migration.Name);
            done.Add(migration);
        }
        return new MigrationResult(current, done.Count == 0 ? current : Math.Max(current, done[^1].Version), done);
    }

    private sealed record AppliedMigration
    {
        public long Version { get; init; }
        public string Name { get; init; } = "";
        public string Checksum { get; init; } = "";
    }

    /// <summary>The schema version recorded in the database (0 when none), for health checks.</summary>
    public static async Task<int> ReadVersionAsync(IDbConnectionFactory connections, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            "SELECT MAX(version) FROM schema_migrations", cancellationToken: ct)) ?? 0;
    }
}

/// <summary>Brings the schema up to date before anything else starts (hosted services start in registration order).</summary>
public sealed class MigrationHostedService(MigrationRunner runner, IDbConnectionFactory connections, ILogger<MigrationHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var result = await runner.ApplyAsync(cancellationToken);
        logger.LogInformation("Database: {Description}, schema version {Version} ({Count} migrations applied now)",
            connections.Description, result.ToVersion, result.Applied.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

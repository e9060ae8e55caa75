using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace TrustedPublishDashboard.Data;

/// <summary>Opens connections to the dashboard database: one connection per operation, pooled by the provider.</summary>
public interface IDbConnectionFactory
{
    /// <summary>Where the data lives, for logs and the Settings page (never includes a password).</summary>
    string Description { get; }

    Task<DbConnection> OpenAsync(CancellationToken ct);
}

public sealed class SqliteConnectionFactory : IDbConnectionFactory
{
    public const string ConnectionStringName = "Dashboard";
    public const string DefaultConnectionString = "Data Source=data/dashboard.db";

    private readonly string _connectionString;

    public SqliteConnectionFactory(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new StartupConfigurationException(
                $"ConnectionStrings:{ConnectionStringName} is not a valid SQLite connection string ({ex.Message}). " +
                $"Example: \"{DefaultConnectionString}\".");
        }
        if (string.IsNullOrWhiteSpace(builder.DataSource))
            throw new StartupConfigurationException($"ConnectionStrings:{ConnectionStringName} has no Data Source. Example: \"{DefaultConnectionString}\".");

        var inMemory = builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory;
        if (!inMemory)
        {
            // A relative path is relative to the directory the app was started from, as a user expects.
            builder.DataSource = Path.GetFullPath(builder.DataSource);
            var dir = Path.GetDirectoryName(builder.DataSource);
            if (!string.IsNullOrEmpty(dir))
            {
                try
                {
                    PrepareFolder(dir);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new StartupConfigurationException(
                        $"Cannot create the database folder '{dir}' for ConnectionStrings:{ConnectionStringName}: {ex.Message}");
                }
            }
        }
        builder.ForeignKeys = true;
        _connectionString = builder.ToString();
        Description = inMemory ? "SQLite in memory" : $"SQLite file {builder.DataSource}";
        IsInMemory = inMemory;
        DataSource = builder.DataSource;
    }

    public string Description { get; }

    public string DataSource { get; }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// The data folder holds the database and the Data Protection key ring that encrypts channel secrets: a folder the
    /// app creates gets a .gitignore of its own, so `git add -A` in a checkout never commits it, wherever it is.
    /// </summary>
    private static void PrepareFolder(string dir)
    {
        if (Directory.Exists(dir)) return;
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, ".gitignore"), "# Created by TrustedPublishDashboard: its database and key ring never belong in git.\n*\n");
    }

    /// <summary>
    /// Before the first connection: the database file is created readable by its owner only (SQLite gives its -wal and
    /// -shm files the same mode), and one made by an older version (0644) is tightened when it is ours to change.
    /// </summary>
    private void PrepareDatabaseFile()
    {
        if (IsInMemory || OperatingSystem.IsWindows() || Volatile.Read(ref _filePrepared)) return;
        lock (_prepareLock)
        {
            if (_filePrepared) return;
            if (!File.Exists(DataSource))
            {
                // An empty file is a valid new SQLite database; creating it here is what lets us choose its mode.
                using var _ = new FileStream(DataSource, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
            }
            else
            {
                foreach (var path in new[] { DataSource, DataSource + "-wal", DataSource + "-shm" })
                {
                    try
                    {
                        if (File.Exists(path) && (File.GetUnixFileMode(path) & ~(OwnerOnly | UnixFileMode.UserExecute)) != 0) File.SetUnixFileMode(path, OwnerOnly);
                    }
                    catch (UnauthorizedAccessException)
                    {
                        // Owned by someone else (a shared volume): leave the mode to its owner.
                    }
                }
            }
            Volatile.Write(ref _filePrepared, true);
        }
    }

    private readonly Lock _prepareLock = new();
    private bool _filePrepared;

    public bool IsInMemory { get; }

    public static SqliteConnectionFactory FromConfiguration(IConfiguration configuration) =>
        new(configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } cs ? cs : DefaultConnectionString);

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        PrepareDatabaseFile();
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            // With WAL, NORMAL is safe against corruption and skips an fsync per commit (a poll commits once per package).
            await using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous=NORMAL";
                await pragma.ExecuteNonQueryAsync(ct);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>
/// Timestamps are stored as ISO-8601 UTC text ("2026-11-22T01:45:16.123Z"): sortable, readable in any SQL shell.
/// Conversions are explicit at the repository boundary rather than hidden in Dapper type handlers.
/// </summary>
public static class DbTime
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToText(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Format, System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);

    public static DateTimeOffset? ParseOrNull(string? text) => text is null ? null : Parse(text);
}

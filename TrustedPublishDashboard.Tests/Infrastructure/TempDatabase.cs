using Microsoft.Extensions.Logging.Abstractions;
using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Tests.Infrastructure;

/// <summary>A real SQLite file in its own temp folder, deleted afterwards.</summary>
public sealed class TempDatabase : IAsyncDisposable
{
    public TempDatabase()
    {
        Directory = Path.Combine(Path.GetTempPath(), "tpd-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        FilePath = Path.Combine(Directory, "dashboard.db");
        ConnectionString = $"Data Source={FilePath}";
        Connections = new SqliteConnectionFactory(ConnectionString);
    }

    public string Directory { get; }

    public string FilePath { get; }

    public string ConnectionString { get; }

    public SqliteConnectionFactory Connections { get; }

    public MigrationRunner Runner(IReadOnlyList<Migration>? migrations = null) =>
        new(Connections, migrations ?? MigrationRunner.LoadEmbedded(), NullLogger<MigrationRunner>.Instance);

    /// <summary>A database migrated to the latest schema.</summary>
    public static async Task<TempDatabase> CreateMigratedAsync()
    {
        var db = new TempDatabase();
        await db.Runner().ApplyAsync(CancellationToken.None);
        return db;
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a background thread: the OS temp cleaner gets it.
        }
        return ValueTask.CompletedTask;
    }
}

using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Tests.Data;

/// <summary>The files a default start creates: never committed by `git add -A`, readable by their owner only.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DatabaseFilesTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "tpd-tests", "files-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task NewDataFolder_IsIgnoredByGit_AndTheDatabaseAndItsWalAreOwnerOnly()
    {
        var path = Path.Combine(_root, "data", "dashboard.db");
        var factory = new SqliteConnectionFactory($"Data Source={path}");
        await new MigrationRunner(factory, MigrationRunner.LoadEmbedded(), NullLogger<MigrationRunner>.Instance).ApplyAsync(default);
        await using (var c = await factory.OpenAsync(default))
            await c.ExecuteAsync("CREATE TABLE t (x); INSERT INTO t VALUES (1)");

        Assert.Equal("*", File.ReadAllLines(Path.Combine(_root, "data", ".gitignore")).Last());
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            Assert.True(File.Exists(file), file);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task GitAddAll_InARepository_DoesNotStageTheDataFolder()
    {
        Directory.CreateDirectory(_root);
        var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", ["init", "-q", _root]) { RedirectStandardError = true })!;
        await git.WaitForExitAsync();
        var factory = new SqliteConnectionFactory($"Data Source={Path.Combine(_root, "data", "dashboard.db")}");
        await using (var c = await factory.OpenAsync(default)) await c.ExecuteAsync("CREATE TABLE t (x)");
        Directory.CreateDirectory(Path.Combine(_root, "data", "keys"));
        await File.WriteAllTextAsync(Path.Combine(_root, "data", "keys", "key-1.xml"), "<key/>");

        var status = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", ["-C", _root, "status", "--porcelain", "--untracked-files=all"]) { RedirectStandardOutput = true })!;
        var output = await status.StandardOutput.ReadToEndAsync();
        await status.WaitForExitAsync();

        Assert.Equal(0, status.ExitCode);
        Assert.DoesNotContain("data/", output);
    }

    [Fact]
    public async Task ExistingWorldReadableDatabase_IsTightened()
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "old.db");
        await using (var c = await new SqliteConnectionFactory($"Data Source={path}").OpenAsync(default)) await c.ExecuteAsync("CREATE TABLE t (x)");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);

        await (await new SqliteConnectionFactory($"Data Source={path}").OpenAsync(default)).DisposeAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }
}

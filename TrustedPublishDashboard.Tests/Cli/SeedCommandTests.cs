using Dapper;
using Microsoft.Extensions.Configuration;
using TrustedPublishDashboard.Cli;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Cli;

public sealed class SeedCommandTests
{
    private static async Task<(int Code, string Stdout, string Stderr)> Seed(TempDatabase db, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await SeedCommand.RunAsync(args, stdout, stderr, default,
            b => b.AddInMemoryCollection([new("ConnectionStrings:Dashboard", db.ConnectionString)]));
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Seed_AddsSamplePackagesWithEvidence_AndClearRemovesThem()
    {
        await using var db = new TempDatabase();

        var seeded = await Seed(db, "--packages", "30", "--versions", "5");

        Assert.Equal(0, seeded.Code);
        Assert.Contains("seeded 30 sample package(s)", seeded.Stdout);
        await using (var c = await db.Connections.OpenAsync(default))
        {
            Assert.Equal(30, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM packages WHERE is_sample = 1"));
            Assert.Equal(150, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM package_versions"));
            Assert.Equal(30, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM package_evidence"));
            Assert.True(await c.ExecuteScalarAsync<int>("SELECT COUNT(DISTINCT status) FROM package_evidence") >= 3);
        }

        var cleared = await Seed(db, "--clear");

        Assert.Equal(0, cleared.Code);
        Assert.Contains("removed 30 sample package(s)", cleared.Stderr);
        await using var check = await db.Connections.OpenAsync(default);
        Assert.Equal(0, await check.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM packages"));
        Assert.Equal(0, await check.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM package_versions"));
    }

    [Theory]
    [InlineData("--packages", "0")]
    [InlineData("--versions", "lots")]
    [InlineData("--bogus")]
    public async Task Seed_BadArguments_ExitTwo(params string[] args)
    {
        await using var db = new TempDatabase();
        var result = await Seed(db, args);
        Assert.Equal(2, result.Code);
        Assert.Contains("usage:", result.Stderr);
    }
}

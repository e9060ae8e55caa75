using System.Text.Json;
using Microsoft.Extensions.Configuration;
using TrustedPublishDashboard.Cli;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Registries.Npm;

public sealed class PollCommandTests(NpmScenarioFixture fixture) : IClassFixture<NpmScenarioFixture>
{
    private async Task<(int Code, JsonElement? Summary, string Stderr)> Poll(TempDatabase db, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await PollCommand.RunAsync(["--npm-registry", fixture.Registry.BaseUrl.ToString(), .. args], stdout, stderr, default, b =>
        {
            NpmScenarioFixture.FastRetries(b);
            b.AddInMemoryCollection([new("ConnectionStrings:Dashboard", db.ConnectionString)]);
        });
        return (code, stdout.ToString().Length > 0 ? JsonDocument.Parse(stdout.ToString()).RootElement : null, stderr.ToString());
    }

    [Fact]
    public async Task Poll_TracksGivenPackages_ThenASecondPollIsAllNotModified()
    {
        await using var db = new TempDatabase();
        new PackumentBuilder("cli-poll-a").Add("1.0.0", 1, new Publish.Trusted("oidc:a")).ServeOn(fixture.Registry, etag: "\"a\"");
        new PackumentBuilder("cli-poll-b").Add("1.0.0", 1, new Publish.Token("b")).ServeOn(fixture.Registry, etag: "\"b\"");

        var first = await Poll(db, "npm:cli-poll-a", "npm:cli-poll-b");
        var second = await Poll(db);

        Assert.Equal(0, first.Code);
        Assert.Equal(2, first.Summary!.Value.GetProperty("ok").GetInt32());
        Assert.True(first.Summary.Value.GetProperty("bytes").GetInt64() > 0);
        Assert.Equal(0, second.Code);
        Assert.Equal(2, second.Summary!.Value.GetProperty("notModified").GetInt32());
        Assert.Equal(0, second.Summary.Value.GetProperty("bytes").GetInt64());
        Assert.Empty(fixture.Registry.Unexpected);
    }

    [Fact]
    public async Task Poll_FailedPackage_ExitsOne_BadSpecExitsTwo()
    {
        await using var db = new TempDatabase();
        fixture.Registry.Serve("/cli-poll-missing", ReplayResponse.WithStatus(404));

        var failed = await Poll(db, "npm:cli-poll-missing");
        var bad = await Poll(db, "pypi:requests");

        Assert.Equal(1, failed.Code);
        Assert.Equal(1, failed.Summary!.Value.GetProperty("failed").GetInt32());
        Assert.Equal(2, bad.Code);
        Assert.Contains("npm packages only", bad.Stderr);
    }
}

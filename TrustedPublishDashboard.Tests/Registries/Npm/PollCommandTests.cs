using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Configuration;
using TrustedPublishDashboard.Cli;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Registries.Npm;

public sealed class PollCommandTests(NpmScenarioFixture fixture) : IClassFixture<NpmScenarioFixture>
{
    private Task<(int Code, JsonElement? Summary, string Stderr)> Poll(TempDatabase db, params string[] args) => Poll(db, [], args);

    private async Task<(int Code, JsonElement? Summary, string Stderr)> Poll(TempDatabase db, IEnumerable<KeyValuePair<string, string?>> settings, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await PollCommand.RunAsync(["--npm-registry", fixture.Registry.BaseUrl.ToString(), .. args], stdout, stderr, default, b =>
        {
            NpmScenarioFixture.FastRetries(b);
            b.AddInMemoryCollection([new("ConnectionStrings:Dashboard", db.ConnectionString), .. settings]);
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
        fixture.Registry.Serve("/cli-poll-broken", ReplayResponse.WithStatus(400));

        var failed = await Poll(db, "npm:cli-poll-broken");
        var bad = await Poll(db, "pypi:requests");

        Assert.Equal(1, failed.Code);
        Assert.Equal(1, failed.Summary!.Value.GetProperty("failed").GetInt32());
        Assert.Equal("failed", failed.Summary.Value.GetProperty("outcome").GetString());
        Assert.Equal(2, bad.Code);
        Assert.Contains("npm packages only", bad.Stderr);
    }

    [Fact]
    public async Task Poll_NeverPublishedPackage_IsNotPublished_NotAFailure_ExitsZero()
    {
        await using var db = new TempDatabase();
        fixture.Registry.Serve("/cli-poll-missing", ReplayResponse.WithStatus(404));

        var poll = await Poll(db, "npm:cli-poll-missing");

        Assert.Equal(0, poll.Code);
        Assert.Equal((0, 1, "succeeded"), (poll.Summary!.Value.GetProperty("failed").GetInt32(), poll.Summary.Value.GetProperty("notPublished").GetInt32(),
            poll.Summary.Value.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Poll_TricklingPackumentAndAttestation_EndWithinSeconds_OneFailsWithTheReason_TheRestIsStored()
    {
        await using var db = new TempDatabase();
        var release = new Provenance();
        var registry = fixture.Registry;
        var slowPackument = new PackumentBuilder("cli-poll-slow-packument").Add("1.0.0", 1, new Publish.Token("a"));
        registry.Serve(slowPackument.PackumentPath, ReplayResponse.Json(slowPackument.BuildPackument(registry.BaseUrl)).Trickled(TimeSpan.FromSeconds(1)));
        var slowAttestation = new PackumentBuilder("cli-poll-slow-attestation").Add("1.0.0", 1, new Publish.Trusted("oidc:psa"), release);
        slowAttestation.ServeOn(registry);
        registry.Serve(slowAttestation.AttestationPath("1.0.0"),
            ReplayResponse.Json(PackumentBuilder.Attestations(slowAttestation.Name, "1.0.0", release)).Trickled(TimeSpan.FromSeconds(1)));
        new PackumentBuilder("cli-poll-steady").Add("1.0.0", 1, new Publish.Trusted("oidc:ps"), release).ServeOn(registry);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var poll = await Poll(db, NpmScenarioFixture.TightBodyLimits, "npm:cli-poll-slow-packument", "npm:cli-poll-slow-attestation", "npm:cli-poll-steady");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the poll took {clock.Elapsed}");
        Assert.Equal(1, poll.Code);
        Assert.Equal((3, 2, 1), (poll.Summary!.Value.GetProperty("packages").GetInt32(), poll.Summary.Value.GetProperty("ok").GetInt32(), poll.Summary.Value.GetProperty("failed").GetInt32()));
        await using var c = await db.Connections.OpenAsync(default);
        var error = await c.ExecuteScalarAsync<string>(
            "SELECT e.error FROM package_evidence e JOIN packages p ON p.id = e.package_id WHERE p.name = 'cli-poll-slow-packument'");
        Assert.StartsWith("the packument for npm:cli-poll-slow-packument arrived slower than 200 bytes/s", error);
        var states = (await c.QueryAsync<string>(
            "SELECT p.name || '@' || v.version || '=' || v.attestation_state FROM package_versions v JOIN packages p ON p.id = v.package_id " +
            "WHERE p.name IN ('cli-poll-slow-attestation', 'cli-poll-steady') ORDER BY p.name")).AsList();
        Assert.Equal(["cli-poll-slow-attestation@1.0.0=pending", "cli-poll-steady@1.0.0=fetched"], states);
        Assert.Empty(registry.Unexpected);
    }
}

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Registries.Npm;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Registries.Npm;

/// <summary>
/// The audit CLI against a local registry that trickles bodies or redirects: a slow or misdirected package ends in
/// bounded time with a reason that names the document (or the redirect target), and the other packages are audited.
/// </summary>
public sealed class NpmSlowRegistryScenarioTests(NpmScenarioFixture fixture) : IClassFixture<NpmScenarioFixture>
{
    private ReplayRegistry Registry => fixture.Registry;

    private static readonly Provenance Release = new("acme/widgets", ".github/workflows/release.yml", "refs/tags/v1", "push");

    /// <summary>Far below the old behaviour (a trickle held a fetch until the server gave up, 30 s here) and above one 1 s window.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static ReplayResponse OneBytePerSecond(string json) => ReplayResponse.Json(json).Trickled(TimeSpan.FromSeconds(1));

    private PackumentBuilder ServeGood(string name)
    {
        var builder = new PackumentBuilder(name).Add("1.0.0", 1, new Publish.Trusted("oidc:" + name), Release);
        builder.ServeOn(Registry);
        return builder;
    }

    private async Task<(NpmScenarioFixture.AuditRun Run, TimeSpan Took)> Audit(IEnumerable<KeyValuePair<string, string?>> settings, params string[] packages)
    {
        var clock = Stopwatch.StartNew();
        var run = await fixture.AuditAsync(settings, ["--format", "json", .. packages]);
        return (run, clock.Elapsed);
    }

    [Fact]
    public async Task Audit_PackumentTrickling_IsThatPackagesErrorWithinSeconds_AndTheOtherIsAudited()
    {
        var slow = new PackumentBuilder("slow-packument").Add("1.0.0", 1, new Publish.Trusted("oidc:sp"));
        Registry.Serve(slow.PackumentPath, OneBytePerSecond(slow.BuildPackument(Registry.BaseUrl)));
        ServeGood("beside-slow-packument");

        var (run, took) = await Audit(NpmScenarioFixture.TightBodyLimits, "npm:slow-packument", "npm:beside-slow-packument");

        Assert.True(took < Bound, $"the audit took {took}");
        var p = run.Package("slow-packument");
        Assert.Equal("error", p.Str("status"));
        Assert.StartsWith("the packument for npm:slow-packument arrived slower than 200 bytes/s (Registries:Http:MinBytesPerSecond)", p.Str("error"));
        Assert.Equal("compliant", run.Package("beside-slow-packument").Str("status"));
        Assert.Empty(Registry.Unexpected);
    }

    [Fact]
    public async Task Audit_PackumentFastEnoughButPastTheBodyTimeout_IsAnErrorNamingTheSetting()
    {
        // 100 bytes every 100 ms passes the 200 B/s minimum; a packument of tens of kilobytes cannot finish in 2 s.
        var builder = new PackumentBuilder("long-packument").Filler(20_000).Add("1.0.0", 1, new Publish.Trusted("oidc:lp"));
        Registry.Serve(builder.PackumentPath, ReplayResponse.Json(builder.BuildPackument(Registry.BaseUrl)).Trickled(TimeSpan.FromMilliseconds(100), 100));

        var (run, took) = await Audit([.. NpmScenarioFixture.TightBodyLimits, new("Registries:Http:BodyTimeout", "00:00:02")], "npm:long-packument");

        Assert.True(took < Bound, $"the audit took {took}");
        Assert.StartsWith("the packument for npm:long-packument did not finish within 2 s (Registries:Http:BodyTimeout)", run.Package("long-packument").Str("error"));
    }

    [Fact]
    public async Task Audit_AttestationTrickling_EndsWithinSeconds_WithAWarning_AndThePackageIsStillAudited()
    {
        var slow = new PackumentBuilder("slow-attestation").Add("1.0.0", 1, new Publish.Trusted("oidc:sa"), Release);
        slow.ServeOn(Registry);
        Registry.Serve(slow.AttestationPath("1.0.0"), OneBytePerSecond(PackumentBuilder.Attestations(slow.Name, "1.0.0", Release)));
        ServeGood("beside-slow-attestation");

        var (run, took) = await Audit(NpmScenarioFixture.TightBodyLimits, "npm:slow-attestation", "npm:beside-slow-attestation");

        Assert.True(took < Bound, $"the audit took {took}");
        var p = run.Package("slow-attestation");
        Assert.Null(p.Str("error"));
        Assert.Equal(["1.0.0=trusted-publisher"], p.Methods());
        var warning = Assert.Single(p.GetProperty("warnings").EnumerateArray()).GetString();
        Assert.StartsWith("the attestations document for slow-attestation@1.0.0 arrived slower than 200 bytes/s", warning);
        Assert.EndsWith("it is fetched again next time", warning);
        var beside = run.Package("beside-slow-attestation");
        Assert.Equal("compliant", beside.Str("status"));
        Assert.Equal("acme/widgets", beside.GetProperty("versions")[0].GetProperty("publisher").Str("repository"));
        Assert.Empty(beside.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public async Task Audit_ManyAttestationsTrickling_TheRestAreLeftForNextTimeAfterTheFirstSlowOnes()
    {
        var slow = new PackumentBuilder("slow-attestations");
        for (var i = 0; i < 12; i++) slow.Add($"1.0.{i}", i + 1, new Publish.Trusted("oidc:sas"), Release);
        slow.ServeOn(Registry);
        foreach (var v in slow.Versions) Registry.Serve(slow.AttestationPath(v.Version), OneBytePerSecond(PackumentBuilder.Attestations(slow.Name, v.Version, Release)));

        var (run, took) = await Audit(NpmScenarioFixture.TightBodyLimits, "npm:slow-attestations");

        // Four at a time: one round of one window, not three rounds (nor three rounds of the server's 30 s).
        Assert.True(took < Bound, $"the audit took {took}");
        var warnings = run.Package("slow-attestations").GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToList();
        Assert.Contains(warnings, w => w.Contains("arrived slower than"));
        Assert.Contains(warnings, w => w.Contains("more attestation document(s) of slow-attestations were not fetched after that"));
        var asked = slow.Versions.Count(v => Registry.CountRequests(slow.AttestationPath(v.Version)) > 0);
        Assert.True(asked < 12, $"{asked} of 12 attestation documents were requested");
    }

    [Fact]
    public async Task Audit_PackumentRedirectedWithinTheOrigin_IsFollowed()
    {
        var builder = new PackumentBuilder("moved-packument").Add("1.0.0", 1, new Publish.Trusted("oidc:mp"), Release);
        Registry.Serve(builder.PackumentPath, ReplayResponse.Json(builder.BuildPackument(Registry.BaseUrl)));
        Registry.Serve(builder.AttestationPath("1.0.0"), ReplayResponse.Json(PackumentBuilder.Attestations(builder.Name, "1.0.0", Release)));
        Registry.Serve("/renamed-packument", ReplayResponse.Redirect(301, builder.PackumentPath));
        // The npm name is the one asked for; the registry moves it to another path on the same origin.
        Registry.Serve("/moved-packument-alias", ReplayResponse.Redirect(302, "/renamed-packument"));

        var (run, _) = await Audit([], "npm:moved-packument-alias");

        var p = run.Package("moved-packument-alias");
        Assert.Null(p.Str("error"));
        Assert.Equal(["1.0.0=trusted-publisher"], p.Methods());
        Assert.Equal(1, Registry.CountRequests("/renamed-packument"));
        Assert.Empty(Registry.Unexpected);
    }

    [Fact]
    public async Task Audit_PackumentRedirectedOffTheOrigin_IsAnErrorNamingTheTarget_AndTheOtherIsAudited()
    {
        await using var elsewhere = await ReplayRegistry.StartAsync();
        var target = new Uri(elsewhere.BaseUrl, "leaving-packument");
        Registry.Serve("/leaving-packument", ReplayResponse.Redirect(302, target.ToString()));
        new PackumentBuilder("leaving-packument").Add("1.0.0", 1, new Publish.Token("mallory")).ServeOn(elsewhere);
        ServeGood("beside-leaving-packument");

        var (run, _) = await Audit([], "npm:leaving-packument", "npm:beside-leaving-packument");

        var p = run.Package("leaving-packument");
        Assert.Equal("error", p.Str("status"));
        Assert.Equal($"{new Uri(Registry.BaseUrl, "leaving-packument")} answered 302 redirecting to {target} — redirects off the registry's origin are not followed",
            p.Str("error"));
        Assert.Empty(elsewhere.Requests);
        Assert.Equal("compliant", run.Package("beside-leaving-packument").Str("status"));
    }

    [Fact]
    public async Task Audit_AttestationRedirectedOffTheOrigin_IsAWarningNamingTheTarget_NeverFetched()
    {
        await using var elsewhere = await ReplayRegistry.StartAsync();
        var builder = new PackumentBuilder("leaving-attestation").Add("1.0.0", 1, new Publish.Trusted("oidc:la"), Release);
        builder.ServeOn(Registry);
        var target = new Uri(elsewhere.BaseUrl, "stolen.json");
        Registry.Serve(builder.AttestationPath("1.0.0"), ReplayResponse.Redirect(307, target.ToString()));
        elsewhere.Serve("/stolen.json", ReplayResponse.Json(PackumentBuilder.Attestations(builder.Name, "1.0.0", Release with { Repository = "mallory/other" })));

        var (run, _) = await Audit([], "npm:leaving-attestation");

        var p = run.Package("leaving-attestation");
        Assert.Null(p.Str("error"));
        var warning = Assert.Single(p.GetProperty("warnings").EnumerateArray()).GetString();
        Assert.Contains($"redirecting to {target} — redirects off the registry's origin are not followed", warning);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task SearchAsync_TricklingAnswer_FailsWithTheReasonWithinSeconds()
    {
        await using var services = RegistryStack.Build([.. NpmScenarioFixture.TightBodyLimits.Select(s => (s.Key, s.Value!))]);
        services.GetRequiredService<NpmRegistryLocator>().Override = Registry.BaseUrl.ToString();
        Registry.Serve("/-/v1/search?text=scope%3Atrickle&size=20&from=0",
            OneBytePerSecond("{\"objects\":[{\"package\":{\"name\":\"@trickle/a\",\"version\":\"1.0.0\"}}],\"total\":1}"));
        var clock = Stopwatch.StartNew();

        var result = await services.GetRequiredService<NpmSearchClient>().SearchAsync(SearchKind.Scope, "@trickle", 0, 20, default);

        Assert.True(clock.Elapsed < Bound, $"the search took {clock.Elapsed}");
        var failed = Assert.IsType<SearchResult.Failed>(result);
        Assert.StartsWith("The registry's search answer arrived slower than 200 bytes/s", failed.Message);
        Assert.Empty(Registry.Unexpected);
    }
}

using System.Text.Json;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Registries.Npm;

/// <summary>The audit CLI against a local replay registry serving packuments built from documented shapes.</summary>
public sealed class NpmAuditScenarioTests(NpmScenarioFixture fixture) : IClassFixture<NpmScenarioFixture>
{
    private ReplayRegistry Registry => fixture.Registry;

    private static readonly Provenance Release = new("acme/widgets", ".github/workflows/release.yml", "refs/tags/v1", "push");

    private async Task<NpmScenarioFixture.AuditRun> Audit(PackumentBuilder builder, params string[] extra)
    {
        builder.ServeOn(Registry);
        var run = await fixture.AuditAsync(["--format", "json", .. extra, "npm:" + builder.Name]);
        Assert.Empty(Registry.Unexpected);
        return run;
    }

    [Fact]
    public async Task Trusted_WithProvenance_IsCompliantWithItsPublisher()
    {
        var run = await Audit(new PackumentBuilder("s-trusted").Add("1.0.0", 1, new Publish.Trusted("oidc:aaa"), Release));
        Assert.Equal(0, run.ExitCode);
        var p = run.Package("s-trusted");
        Assert.Equal("compliant", p.Str("status"));
        Assert.Null(p.Str("error"));
        var v = Assert.Single(p.GetProperty("versions").EnumerateArray());
        Assert.Equal("trusted-publisher", v.Str("method"));
        Assert.True(v.GetProperty("provenance").GetBoolean());
        Assert.Equal("2026-01-02T00:00:00.000Z", v.Str("publishedAt"));
        var publisher = v.GetProperty("publisher");
        Assert.Equal("github", publisher.Str("provider"));
        Assert.Equal("acme/widgets", publisher.Str("repository"));
        Assert.Equal(".github/workflows/release.yml", publisher.Str("workflow"));
        Assert.Equal("refs/tags/v1", publisher.Str("ref"));
        Assert.Equal("push", publisher.Str("trigger"));
        Assert.Equal("oidc:aaa", publisher.Str("configId"));
        Assert.Null(publisher.Str("environment"));
        Assert.Empty(p.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public async Task Token_IsNonCompliant_ExitOne()
    {
        var run = await Audit(new PackumentBuilder("s-token").Add("1.0.0", 1, new Publish.Token("alice")));
        Assert.Equal(1, run.ExitCode);
        var p = run.Package("s-token");
        Assert.Equal("non-compliant", p.Str("status"));
        Assert.Equal(["1.0.0=token"], p.Methods());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("versions")[0].GetProperty("publisher").ValueKind);
    }

    [Fact]
    public async Task TokenWithProvenance_IsItsOwnMethodAndKeepsTheBuildIdentity()
    {
        var run = await Audit(new PackumentBuilder("s-token-prov").Add("3.4.3", 1, new Publish.Token("alice"), Release));
        var p = run.Package("s-token-prov");
        Assert.Equal(["3.4.3=token-with-provenance"], p.Methods());
        Assert.Equal("acme/widgets", p.GetProperty("versions")[0].GetProperty("publisher").Str("repository"));
        Assert.Equal("non-compliant", p.Str("status"));
    }

    [Fact]
    public async Task TrustedWithoutProvenance_IsTrusted_AndNotFetchingAnyAttestation()
    {
        var builder = new PackumentBuilder("s-trusted-noprov").Add("1.0.0", 1, new Publish.Trusted("oidc:bbb"));
        var run = await Audit(builder);
        var p = run.Package("s-trusted-noprov");
        Assert.Equal(["1.0.0=trusted-publisher"], p.Methods());
        Assert.False(p.GetProperty("versions")[0].GetProperty("provenance").GetBoolean());
        Assert.Equal("oidc:bbb", p.GetProperty("versions")[0].GetProperty("publisher").Str("configId"));
        Assert.Equal("compliant", p.Str("status"));
        Assert.Equal(0, Registry.CountRequests(builder.AttestationPath("1.0.0")));
    }

    [Fact]
    public async Task Staged_IsAsStrongAsTrusted()
    {
        var run = await Audit(new PackumentBuilder("s-staged").Add("1.0.0", 1, new Publish.Trusted("oidc:c"), Release).Add("1.1.0", 2, new Publish.Staged("maintainer"), Release));
        var p = run.Package("s-staged");
        Assert.Equal(["1.0.0=trusted-publisher", "1.1.0=staged"], p.Methods());
        Assert.Equal("compliant", p.Str("status"));
        Assert.Equal(0, run.ExitCode);
    }

    [Fact]
    public async Task StrippedMetadata_IsUnknownWithNoEvidence_NeverToken()
    {
        var run = await Audit(new PackumentBuilder("s-stripped").Add("1.0.0", 1, new Publish.Stripped()).Add("1.1.0", 2, new Publish.Stripped()));
        var p = run.Package("s-stripped");
        Assert.Equal(["1.0.0=unknown", "1.1.0=unknown"], p.Methods());
        Assert.Equal(["no-evidence@"], p.Findings());
        Assert.Equal("unknown", p.Str("status"));
        Assert.Equal(1, run.ExitCode);
    }

    [Fact]
    public async Task StrippedMetadata_FixNamesTheAuditOption_NotTheDashboardSetting()
    {
        var run = await Audit(new PackumentBuilder("s-stripped-fix").Add("1.0.0", 1, new Publish.Stripped()));
        var message = run.Package("s-stripped-fix").GetProperty("findings")[0].Str("message")!;
        Assert.Contains("--npm-registry", message);
        Assert.DoesNotContain("point the dashboard", message);
        Assert.DoesNotContain("{", message);
    }

    [Fact]
    public async Task StagedByATrustedPublisher_IsStagedWithTheTrustedPublishersIdentity_AndDriftComparesIt()
    {
        var run = await Audit(new PackumentBuilder("s-staged-tp")
            .Add("1.0.0", 1, new Publish.Trusted("oidc:first"), Release)
            .Add("1.1.0", 2, new Publish.Staged("maintainer", "oidc:first"), Release)
            .Add("1.2.0", 3, new Publish.Staged("maintainer", "oidc:second"), Release));
        var p = run.Package("s-staged-tp");
        Assert.Equal(["1.0.0=trusted-publisher", "1.1.0=staged", "1.2.0=staged"], p.Methods());
        var staged = p.GetProperty("versions")[1].GetProperty("publisher");
        Assert.Equal(("github", "oidc:first", "acme/widgets", ".github/workflows/release.yml"),
            (staged.Str("provider"), staged.Str("configId"), staged.Str("repository"), staged.Str("workflow")));
        // Same strength as trusted: no downgrade; a changed trust configuration between staged versions is drift.
        Assert.Equal(["publisher-drift@1.2.0"], p.Findings());
    }

    [Fact]
    public async Task OidcIdentityWithoutItsMarker_IsUnknown_NeverAFalseTokenOrDowngrade()
    {
        var run = await Audit(new PackumentBuilder("s-marker-stripped")
            .Add("1.0.0", 1, new Publish.Trusted("oidc:ms"))
            .Add("1.0.1", 2, new Publish.MarkerStripped()));
        var p = run.Package("s-marker-stripped");
        Assert.Equal(["1.0.0=trusted-publisher", "1.0.1=unknown"], p.Methods());
        Assert.Equal(["evidence-error@1.0.1"], p.Findings());
        Assert.Contains("no trustedPublisher marker", p.GetProperty("findings")[0].Str("message"));
        Assert.Equal("unknown", p.Str("status"));
    }

    [Fact]
    public async Task OidcConfigIdSwap_IsDrift()
    {
        var run = await Audit(new PackumentBuilder("s-swap").Add("4.0.0", 1, new Publish.Trusted("oidc:one"), Release).Add("5.0.0", 2, new Publish.Trusted("oidc:two"), Release));
        var p = run.Package("s-swap");
        Assert.Equal(["publisher-drift@5.0.0"], p.Findings());
        Assert.Contains("oidc:one → oidc:two", p.GetProperty("findings")[0].Str("message"));
        Assert.Equal("non-compliant", p.Str("status"));
    }

    [Fact]
    public async Task WorkflowPathChange_IsDrift()
    {
        var run = await Audit(new PackumentBuilder("s-workflow")
            .Add("1.0.0", 1, new Publish.Trusted("oidc:w"), Release)
            .Add("1.0.1", 2, new Publish.Trusted("oidc:w"), Release with { Workflow = ".github/workflows/sneaky.yml" }));
        Assert.Equal(["publisher-drift@1.0.1"], run.Package("s-workflow").Findings());
    }

    [Fact]
    public async Task TagToBranchRef_IsDrift()
    {
        var run = await Audit(new PackumentBuilder("s-ref")
            .Add("1.0.0", 1, new Publish.Trusted("oidc:r"), Release with { Ref = "refs/tags/v1.0.0" })
            .Add("1.0.1", 2, new Publish.Trusted("oidc:r"), Release with { Ref = "refs/heads/main" }));
        var p = run.Package("s-ref");
        Assert.Equal(["publisher-drift@1.0.1"], p.Findings());
        Assert.Contains("from tag refs/tags/v1.0.0 to branch refs/heads/main", p.GetProperty("findings")[0].Str("message"));
    }

    [Fact]
    public async Task PullRequestTargetTrigger_IsAFinding()
    {
        var run = await Audit(new PackumentBuilder("s-prt").Add("1.0.0", 1, new Publish.Trusted("oidc:p"), Release with { Trigger = "pull_request_target" }));
        var p = run.Package("s-prt");
        Assert.Equal(["publisher-drift@1.0.0"], p.Findings());
        Assert.Equal("pull_request_target", p.GetProperty("versions")[0].GetProperty("publisher").Str("trigger"));
    }

    [Fact]
    public async Task ScopedName_IsRequestedAsScopePercent2fName()
    {
        var builder = new PackumentBuilder("@sigstore/bundle").Add("4.0.0", 1, new Publish.Trusted("oidc:same"), Release).Add("5.0.0", 2, new Publish.Trusted("oidc:same"), Release);
        var run = await Audit(builder);
        Assert.Equal("compliant", run.Package("@sigstore/bundle").Str("status"));
        Assert.Equal(1, Registry.CountRequests("/@sigstore%2fbundle"));
        Assert.Equal(1, Registry.CountRequests("/-/npm/v1/attestations/@sigstore%2fbundle@5.0.0"));
    }

    [Fact]
    public async Task TokenPlaceholderThenTrusted_IsNotADowngrade()
    {
        var run = await Audit(new PackumentBuilder("s-placeholder").Add("0.0.0", 0, new Publish.Token("bootstrap")).Add("1.0.0", 1, new Publish.Trusted("oidc:pl"), Release));
        var p = run.Package("s-placeholder");
        Assert.Empty(p.Findings());
        Assert.Equal("compliant", p.Str("status"));
    }

    [Fact]
    public async Task AxiosStyleCompromise_TokenAfterTrusted_IsADowngrade()
    {
        var run = await Audit(new PackumentBuilder("s-compromise")
            .Add("1.14.0", 1, new Publish.Trusted("oidc:9061ef30"), Release)
            .Add("1.14.1", 2, new Publish.Token("a-human"))
            .Latest("1.14.1"));
        var p = run.Package("s-compromise");
        Assert.Equal(["trust-downgrade@1.14.1"], p.Findings());
        Assert.Equal("non-compliant", p.Str("status"));
        Assert.Equal(1, run.ExitCode);
    }

    [Fact]
    public async Task BackportPublishedLaterByTime_IsJudgedByTime()
    {
        var run = await Audit(new PackumentBuilder("s-backport")
            .Add("2.0.0", 1, new Publish.Trusted("oidc:bp"), Release)
            .Add("1.9.9", 2, new Publish.Token("someone"))
            .Latest("2.0.0"));
        var p = run.Package("s-backport");
        Assert.Equal(["trust-downgrade@1.9.9"], p.Findings());
        Assert.Equal(["2.0.0=trusted-publisher", "1.9.9=token"], p.Methods());
    }

    [Fact]
    public async Task NotFound_IsErrorWithTheReason_AndOtherPackagesStillAudited()
    {
        new PackumentBuilder("s-ok-beside-404").Add("1.0.0", 1, new Publish.Trusted("oidc:ok"), Release).ServeOn(Registry);
        Registry.Serve("/s-missing", ReplayResponse.WithStatus(404));
        var run = await fixture.AuditAsync("--format", "json", "npm:s-missing", "npm:s-ok-beside-404");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error", run.Package("s-missing").Str("status"));
        Assert.Contains("not found", run.Package("s-missing").Str("error"));
        Assert.Equal("compliant", run.Package("s-ok-beside-404").Str("status"));
        Assert.Equal(["s-missing", "s-ok-beside-404"], run.Json.GetProperty("packages").EnumerateArray().Select(p => p.Str("name")!));
    }

    [Fact]
    public async Task RateLimited_429ThenOk_WaitsForRetryAfterAndSucceeds()
    {
        var builder = new PackumentBuilder("s-429").Add("1.0.0", 1, new Publish.Trusted("oidc:rl"));
        Registry.ServeSequence(builder.PackumentPath, ReplayResponse.WithStatus(429, retryAfter: "1"), ReplayResponse.Json(builder.BuildPackument(Registry.BaseUrl)));
        var run = await fixture.AuditAsync("--format", "json", "npm:s-429");
        Assert.Equal("compliant", run.Package("s-429").Str("status"));
        var times = Registry.Requests.Where(r => r.Target == builder.PackumentPath).Select(r => r.At).ToList();
        Assert.Equal(2, times.Count);
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(900), $"retried after {(times[1] - times[0]).TotalMilliseconds} ms, Retry-After said 1 s");
    }

    [Fact]
    public async Task ServerError500FiveTimes_IsErrorAfterRetries()
    {
        Registry.Serve("/s-500", ReplayResponse.WithStatus(500));
        var run = await fixture.AuditAsync("--format", "json", "npm:s-500");
        Assert.Equal(1, run.ExitCode);
        var p = run.Package("s-500");
        Assert.Equal("error", p.Str("status"));
        Assert.Contains("500", p.Str("error"));
        Assert.Equal(5, Registry.CountRequests("/s-500"));
        Assert.Empty(p.GetProperty("versions").EnumerateArray());
    }

    [Fact]
    public async Task TruncatedJson_IsError()
    {
        var json = new PackumentBuilder("s-truncated").Add("1.0.0", 1, new Publish.Trusted("oidc:t")).BuildPackument(Registry.BaseUrl);
        Registry.Serve("/s-truncated", ReplayResponse.Json(json[..(json.Length / 2)]));
        var run = await fixture.AuditAsync("--format", "json", "npm:s-truncated");
        Assert.Equal("error", run.Package("s-truncated").Str("status"));
        Assert.Contains("not valid JSON", run.Package("s-truncated").Str("error"));
    }

    [Fact]
    public async Task InvalidBase64Payload_IsAnEvidenceErrorOnThatVersion_MethodUnchanged()
    {
        var run = await Audit(new PackumentBuilder("s-badpayload").Add("1.0.0", 1, new Publish.Trusted("oidc:bad"), Release with { RawPayload = "!!not-base64!!" }));
        var p = run.Package("s-badpayload");
        Assert.Equal(["1.0.0=trusted-publisher"], p.Methods());
        Assert.Equal(["evidence-error@1.0.0"], p.Findings());
        Assert.Contains("not valid base64", p.GetProperty("findings")[0].Str("message"));
    }

    [Fact]
    public async Task GitLabProvenance_IsRead()
    {
        var run = await Audit(new PackumentBuilder("s-gitlab").Add("1.0.0", 1, new Publish.Trusted("oidc:gl", "gitlab"), new Provenance("group/project", ".gitlab-ci.yml", "main", "push", GitLab: true)));
        var publisher = run.Package("s-gitlab").GetProperty("versions")[0].GetProperty("publisher");
        Assert.Equal("gitlab", publisher.Str("provider"));
        Assert.Equal("group/project", publisher.Str("repository"));
        Assert.Equal(".gitlab-ci.yml", publisher.Str("workflow"));
    }

    [Fact]
    public async Task TwentyThousandVersions_AreAllClassified()
    {
        var builder = new PackumentBuilder("s-huge").Filler(2_000);
        for (var i = 0; i < 20_000; i++)
            builder.Add($"1.0.{i}", i / 100, i % 10 == 0 ? new Publish.Token("legacy") : new Publish.Trusted("oidc:huge"));
        builder.Latest("1.0.19999");
        var run = await Audit(builder);
        var p = run.Package("s-huge");
        var methods = p.GetProperty("versions").EnumerateArray().GroupBy(v => v.Str("method")).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(18_000, methods["trusted-publisher"]);
        Assert.Equal(2_000, methods["token"]);
        Assert.Equal("non-compliant", p.Str("status"));
    }

    [Theory]
    [InlineData(new[] { "--format", "xml", "npm:x" }, "--format must be json or table")]
    [InlineData(new[] { "npm:Bad Name" }, "a space")]
    [InlineData(new[] { "pypi:django" }, "npm packages only")]
    [InlineData(new[] { "--concurrency", "0", "npm:x" }, "--concurrency")]
    [InlineData(new[] { "--bogus", "npm:x" }, "unknown option")]
    [InlineData(new string[0], "name at least one package")]
    public async Task UsageErrors_ExitTwoWithTheReasonOnStderr(string[] args, string reason)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await TrustedPublishDashboard.Cli.AuditCommand.RunAsync(args, stdout, stderr, false, default);
        Assert.Equal(2, code);
        Assert.Contains(reason, stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("http://127.0.0.1/?q=1")]
    public async Task BadRegistryUrl_ExitsTwo(string url)
    {
        var stderr = new StringWriter();
        var code = await TrustedPublishDashboard.Cli.AuditCommand.RunAsync(["--npm-registry", url, "npm:x"], new StringWriter(), stderr, false, default);
        Assert.Equal(2, code);
        Assert.Contains("--npm-registry", stderr.ToString());
    }

    [Fact]
    public async Task TableFormat_IsTheDefault_WithoutColourWhenNotATerminal()
    {
        new PackumentBuilder("s-table").Add("1.0.0", 1, new Publish.Token("alice")).ServeOn(Registry);
        var run = await fixture.AuditAsync("npm:s-table");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("PACKAGE", run.Stdout);
        Assert.Contains("npm:s-table", run.Stdout);
        Assert.Contains("non-compliant", run.Stdout);
        Assert.DoesNotContain("\u001b[", run.Stdout);
    }

    [Fact]
    public async Task Progress_GoesToStderr_NeverIntoTheJson()
    {
        new PackumentBuilder("s-progress-a").Add("1.0.0", 1, new Publish.Trusted("oidc:pa")).ServeOn(Registry);
        new PackumentBuilder("s-progress-b").Add("1.0.0", 1, new Publish.Trusted("oidc:pb")).ServeOn(Registry);
        var run = await fixture.AuditAsync("--format", "json", "npm:s-progress-a", "npm:s-progress-b");
        Assert.Contains("2/2 package(s)", run.Stderr);
        Assert.Equal(2, run.Json.GetProperty("packages").GetArrayLength());
        Assert.Equal(0, run.ExitCode);
    }
}

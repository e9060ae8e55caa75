using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Tests.Domain;

public sealed class EvidenceRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly PackageId Pkg = new(Registry.Npm, "pkg");

    private static VersionEvidence V(string version, int day, PublishMethod method, PublisherIdentity? publisher = null, string? by = null) =>
        new(version, T0.AddDays(day), method, method == PublishMethod.TokenWithProvenance, publisher, by);

    private static PublisherIdentity Gh(string configId = "oidc:a", string repo = "o/r", string workflow = ".github/workflows/release.yml",
        string? @ref = "refs/tags/v1", string? env = null, string? trigger = "push") =>
        new("github", repo, workflow, @ref, env, trigger, configId);

    private static PackageEvaluation Eval(string? latest, params VersionEvidence[] versions) => EvidenceRules.Evaluate(new PackageHistory(Pkg, latest, versions));

    [Theory]
    [InlineData(true, true, false, true, PublishMethod.TrustedPublisher)]
    [InlineData(true, true, false, false, PublishMethod.TrustedPublisher)]
    [InlineData(true, false, true, false, PublishMethod.Staged)]
    // Staged by a trusted publisher: the marker stays and an approver is added (REGISTRY-FACTS, npm): staged.
    [InlineData(true, true, true, true, PublishMethod.Staged)]
    [InlineData(true, true, true, false, PublishMethod.Staged)]
    [InlineData(true, false, false, true, PublishMethod.TokenWithProvenance)]
    [InlineData(true, false, false, false, PublishMethod.Token)]
    [InlineData(false, false, false, false, PublishMethod.Unknown)]
    [InlineData(false, false, false, true, PublishMethod.Unknown)]
    public void Classify_TruthTable(bool publisherRecord, bool trusted, bool approver, bool provenance, PublishMethod expected) =>
        Assert.Equal(expected, EvidenceRules.Classify(new PublishFacts(publisherRecord, trusted, approver, provenance)));

    [Fact]
    public void Classify_SelfContradictoryPublisherRecord_IsUnknownNotToken()
    {
        Assert.Equal(PublishMethod.Unknown, EvidenceRules.Classify(new PublishFacts(true, false, false, false, LacksExpectedMarker: true)));
        Assert.Equal(PublishMethod.Unknown, EvidenceRules.Classify(new PublishFacts(true, false, false, true, LacksExpectedMarker: true)));
    }

    [Fact]
    public void TrustDowngrade_TokenAfterTrusted_IsFoundOnTheTokenVersion()
    {
        var result = Eval("1.14.1", V("1.14.0", 1, PublishMethod.TrustedPublisher, Gh()), V("1.14.1", 2, PublishMethod.Token, by: "someone"));
        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingKinds.TrustDowngrade, finding.Kind);
        Assert.Equal("1.14.1", finding.Version);
        Assert.Contains("by someone", finding.Message);
        Assert.Contains("mfa=publish", finding.Message);
        Assert.Equal(ComplianceStatus.NonCompliant, result.Status);
    }

    private static readonly DateTimeOffset Npm11150Window = new(2026, 5, 20, 12, 0, 0, TimeSpan.Zero);

    private static VersionEvidence At(string version, DateTimeOffset at, PublishMethod method, PublisherIdentity? publisher = null) =>
        new(version, at, method, method == PublishMethod.TokenWithProvenance, publisher);

    [Theory]
    [InlineData("2026-05-20T00:00:00Z", true)]
    [InlineData("2026-05-29T23:59:59Z", true)]
    [InlineData("2026-05-19T23:59:59Z", false)]
    [InlineData("2026-05-30T00:00:00Z", false)]
    public void TrustDowngrade_TokenVersionInTheNpm11150StagingWindow_SaysSoWithoutChangingTheVerdict(string publishedAt, bool inWindow)
    {
        var at = DateTimeOffset.Parse(publishedAt, System.Globalization.CultureInfo.InvariantCulture);
        var result = Eval("2.0.0", At("1.0.0", Npm11150Window.AddDays(-30), PublishMethod.TrustedPublisher, Gh()), At("2.0.0", at, PublishMethod.Token));

        var finding = Assert.Single(result.Findings);
        Assert.Equal((FindingKinds.TrustDowngrade, ComplianceStatus.NonCompliant), (finding.Kind, result.Status));
        Assert.Equal(inWindow, finding.Message.Contains("npm 11.15.0", StringComparison.Ordinal));
        // The note explains what happened; the fix stays the fix.
        Assert.StartsWith("require 2FA", TrustedPublishDashboard.Packages.FindingGuide.Split(finding.Message).Fix);
    }

    [Fact]
    public void TrustDowngrade_InTheNpm11150Window_OnlyNpmAndOnlyTokenLookingVersionsGetTheNote()
    {
        VersionEvidence[] versions = [At("1.0.0", Npm11150Window.AddDays(-30), PublishMethod.TrustedPublisher, Gh()), At("2.0.0", Npm11150Window, PublishMethod.TokenWithProvenance)];
        Assert.DoesNotContain("11.15.0", Assert.Single(Eval("2.0.0", versions).Findings).Message);
        var pypi = EvidenceRules.Evaluate(new PackageHistory(new PackageId(Registry.PyPI, "pkg"), "2.0.0",
            [At("1.0.0", Npm11150Window.AddDays(-30), PublishMethod.TrustedPublisher, Gh()), At("2.0.0", Npm11150Window, PublishMethod.Token)]));
        Assert.DoesNotContain("11.15.0", Assert.Single(pypi.Findings).Message);
    }

    [Fact]
    public void NoEvidence_FixIsWordedForItsAudience()
    {
        VersionEvidence[] unknown = [V("1.0.0", 1, PublishMethod.Unknown)];
        var dashboard = Assert.Single(Eval("1.0.0", unknown).Findings).Message;
        var cli = Assert.Single(EvidenceRules.Evaluate(new PackageHistory(Pkg, "1.0.0", unknown), FindingAudience.Cli).Findings).Message;

        Assert.Contains("Registries:Npm:BaseUrl", dashboard);
        Assert.DoesNotContain("--npm-registry", dashboard);
        Assert.Contains("--npm-registry", cli);
        Assert.DoesNotContain("dashboard", cli);
        Assert.DoesNotContain(FindingText.UseFullRegistry, dashboard + cli);
    }

    [Fact]
    public void PublisherDrift_StagedWithoutAnIdentity_IsNotComparedAndDoesNotHideADrift()
    {
        var result = Eval("3", V("1", 1, PublishMethod.TrustedPublisher, Gh("oidc:a")), V("2", 2, PublishMethod.Staged), V("3", 3, PublishMethod.TrustedPublisher, Gh("oidc:b")));

        Assert.Equal(("publisher-drift", "3"), (Assert.Single(result.Findings).Kind, result.Findings[0].Version));
    }

    [Fact]
    public void TrustDowngrade_TokenPlaceholderBeforeFirstTrusted_IsNotADowngrade()
    {
        var result = Eval("1.0.0", V("0.0.0", 0, PublishMethod.Token), V("1.0.0", 1, PublishMethod.TrustedPublisher, Gh()));
        Assert.Empty(result.Findings);
        Assert.Equal(ComplianceStatus.Compliant, result.Status);
    }

    [Fact]
    public void TrustDowngrade_IsOrderedByPublishTimeNotSemver()
    {
        // 2.0.0 (trusted) then a 1.9.9 backport published later with a token: the backport is the downgrade.
        var result = Eval("2.0.0", V("1.9.9", 5, PublishMethod.Token), V("2.0.0", 3, PublishMethod.TrustedPublisher, Gh()));
        Assert.Equal("1.9.9", Assert.Single(result.Findings).Version);
        // And the reverse order in time is a placeholder, not a downgrade.
        Assert.Empty(Eval("2.0.0", V("1.9.9", 1, PublishMethod.Token), V("2.0.0", 3, PublishMethod.TrustedPublisher, Gh())).Findings);
    }

    [Fact]
    public void TrustDowngrade_UnknownIsNeverCompared()
    {
        var result = Eval("1.2.0", V("1.0.0", 1, PublishMethod.TrustedPublisher, Gh()), V("1.1.0", 2, PublishMethod.Unknown), V("1.2.0", 3, PublishMethod.TrustedPublisher, Gh()));
        Assert.Empty(result.Findings);
        Assert.Equal(ComplianceStatus.Compliant, result.Status);
    }

    [Fact]
    public void TrustDowngrade_TokenWithProvenanceAfterTrusted_IsADowngrade_StagedAfterTrustedIsNot()
    {
        Assert.Equal(FindingKinds.TrustDowngrade, Assert.Single(Eval("2", V("1", 1, PublishMethod.TrustedPublisher, Gh()), V("2", 2, PublishMethod.TokenWithProvenance)).Findings).Kind);
        Assert.Empty(Eval("2", V("1", 1, PublishMethod.TrustedPublisher, Gh()), V("2", 2, PublishMethod.Staged, Gh())).Findings);
        Assert.Empty(Eval("2", V("1", 1, PublishMethod.Staged, Gh()), V("2", 2, PublishMethod.TrustedPublisher, Gh())).Findings);
        // token after token-with-provenance is weaker too
        Assert.Equal("2", Assert.Single(Eval("2", V("1", 1, PublishMethod.TokenWithProvenance), V("2", 2, PublishMethod.Token)).Findings,
            f => f.Kind == FindingKinds.TrustDowngrade).Version);
    }

    [Fact]
    public void TrustDowngrade_EveryWeakerVersionAfterTheStrongest_IsAFinding()
    {
        var result = Eval("4", V("1", 1, PublishMethod.TrustedPublisher, Gh()), V("2", 2, PublishMethod.Token), V("3", 3, PublishMethod.Token), V("4", 4, PublishMethod.TrustedPublisher, Gh()));
        Assert.Equal(["2", "3"], result.Findings.Select(f => f.Version));
        Assert.Equal(ComplianceStatus.NonCompliant, result.Status);
    }

    [Theory]
    [InlineData("configId", "trust configuration oidc:a → oidc:b")]
    [InlineData("repo", "repository o/r → evil/r")]
    [InlineData("workflow", "workflow .github/workflows/release.yml → .github/workflows/other.yml")]
    [InlineData("env", "environment production → staging")]
    [InlineData("ref", "ref moved from tag refs/tags/v1 to branch refs/heads/main")]
    public void PublisherDrift_ChangeBetweenConsecutiveTrustedVersions_IsFound(string change, string expected)
    {
        var before = Gh(env: "production");
        var after = change switch
        {
            "configId" => before with { ConfigId = "oidc:b" },
            "repo" => before with { Repository = "evil/r" },
            "workflow" => before with { Workflow = ".github/workflows/other.yml" },
            "env" => before with { Environment = "staging" },
            _ => before with { Ref = "refs/heads/main" },
        };
        var result = Eval("2", V("1", 1, PublishMethod.TrustedPublisher, before), V("2", 2, PublishMethod.TrustedPublisher, after));
        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingKinds.PublisherDrift, finding.Kind);
        Assert.Equal("2", finding.Version);
        Assert.Contains(expected, finding.Message);
        Assert.Equal(ComplianceStatus.NonCompliant, result.Status);
    }

    [Fact]
    public void PublisherDrift_SamePublisher_UnknownFields_BranchToTag_AndRepositoryCase_AreNotDrift()
    {
        Assert.Empty(Eval("2", V("1", 1, PublishMethod.TrustedPublisher, Gh()), V("2", 2, PublishMethod.TrustedPublisher, Gh())).Findings);
        // The later version has no provenance (private repo): repository and workflow unknown, not changed.
        Assert.Empty(Eval("2", V("1", 1, PublishMethod.TrustedPublisher, Gh()), V("2", 2, PublishMethod.TrustedPublisher, new PublisherIdentity("github", ConfigId: "oidc:a"))).Findings);
        Assert.Empty(Eval("2", V("1", 1, PublishMethod.TrustedPublisher, Gh(@ref: "refs/heads/main")), V("2", 2, PublishMethod.TrustedPublisher, Gh(@ref: "refs/tags/v2"))).Findings);
        Assert.Empty(Eval("2", V("1", 1, PublishMethod.TrustedPublisher, Gh(repo: "Owner/Repo")), V("2", 2, PublishMethod.TrustedPublisher, Gh(repo: "owner/repo"))).Findings);
    }

    [Fact]
    public void PublisherDrift_ComparesWithThePreviousTrustedVersionByTime_SkippingTokenVersions()
    {
        var result = Eval("3",
            V("1", 1, PublishMethod.TrustedPublisher, Gh(configId: "oidc:a")),
            V("2", 2, PublishMethod.Token),
            V("3", 3, PublishMethod.TrustedPublisher, Gh(configId: "oidc:b")));
        Assert.Equal([(FindingKinds.TrustDowngrade, "2"), (FindingKinds.PublisherDrift, "3")], result.Findings.Select(f => (f.Kind, f.Version!)));
    }

    [Fact]
    public void PublisherDrift_PullRequestTargetTrigger_IsAFindingOnItsOwn()
    {
        var result = Eval("1", V("1", 1, PublishMethod.TrustedPublisher, Gh(trigger: "pull_request_target")));
        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingKinds.PublisherDrift, finding.Kind);
        Assert.Contains("pull_request_target", finding.Message);
        Assert.Equal(ComplianceStatus.NonCompliant, result.Status);
    }

    [Fact]
    public void NoEvidence_AllVersionsUnknown_IsOnePackageLevelFindingAndStatusUnknown()
    {
        var result = Eval("2", V("1", 1, PublishMethod.Unknown), V("2", 2, PublishMethod.Unknown));
        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingKinds.NoEvidence, finding.Kind);
        Assert.Null(finding.Version);
        Assert.Equal(ComplianceStatus.Unknown, result.Status);
        Assert.Equal(PublishMethod.Unknown, result.LatestMethod);
    }

    [Fact]
    public void Status_FollowsTheLatestDistTag_NotTheNewestByTime()
    {
        // A token-published pre-release after the trusted latest: latest is still trusted, but the pre-release is a downgrade.
        var result = Eval("1.0.0", V("1.0.0", 1, PublishMethod.TrustedPublisher, Gh()), V("2.0.0-beta.1", 2, PublishMethod.Token));
        Assert.Equal("1.0.0", result.LatestVersion);
        Assert.Equal(ComplianceStatus.NonCompliant, result.Status);
        Assert.Equal(ComplianceStatus.Unknown, Eval("1.0.0", V("1.0.0", 1, PublishMethod.Unknown), V("0.9.0", 0, PublishMethod.Token)).Status);
        Assert.Equal(ComplianceStatus.NonCompliant, Eval("1.0.0", V("1.0.0", 1, PublishMethod.Token)).Status);
        Assert.Equal(ComplianceStatus.NonCompliant, Eval("1.0.0", V("1.0.0", 1, PublishMethod.TokenWithProvenance)).Status);
        Assert.Equal(ComplianceStatus.Compliant, Eval("1.0.0", V("1.0.0", 1, PublishMethod.Staged, Gh())).Status);
        Assert.Equal(ComplianceStatus.Unknown, Eval(null).Status);
        // No dist-tag: the newest by time stands in.
        Assert.Equal("2", Eval(null, V("1", 1, PublishMethod.Token), V("2", 2, PublishMethod.TrustedPublisher, Gh())).LatestVersion);
    }

    [Fact]
    public void EvidenceError_IsReportedWithoutChangingTheMethod()
    {
        var broken = V("1", 1, PublishMethod.TrustedPublisher, new PublisherIdentity("github", ConfigId: "oidc:a")) with { EvidenceError = "payload is not valid base64" };
        var result = Eval("1", broken);
        Assert.Equal(PublishMethod.TrustedPublisher, result.LatestMethod);
        Assert.Equal(FindingKinds.EvidenceError, Assert.Single(result.Findings).Kind);
        Assert.Equal(ComplianceStatus.Compliant, result.Status);
    }
}

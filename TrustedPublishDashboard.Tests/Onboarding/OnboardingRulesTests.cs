using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class OnboardingRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly PackageId Pkg = new(Registry.Npm, "pkg");

    private static readonly PublisherPlan Plan = new()
    {
        Provider = Provider.GitHub, Owner = "acme", Repository = "widgets", WorkflowFile = "release.yml",
    };

    private static PublisherIdentity Gh(string repo = "acme/widgets", string? workflow = ".github/workflows/release.yml") =>
        new("github", repo, workflow, "refs/tags/v1", null, "push", "oidc:a");

    private static VersionEvidence V(string version, int day, PublishMethod method, PublisherIdentity? publisher = null) =>
        new(version, T0.AddDays(day), method, publisher?.Repository is not null, publisher, method is PublishMethod.Token ? "someone" : null);

    [Fact]
    public void Compare_SameRepositoryAndFile_Matches()
    {
        var match = OnboardingRules.Compare(Plan, Gh());
        Assert.True(match.Matches);
        Assert.All(match.Fields, f => Assert.True(f.Matches));
    }

    [Theory]
    [InlineData("Acme/widgets", ".github/workflows/release.yml", "repository")]
    [InlineData("acme/other", ".github/workflows/release.yml", "repository")]
    [InlineData("acme/widgets", ".github/workflows/release.yaml", "workflow file")]
    [InlineData("acme/widgets", ".github/workflows/publish.yml", "workflow file")]
    public void Compare_AnyFieldDiffers_DoesNotMatch_AndNamesTheField(string repo, string workflow, string field)
    {
        var match = OnboardingRules.Compare(Plan, Gh(repo, workflow));
        Assert.False(match.Matches);
        Assert.Equal([field], match.Mismatches.Select(f => f.Field));
        Assert.Contains(field, match.Describe());
    }

    [Fact]
    public void Compare_OtherProvider_DoesNotMatch()
    {
        Assert.False(OnboardingRules.Compare(Plan, new PublisherIdentity("gitlab", "acme/widgets", ".gitlab-ci.yml")).Matches);
    }

    [Fact]
    public void Compare_NoProvenance_ProviderAloneMatches_AndSaysWhatIsNotInTheEvidence()
    {
        var match = OnboardingRules.Compare(Plan with { Environment = "npm" }, new PublisherIdentity("github", ConfigId: "oidc:x"));
        Assert.True(match.Matches);
        Assert.Equal(["repository", "workflow file", "environment"], match.Fields.Where(f => f.Matches is null).Select(f => f.Field));
        Assert.Contains("not in the evidence", match.Describe());
    }

    [Fact]
    public void FirstOidcPublish_MatchingTrustedVersion_Verified()
    {
        var verdict = OnboardingRules.FirstOidcPublish(Plan, [V("0.0.0", 0, PublishMethod.Token), V("1.0.0", 3, PublishMethod.TrustedPublisher, Gh())]);
        Assert.Equal(StepState.Verified, verdict.State);
        Assert.Contains("1.0.0", verdict.Note);
    }

    [Fact]
    public void FirstOidcPublish_TrustedButOtherRepository_Failed_WithTheDifference()
    {
        var verdict = OnboardingRules.FirstOidcPublish(Plan, [V("1.0.0", 3, PublishMethod.TrustedPublisher, Gh("evil/widgets"))]);
        Assert.Equal(StepState.Failed, verdict.State);
        Assert.Contains("repository is evil/widgets, the plan says acme/widgets", verdict.Note);
    }

    [Fact]
    public void FirstOidcPublish_OnlyUnknownVersions_PendingAndSaysTheRegistryGivesNoMetadata()
    {
        var verdict = OnboardingRules.FirstOidcPublish(Plan, [V("1.0.0", 1, PublishMethod.Unknown)]);
        Assert.Equal(StepState.Pending, verdict.State);
        Assert.Contains("no publisher metadata", verdict.Note);
    }

    [Fact]
    public void FirstOidcPublish_OnlyTokenVersions_Pending()
    {
        Assert.Equal(StepState.Pending, OnboardingRules.FirstOidcPublish(Plan, [V("1.0.0", 1, PublishMethod.Token)]).State);
    }

    [Fact]
    public void Evaluate_TokenPublishAfterOnboarding_IsAFinding_AndTheStatusIsNonCompliant()
    {
        // The placeholder (token) came before trust was configured; 1.0.1 came after it, by token.
        var history = new PackageHistory(Pkg, "1.0.1", [V("0.0.0", 0, PublishMethod.Token), V("1.0.1", 5, PublishMethod.Token)])
        {
            Expectation = new OnboardingExpectation("plan", Plan, T0.AddDays(2)),
        };
        var evaluation = EvidenceRules.Evaluate(history);
        // Every version is a token publish, so never-trusted explains the status too.
        Assert.Equal([(FindingKinds.NeverTrusted, "1.0.1"), (FindingKinds.TokenAfterOnboarding, "1.0.1")],
            evaluation.Findings.Select(f => (f.Kind, f.Version)).Order());
        Assert.Equal(ComplianceStatus.NonCompliant, evaluation.Status);
        Assert.True(PackageSummary.From(history, evaluation).HasDowngrade);
    }

    [Fact]
    public void Evaluate_LatestTrustedButATokenPublishAfterOnboarding_StaysNonCompliant()
    {
        var history = new PackageHistory(Pkg, "1.0.2", [V("1.0.1", 5, PublishMethod.Token), V("1.0.2", 6, PublishMethod.TrustedPublisher, Gh())])
        {
            Expectation = new OnboardingExpectation("plan", Plan, T0.AddDays(2)),
        };
        var evaluation = EvidenceRules.Evaluate(history);
        Assert.Equal([FindingKinds.TokenAfterOnboarding], evaluation.Findings.Select(f => f.Kind));
        Assert.Equal(ComplianceStatus.NonCompliant, evaluation.Status);
    }

    [Fact]
    public void Evaluate_WithoutExpectation_NoOnboardingFindings()
    {
        var history = new PackageHistory(Pkg, "1.0.1", [V("0.0.0", 0, PublishMethod.Token), V("1.0.1", 5, PublishMethod.Token)]);
        Assert.DoesNotContain(EvidenceRules.Evaluate(history).Findings, f => f.Kind is FindingKinds.TokenAfterOnboarding or FindingKinds.PublisherMismatch);
    }

    [Fact]
    public void Evaluate_TrustedPublishByAnotherRepositoryAfterOnboarding_IsAPublisherMismatch()
    {
        var history = new PackageHistory(Pkg, "1.0.1", [V("1.0.1", 5, PublishMethod.TrustedPublisher, Gh("evil/widgets"))])
        {
            Expectation = new OnboardingExpectation("plan", Plan, T0.AddDays(2)),
        };
        var evaluation = EvidenceRules.Evaluate(history);
        Assert.Equal([FindingKinds.PublisherMismatch], evaluation.Findings.Select(f => f.Kind));
        Assert.Equal(ComplianceStatus.NonCompliant, evaluation.Status);
    }

    [Fact]
    public void Bootstrap_DecidedByExistence()
    {
        Assert.Equal(StepState.Pending, OnboardingRules.Bootstrap(false, true, null).State);
        Assert.Equal(StepState.NotNeeded, OnboardingRules.Bootstrap(true, false, "1.0.0").State);
        Assert.Equal(StepState.Verified, OnboardingRules.Bootstrap(true, true, "0.0.0").State);
    }

    [Theory]
    [InlineData(null, null, StepState.Pending, true)]
    [InlineData(StepState.Confirmed, "alice", StepState.Pending, false)]
    [InlineData(StepState.Confirmed, "alice", StepState.NotNeeded, false)]
    [InlineData(StepState.Confirmed, "alice", StepState.Verified, true)]
    [InlineData(StepState.Confirmed, "alice", StepState.Failed, true)]
    [InlineData(StepState.Verified, null, StepState.Pending, false)]
    [InlineData(StepState.Verified, null, StepState.NotNeeded, false)]
    [InlineData(StepState.Failed, null, StepState.Pending, true)]
    [InlineData(StepState.Failed, "alice", StepState.Pending, false)]
    [InlineData(StepState.NotNeeded, "alice", StepState.Pending, false)]
    public void ShouldApply_AutomaticVerdicts_NeverUndoWhatAPersonOrProofSettled(StepState? current, string? actor, StepState verdict, bool expected) =>
        Assert.Equal(expected, OnboardingRules.ShouldApply(current, actor, new StepVerdict(verdict, "n")));
}

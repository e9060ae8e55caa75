using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Tests.Alerts;

public sealed class AlertRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly PackageId Pkg = new(Registry.Npm, "pkg");
    private static readonly DateTimeOffset Tracked = T0;

    private static PublisherIdentity Gh(string repo = "o/r", string? trigger = "push", string config = "oidc:a") =>
        new("github", repo, ".github/workflows/release.yml", "refs/tags/v1", null, trigger, config);

    private static VersionEvidence V(string version, int day, PublishMethod method, PublisherIdentity? publisher = null) =>
        new(version, T0.AddDays(day), method, false, publisher, method is PublishMethod.Token ? "mallory" : null);

    private static IReadOnlyList<AlertCandidate> Alerts(IReadOnlyList<VersionEvidence> versions, OnboardingExpectation? expectation = null,
        IReadOnlyList<Maintainer>? before = null, IReadOnlyList<Maintainer>? after = null, DateTimeOffset? tracked = null)
    {
        var history = new PackageHistory(Pkg, versions[^1].Version, versions) { Expectation = expectation };
        return AlertRules.Evaluate(new AlertContext(Pkg, versions, EvidenceRules.Evaluate(history), tracked ?? Tracked, before, after));
    }

    [Fact]
    public void TokenPublishAfterTrusted_OneCriticalDowngradePerVersion()
    {
        var alerts = Alerts([V("1.0.0", 1, PublishMethod.TrustedPublisher, Gh()), V("1.0.1", 2, PublishMethod.Token), V("1.0.2", 3, PublishMethod.Token)]);

        Assert.Equal(["trust-downgrade@1.0.1", "trust-downgrade@1.0.2"], alerts.Select(a => $"{a.Kind}@{a.Key}"));
        Assert.All(alerts, a => Assert.Equal(AlertSeverity.Critical, a.Severity));
        Assert.Contains("mallory", alerts[0].Title);
    }

    [Fact]
    public void TokenOnlyPackage_NoAlert()
    {
        Assert.Empty(Alerts([V("1.0.0", 1, PublishMethod.Token), V("1.0.1", 2, PublishMethod.Token)]));
    }

    [Fact]
    public void TokenPublishOnOnboardedPackage_CriticalTokenPublish_EvenWithoutEarlierTrustedVersion()
    {
        var plan = new PublisherPlan { Owner = "o", Repository = "r", WorkflowFile = "release.yml" };
        var alerts = Alerts([V("0.0.0", 1, PublishMethod.Token), V("1.0.0", 5, PublishMethod.Token)], new OnboardingExpectation("p", plan, T0.AddDays(2)));

        var alert = Assert.Single(alerts);
        Assert.Equal((AlertKinds.TokenPublish, "1.0.0", AlertSeverity.Critical), (alert.Kind, alert.Key, alert.Severity));
    }

    [Fact]
    public void TokenPublishThatIsBothDowngradeAndAfterOnboarding_RaisedOnce()
    {
        var plan = new PublisherPlan { Owner = "o", Repository = "r", WorkflowFile = "release.yml" };
        var alerts = Alerts([V("1.0.0", 3, PublishMethod.TrustedPublisher, Gh()), V("1.0.1", 5, PublishMethod.Token)], new OnboardingExpectation("p", plan, T0.AddDays(2)));

        Assert.Equal([AlertKinds.TrustDowngrade], alerts.Select(a => a.Kind));
    }

    [Fact]
    public void DriftAndPullRequestTarget_HighSeverity_PullRequestTargetNotAlsoDrift()
    {
        var alerts = Alerts([
            V("1.0.0", 1, PublishMethod.TrustedPublisher, Gh()),
            V("1.1.0", 2, PublishMethod.TrustedPublisher, Gh(repo: "evil/r", config: "oidc:b")),
            V("1.2.0", 3, PublishMethod.TrustedPublisher, Gh(repo: "evil/r", trigger: "pull_request_target", config: "oidc:b")),
        ]);

        Assert.Equal(["publisher-drift@1.1.0", "pull-request-target@1.2.0"], alerts.Select(a => $"{a.Kind}@{a.Key}"));
        Assert.All(alerts, a => Assert.Equal(AlertSeverity.High, a.Severity));
    }

    [Fact]
    public void MaintainersChanged_MediumWithWhatChanged_AndAStableKeyPerChange()
    {
        Maintainer[] before = [new("alice", null), new("bob", null)];
        Maintainer[] after = [new("alice", null), new("mallory", null)];
        var versions = new[] { V("1.0.0", 1, PublishMethod.TrustedPublisher, Gh()) };

        var first = Assert.Single(Alerts(versions, before: before, after: after));
        var again = Assert.Single(Alerts(versions, before: before, after: after));

        Assert.Equal((AlertKinds.MaintainersChanged, AlertSeverity.Medium), (first.Kind, first.Severity));
        Assert.Contains("added mallory", first.Title);
        Assert.Contains("removed bob", first.Title);
        Assert.Equal(first.Key, again.Key);
        Assert.NotEqual(first.Key, Assert.Single(Alerts(versions, before: after, after: before)).Key);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    public void MaintainersUnknownOrStripped_NoAlert(int? beforeCount)
    {
        IReadOnlyList<Maintainer>? before = beforeCount is null ? null : [];
        Assert.Empty(Alerts([V("1.0.0", 1, PublishMethod.TrustedPublisher, Gh())], before: before, after: [new("alice", null)]));
        Assert.Empty(Alerts([V("1.0.0", 1, PublishMethod.TrustedPublisher, Gh())], before: [new("alice", null)], after: []));
        Assert.Empty(Alerts([V("1.0.0", 1, PublishMethod.TrustedPublisher, Gh())], before: [new("Alice", null)], after: [new("alice", null)]));
    }

    [Fact]
    public void NoEvidence_InfoOncePerPackage_KeyIsEmpty()
    {
        var alert = Assert.Single(Alerts([V("1.0.0", 1, PublishMethod.Unknown), V("1.0.1", 2, PublishMethod.Unknown)]));
        Assert.Equal((AlertKinds.NoEvidence, AlertSeverity.Info, ""), (alert.Kind, alert.Severity, alert.Key));
    }

    [Fact]
    public void VersionsPublishedBeforeTracking_AreHistoric()
    {
        var alerts = Alerts([V("1.0.0", 1, PublishMethod.TrustedPublisher, Gh()), V("1.0.1", 2, PublishMethod.Token), V("1.0.2", 10, PublishMethod.Token)],
            tracked: T0.AddDays(5));

        Assert.Equal([true, false], alerts.Select(a => a.Historic));
    }

    [Theory]
    [InlineData(1, 3, false)]
    [InlineData(2, 3, false)]
    [InlineData(3, 3, true)]
    [InlineData(7, 3, true)]
    public void PollingFailing_WarningFromTheThreshold(int failures, int threshold, bool raised)
    {
        var alert = AlertRules.PollingFailing(Pkg, failures, T0, threshold, "timeout");
        Assert.Equal(raised, alert is not null);
        if (alert is not null) Assert.Equal((AlertKinds.PollingFailing, AlertSeverity.Warning), (alert.Kind, alert.Severity));
    }

    [Fact]
    public void PollingFailing_OneKeyPerStreak()
    {
        var streak1a = AlertRules.PollingFailing(Pkg, 3, T0, 3, "e")!;
        var streak1b = AlertRules.PollingFailing(Pkg, 9, T0, 3, "e")!;
        var streak2 = AlertRules.PollingFailing(Pkg, 3, T0.AddDays(1), 3, "e")!;
        var never = AlertRules.PollingFailing(Pkg, 3, null, 3, "e")!;

        Assert.Equal(streak1a.Key, streak1b.Key);
        Assert.NotEqual(streak1a.Key, streak2.Key);
        Assert.Equal("after:never", never.Key);
    }

    // ---- trust-config-expiring: a fixed clock, configured at T0 + 10 h ----

    private static readonly DateTimeOffset Configured = T0.AddHours(10);

    /// <summary>Truth table over the clock: nothing before a day has passed, then one warning that says when it may expire.</summary>
    [Theory]
    [InlineData(0, false, null)]
    [InlineData(23.99, false, null)]
    [InlineData(24, true, "may expire on 2026-01-03 10:00 UTC")]
    [InlineData(36, true, "may expire on 2026-01-03 10:00 UTC")]
    [InlineData(49, true, "may already have expired (2026-01-03 10:00 UTC)")]
    public void TrustConfigExpiring_WarnsTheDayBefore(double hoursLater, bool raised, string? said)
    {
        var alert = AlertRules.TrustConfigExpiring(Pkg, "Widgets", Configured, Configured.AddHours(hoursLater));

        Assert.Equal(raised, alert is not null);
        if (alert is null) return;
        Assert.Equal((AlertKinds.TrustConfigExpiring, AlertSeverity.Warning), (alert.Kind, alert.Severity));
        Assert.Contains(said!, alert.Title);
        Assert.Contains("npm may expire a new configuration after 2 days without a successful publish", alert.Message);
        Assert.Contains("Widgets", alert.Message);
    }

    [Fact]
    public void TrustConfigExpiring_SameConfiguration_SameKey_AnotherConfiguration_AnotherKey()
    {
        var first = AlertRules.TrustConfigExpiring(Pkg, "Widgets", Configured, Configured.AddHours(25))!;
        var later = AlertRules.TrustConfigExpiring(Pkg, "Widgets", Configured, Configured.AddHours(40))!;
        var again = AlertRules.TrustConfigExpiring(Pkg, "Widgets", Configured.AddDays(3), Configured.AddDays(4.5))!;

        Assert.Equal("configured:2026-01-01T10:00:00Z", first.Key);
        Assert.Equal(first.Key, later.Key);
        Assert.NotEqual(first.Key, again.Key);
        Assert.Contains(AlertKinds.TrustConfigExpiring, AlertKinds.All);
    }

    /// <summary>The tracker's "not yet used" rule: only a done trust step whose first OIDC publish is not verified.</summary>
    [Theory]
    [InlineData(StepState.Verified, StepState.Pending, true)]
    [InlineData(StepState.Confirmed, StepState.Pending, true)]
    [InlineData(StepState.Confirmed, StepState.Failed, true)]
    [InlineData(StepState.Verified, StepState.Verified, false)]
    [InlineData(StepState.Pending, StepState.Pending, false)]
    [InlineData(StepState.Failed, StepState.Pending, false)]
    public void UnusedTrustSince_OnlyDoneAndNotYetPublished(StepState trust, StepState firstPublish, bool unused)
    {
        Assert.Equal(unused ? Configured : null, OnboardingRules.UnusedTrustSince(trust, Configured, firstPublish));
    }
}

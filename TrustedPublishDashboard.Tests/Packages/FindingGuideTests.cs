using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Packages;

namespace TrustedPublishDashboard.Tests.Packages;

public sealed class FindingGuideTests
{
    [Fact]
    public void Kinds_ExplainEveryFindingRule()
    {
        foreach (var (kind, _) in EvidenceRules.FindingRules)
        {
            Assert.True(FindingGuide.Kinds.ContainsKey(kind), $"no explanation for {kind}");
            Assert.False(string.IsNullOrWhiteSpace(FindingGuide.For(kind).Meaning));
        }
    }

    [Theory]
    [InlineData(FindingKinds.TrustDowngrade, FindingTone.Danger)]
    [InlineData(FindingKinds.TokenAfterOnboarding, FindingTone.Danger)]
    [InlineData(FindingKinds.PublisherDrift, FindingTone.Warning)]
    [InlineData(FindingKinds.PublisherMismatch, FindingTone.Warning)]
    [InlineData(FindingKinds.NoEvidence, FindingTone.Info)]
    [InlineData(FindingKinds.EvidenceError, FindingTone.Info)]
    public void For_GivesEachKindItsTone(string kind, FindingTone tone) => Assert.Equal(tone, FindingGuide.For(kind).Tone);

    [Fact]
    public void For_AnUnknownKind_IsShownByItsCode()
    {
        var explanation = FindingGuide.For("future-rule");

        Assert.Equal(("future-rule", FindingTone.Info), (explanation.Title, explanation.Tone));
    }

    [Theory]
    [InlineData("It happened. Fix: do this.", "It happened.", "do this.")]
    [InlineData("It happened.", "It happened.", null)]
    [InlineData("It happened. Fix:", "It happened.", null)]
    [InlineData("1.0.1: undecodable attestation", "1.0.1: undecodable attestation", null)]
    public void Split_SeparatesWhatHappenedFromTheFix(string message, string happened, string? fix) =>
        Assert.Equal((happened, fix), FindingGuide.Split(message));

    [Fact]
    public void FindingView_FromARuleMessage_KeepsTheMessageAndSplitsIt()
    {
        var history = PackagesTestServices.Downgraded("split");
        var finding = EvidenceRules.Evaluate(history).Findings.Single();

        var view = FindingView.From(finding.Kind, finding.Version, finding.Message, "2026-02-01T00:00:00Z");

        Assert.Equal(finding.Message, view.Message);
        Assert.StartsWith("2.0.0 was published with a token", view.Happened);
        Assert.StartsWith("require 2FA and disallow tokens", view.Fix);
        Assert.Equal("Trust downgrade", view.Explanation.Title);
    }
}

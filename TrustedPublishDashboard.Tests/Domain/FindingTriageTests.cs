using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Tests.Domain;

/// <summary>The acceptance decision and the status under acceptances, as truth tables; and the never-trusted rule.</summary>
public sealed class FindingTriageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly PackageId Pkg = new(Registry.Npm, "pkg");

    private static VersionEvidence V(string version, int day, PublishMethod method, string configId = "oidc:a", string workflow = ".github/workflows/release.yml") =>
        new(version, T0.AddDays(day), method, false,
            method.IsTrusted() ? new PublisherIdentity("github", "o/r", workflow, "refs/tags/v1", null, "push", configId) : null);

    private static FindingAcceptance Accept(string kind, string version, int? expiresInDays = null, long id = 1) =>
        new(id, kind, version, AcceptanceReason.IntendedChange, "because", "alice", Now.AddDays(-10), expiresInDays is { } d ? Now.AddDays(d) : null);

    // finding (kind@version), acceptance (kind@version or none), expiry in days from now (null: none), expected state, expected expired
    [Theory]
    [InlineData("trust-downgrade", "2.0.0", "trust-downgrade", "2.0.0", null, FindingState.Accepted, false)]
    [InlineData("trust-downgrade", "2.0.0", "trust-downgrade", "2.0.0", 5, FindingState.Accepted, false)]
    [InlineData("trust-downgrade", "2.0.0", "trust-downgrade", "2.0.0", 0, FindingState.Open, true)]
    [InlineData("trust-downgrade", "2.0.0", "trust-downgrade", "2.0.0", -1, FindingState.Open, true)]
    [InlineData("trust-downgrade", "3.0.0", "trust-downgrade", "2.0.0", null, FindingState.Open, false)]
    [InlineData("trust-downgrade", "2.0.0", "publisher-drift", "2.0.0", null, FindingState.Open, false)]
    [InlineData("no-evidence", "", "no-evidence", "", null, FindingState.Accepted, false)]
    [InlineData("trust-downgrade", "2.0.0", null, null, null, FindingState.Open, false)]
    public void Decide_TruthTable(string kind, string version, string? acceptedKind, string? acceptedVersion, int? expiresInDays, FindingState expected, bool expired)
    {
        var finding = new Finding(kind, version.Length == 0 ? null : version, "m");
        IReadOnlyList<FindingAcceptance> acceptances = acceptedKind is null ? [] : [Accept(acceptedKind, acceptedVersion!, expiresInDays)];

        var decision = FindingTriage.Decide([finding], acceptances, Now);

        var triaged = Assert.Single(decision.Findings);
        Assert.Equal(expected, triaged.State);
        Assert.Equal(expected == FindingState.Accepted, triaged.Acceptance is not null);
        Assert.Equal(expired, decision.Expired.Count == 1);
    }

    public static TheoryData<string, VersionEvidence[], FindingAcceptance[], ComplianceStatus, int, int> StatusCases => new()
    {
        // A trust downgrade on the latest version, accepted: compliant with one accepted finding and no open one.
        { "downgrade accepted", [V("1.0.0", 1, PublishMethod.TrustedPublisher), V("2.0.0", 2, PublishMethod.Token)], [Accept("trust-downgrade", "2.0.0")], ComplianceStatus.Compliant, 0, 1 },
        { "downgrade open", [V("1.0.0", 1, PublishMethod.TrustedPublisher), V("2.0.0", 2, PublishMethod.Token)], [], ComplianceStatus.NonCompliant, 1, 0 },
        // The acceptance of 2.0.0 does not cover the downgrade of the later 3.0.0.
        { "later version not covered", [V("1.0.0", 1, PublishMethod.TrustedPublisher), V("2.0.0", 2, PublishMethod.Token), V("3.0.0", 3, PublishMethod.Token)],
            [Accept("trust-downgrade", "2.0.0")], ComplianceStatus.NonCompliant, 1, 1 },
        { "expired acceptance", [V("1.0.0", 1, PublishMethod.TrustedPublisher), V("2.0.0", 2, PublishMethod.Token)], [Accept("trust-downgrade", "2.0.0", -1)], ComplianceStatus.NonCompliant, 1, 0 },
        { "other kind accepted", [V("1.0.0", 1, PublishMethod.TrustedPublisher), V("2.0.0", 2, PublishMethod.Token)], [Accept("publisher-drift", "2.0.0")], ComplianceStatus.NonCompliant, 1, 0 },
        // An intended workflow rename: drift accepted, the latest is trusted.
        { "drift accepted", [V("1.0.0", 1, PublishMethod.TrustedPublisher), V("1.1.0", 2, PublishMethod.TrustedPublisher, workflow: ".github/workflows/publish.yml")],
            [Accept("publisher-drift", "1.1.0")], ComplianceStatus.Compliant, 0, 1 },
        { "drift open", [V("1.0.0", 1, PublishMethod.TrustedPublisher), V("1.1.0", 2, PublishMethod.TrustedPublisher, workflow: ".github/workflows/publish.yml")],
            [], ComplianceStatus.NonCompliant, 1, 0 },
        { "never trusted accepted", [V("1.0.0", 1, PublishMethod.Token), V("1.1.0", 2, PublishMethod.Token)], [Accept("never-trusted", "1.1.0")], ComplianceStatus.Compliant, 0, 1 },
        { "never trusted, a new token version", [V("1.0.0", 1, PublishMethod.Token), V("1.1.0", 2, PublishMethod.Token), V("1.2.0", 3, PublishMethod.Token)],
            [Accept("never-trusted", "1.1.0")], ComplianceStatus.NonCompliant, 1, 0 },
        // A token-published latest version with no accepted finding that says so stays non-compliant, whatever else is accepted.
        { "trusted latest, nothing to accept", [V("1.0.0", 1, PublishMethod.TrustedPublisher)], [], ComplianceStatus.Compliant, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(StatusCases))]
    public void Evaluate_UnderAcceptances_TruthTable(string name, VersionEvidence[] versions, FindingAcceptance[] acceptances, ComplianceStatus status, int open, int accepted)
    {
        var evaluation = EvidenceRules.Evaluate(new PackageHistory(Pkg, null, versions), acceptances, Now);

        Assert.True(status == evaluation.Status, $"{name}: {evaluation.Status}");
        Assert.Equal(open, evaluation.OpenFindings.Count);
        Assert.Equal(accepted, evaluation.AcceptedCount);
        var summary = PackageSummary.From(new PackageHistory(Pkg, null, versions), evaluation);
        Assert.Equal((open, accepted), (summary.FindingCount, summary.AcceptedCount));
    }

    [Fact]
    public void Evaluate_ExpiredAcceptance_IsReportedForTheRecord()
    {
        var expired = Accept("trust-downgrade", "2.0.0", -1, id: 7);

        var history = new PackageHistory(Pkg, null, [V("1.0.0", 1, PublishMethod.TrustedPublisher), V("2.0.0", 2, PublishMethod.Token)]);

        var evaluation = EvidenceRules.Evaluate(history, [expired], Now);

        Assert.Equal(7, Assert.Single(evaluation.ExpiredAcceptances).Id);
        Assert.True(PackageSummary.From(history, evaluation).HasDowngrade);
    }

    // methods in publish order → the never-trusted finding's version, or null when it must not fire
    [Theory]
    [InlineData("token", "1.0.0")]
    [InlineData("token,token-with-provenance", "1.1.0")]
    [InlineData("token,unknown", "1.0.0")]
    [InlineData("unknown,token", "1.1.0")]
    [InlineData("unknown,unknown", null)]
    [InlineData("token,trusted-publisher", null)]
    [InlineData("trusted-publisher,token", null)]
    [InlineData("staged,token", null)]
    public void NeverTrusted_TruthTable(string methods, string? expectedVersion)
    {
        var versions = methods.Split(',').Select((m, i) => V($"1.{i}.0", i + 1, PublishMethods.Parse(m))).ToArray();

        var finding = EvidenceRules.Evaluate(new PackageHistory(Pkg, null, versions)).Findings.SingleOrDefault(f => f.Kind == FindingKinds.NeverTrusted);

        Assert.Equal(expectedVersion, finding?.Version);
        if (finding is not null) Assert.Contains("No version was published with trusted publishing", finding.Message);
    }

    [Fact]
    public void NeverTrusted_AllUnknown_IsNoEvidenceInstead()
    {
        var kinds = EvidenceRules.Evaluate(new PackageHistory(Pkg, null, [V("1.0.0", 1, PublishMethod.Unknown)])).Findings.Select(f => f.Kind);

        Assert.Equal([FindingKinds.NoEvidence], kinds);
    }

    [Fact]
    public void NeverTrusted_TokenOnlyPackage_IsNonCompliantAndExplainsItself()
    {
        var evaluation = EvidenceRules.Evaluate(new PackageHistory(Pkg, null, [V("1.0.0", 1, PublishMethod.Token)]));

        Assert.Equal(ComplianceStatus.NonCompliant, evaluation.Status);
        Assert.Equal(FindingKinds.NeverTrusted, Assert.Single(evaluation.Findings).Kind);
    }
}

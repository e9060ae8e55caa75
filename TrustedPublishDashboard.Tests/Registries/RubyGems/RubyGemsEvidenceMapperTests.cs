using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Registries.RubyGems;
using static TrustedPublishDashboard.Tests.Registries.RubyGems.RubyGemsDocs;

namespace TrustedPublishDashboard.Tests.Registries.RubyGems;

public sealed class RubyGemsEvidenceMapperTests
{
    private static readonly RubyGemsPlatformGem Plain = new("1.0.0", "ruby", T0, false, true);

    private static RubyGemsAttestationReading AttestedBy(FulcioBuild build) => RubyGemsAttestationParser.Parse(Attested(build));

    private static RubyGemsAttestationReading Empty => RubyGemsAttestationParser.Parse("[]"u8.ToArray());

    private static RubyGemsPushedBy PageSays(string? pushedBy) => RubyGemsVersionPageParser.Parse(Page(pushedBy));

    public static TheoryData<string, PublishMethod, bool, string?> GemTruthTable => new()
    {
        // attestations                  page                      ⇒ method                          provenance  pushed by
        { "attested/profile",            PublishMethod.TrustedPublisher, true,  null },
        { "attested/none",               PublishMethod.TrustedPublisher, true,  null },
        { "empty/profile",               PublishMethod.Token,            false, "alice" },
        { "empty/trusted",               PublishMethod.TrustedPublisher, false, null },
        { "empty/absent",                PublishMethod.Unknown,          false, null },
        { "empty/none",                  PublishMethod.Unknown,          false, null },
        { "404/profile",                 PublishMethod.Token,            false, "alice" },
        { "404/trusted",                 PublishMethod.TrustedPublisher, false, null },
        { "404/absent",                  PublishMethod.Unknown,          false, null },
        { "undecodable/profile",         PublishMethod.Unknown,          true,  null },
        { "undecodable/trusted",         PublishMethod.Unknown,          true,  null },
        { "broken-document/none",        PublishMethod.Unknown,          false, null },
    };

    private static RubyGemsGemDocuments Documents(string scenario)
    {
        var (attestations, page) = (scenario.Split('/')[0], scenario.Split('/')[1]);
        RubyGemsAttestationReading? a = attestations switch
        {
            "attested" => AttestedBy(new FulcioBuild()),
            "empty" => Empty,
            "404" => null,
            "undecodable" => RubyGemsAttestationParser.Parse(Attestations(Bundle(Convert.ToBase64String("not a certificate"u8.ToArray())))),
            _ => RubyGemsAttestationParser.Parse("[{\"verif"u8.ToArray()),
        };
        RubyGemsPushedBy? p = page switch
        {
            "profile" => PageSays(Profile("alice")),
            "trusted" => PageSays(TrustedPublisher("GitHub Actions")),
            "absent" => PageSays(null),
            _ => null,
        };
        return new(a, p);
    }

    [Theory]
    [MemberData(nameof(GemTruthTable))]
    public void MapGem_TruthTable(string scenario, PublishMethod method, bool provenance, string? pushedBy)
    {
        var gem = RubyGemsEvidenceMapper.MapGem(Plain, Documents(scenario));
        Assert.Equal(method, gem.Method);
        Assert.Equal(provenance, gem.Provenance);
        Assert.Equal(pushedBy, gem.PushedBy);
        Assert.True(gem.MfaRequired);
        var errorExpected = scenario.StartsWith("undecodable", StringComparison.Ordinal) || scenario.StartsWith("broken", StringComparison.Ordinal);
        Assert.Equal(errorExpected, gem.EvidenceError is not null);
    }

    [Theory]
    [InlineData("attested", false)]
    [InlineData("undecodable", false)]
    [InlineData("empty", true)]
    [InlineData("404", true)]
    [InlineData("broken-document", true)]
    public void NeedsVersionPage_OnlyWithoutAnAttestation(string attestations, bool expected) =>
        Assert.Equal(expected, RubyGemsEvidenceMapper.NeedsVersionPage(Documents(attestations + "/none").Attestations));

    [Fact]
    public void MapGem_Attested_CarriesTheCertificatesIdentity()
    {
        var gem = RubyGemsEvidenceMapper.MapGem(Plain, new(AttestedBy(new FulcioBuild(Repository: "acme/gadgets")), null));
        Assert.Equal("acme/gadgets", gem.Publisher!.Repository);
        Assert.Equal(".github/workflows/release.yml", gem.Publisher.Workflow);
    }

    [Fact]
    public void MapGem_PageSaysTrustedPublisher_KeepsTheTitleWithoutProvenance()
    {
        var gem = RubyGemsEvidenceMapper.MapGem(Plain, new(Empty, PageSays(TrustedPublisher("acme/widgets release.yml"))));
        Assert.Equal(PublishMethod.TrustedPublisher, gem.Method);
        Assert.False(gem.Provenance);
        Assert.Null(gem.Publisher);
        Assert.Equal("acme/widgets release.yml", gem.Page!.TrustedPublisher);
    }

    private static RubyGemsVersion Version(string number, int day, params string[] platforms) =>
        new(number, platforms.Select(p => new RubyGemsPlatformGem(number, p, T0.AddDays(day), false, null)).ToList());

    [Fact]
    public void MapVersion_OnePlatformPushedWithAToken_IsATokenVersion()
    {
        var version = Version("2.0.0", 1, "ruby", "x86_64-linux", "java");
        var evidence = RubyGemsEvidenceMapper.MapVersion(version, new Dictionary<string, RubyGemsGemDocuments>
        {
            ["ruby"] = new(AttestedBy(new FulcioBuild()), null),
            ["x86_64-linux"] = new(AttestedBy(new FulcioBuild()), null),
            ["java"] = new(Empty, PageSays(Profile("mallory"))),
        });

        Assert.Equal(PublishMethod.Token, evidence.Method);
        Assert.False(evidence.Provenance);
        Assert.Equal("mallory", evidence.PushedBy);
        Assert.Null(evidence.Publisher);
        Assert.Equal(3, evidence.Gems.Count);
        Assert.Equal(PublishMethod.TrustedPublisher, evidence.Gems.Single(g => g.Platform == "ruby").Method);
    }

    [Fact]
    public void MapVersion_AllPlatformsAttested_IsTrustedWithProvenanceAndThePlainGemsIdentity()
    {
        var evidence = RubyGemsEvidenceMapper.MapVersion(Version("2.0.0", 1, "x86_64-linux", "ruby"), new Dictionary<string, RubyGemsGemDocuments>
        {
            ["ruby"] = new(AttestedBy(new FulcioBuild(Workflow: ".github/workflows/plain.yml")), null),
            ["x86_64-linux"] = new(AttestedBy(new FulcioBuild(Workflow: ".github/workflows/native.yml")), null),
        });
        Assert.Equal(PublishMethod.TrustedPublisher, evidence.Method);
        Assert.True(evidence.Provenance);
        Assert.Equal(".github/workflows/plain.yml", evidence.Publisher!.Workflow);
    }

    [Fact]
    public void MapVersion_UnknownPlatformBesideTrustedOnes_IsTrustedWithoutProvenance()
    {
        var evidence = RubyGemsEvidenceMapper.MapVersion(Version("2.0.0", 1, "ruby", "java"), new Dictionary<string, RubyGemsGemDocuments>
        {
            ["ruby"] = new(AttestedBy(new FulcioBuild()), null),
            // "java": nothing fetched
        });
        Assert.Equal(PublishMethod.TrustedPublisher, evidence.Method);
        Assert.False(evidence.Provenance);
    }

    [Fact]
    public void MapVersion_NothingKnown_IsUnknownWithThePlatformsErrors()
    {
        var evidence = RubyGemsEvidenceMapper.MapVersion(Version("2.0.0", 1, "ruby", "java"), new Dictionary<string, RubyGemsGemDocuments>
        {
            ["ruby"] = Documents("empty/absent"),
            ["java"] = Documents("undecodable/none"),
        });
        Assert.Equal(PublishMethod.Unknown, evidence.Method);
        Assert.StartsWith("java gem: Sigstore bundle 1", evidence.EvidenceError);
    }

    private static RubyGemsVersionEvidence Release(string number, int day, RubyGemsGemDocuments documents) =>
        RubyGemsEvidenceMapper.MapVersion(Version(number, day, "ruby"), new Dictionary<string, RubyGemsGemDocuments> { ["ruby"] = documents });

    private static PackageEvaluation Evaluate(params RubyGemsVersionEvidence[] versions) =>
        EvidenceRules.Evaluate(RubyGemsEvidenceMapper.ToHistory(new PackageId(Registry.RubyGems, "widgets"), versions[^1].Number, versions));

    [Fact]
    public void Evaluate_AllAttested_IsCompliantWithoutFindings()
    {
        var evaluation = Evaluate(Release("1.0.0", 1, new(AttestedBy(new FulcioBuild()), null)), Release("1.1.0", 2, new(AttestedBy(new FulcioBuild()), null)));
        Assert.Equal(ComplianceStatus.Compliant, evaluation.Status);
        Assert.Empty(evaluation.Findings);
    }

    [Fact]
    public void Evaluate_AttestedThenRepositoryChange_IsPublisherDrift()
    {
        var evaluation = Evaluate(
            Release("1.0.0", 1, new(AttestedBy(new FulcioBuild(Repository: "acme/widgets")), null)),
            Release("1.1.0", 2, new(AttestedBy(new FulcioBuild(Repository: "mallory/widgets")), null)));
        var finding = Assert.Single(evaluation.Findings);
        Assert.Equal(FindingKinds.PublisherDrift, finding.Kind);
        Assert.Equal("1.1.0", finding.Version);
        Assert.Contains("acme/widgets → mallory/widgets", finding.Message);
        Assert.Equal(ComplianceStatus.NonCompliant, evaluation.Status);
    }

    [Fact]
    public void Evaluate_RepositoryChangeAcrossAPageOnlyTrustedVersion_IsStillPublisherDrift()
    {
        var evaluation = Evaluate(
            Release("1.0.0", 1, new(AttestedBy(new FulcioBuild(Repository: "acme/widgets")), null)),
            Release("1.1.0", 2, new(Empty, PageSays(TrustedPublisher("GitHub Actions")))),
            Release("1.2.0", 3, new(AttestedBy(new FulcioBuild(Repository: "mallory/widgets")), null)));
        var finding = Assert.Single(evaluation.Findings);
        Assert.Equal(FindingKinds.PublisherDrift, finding.Kind);
        Assert.Equal("1.2.0", finding.Version);
    }

    [Fact]
    public void Evaluate_AttestedThenToken_IsTrustDowngradeByTheUser()
    {
        var evaluation = Evaluate(
            Release("1.0.0", 1, new(AttestedBy(new FulcioBuild()), null)),
            Release("1.1.0", 2, new(Empty, PageSays(Profile("mallory")))));
        var finding = Assert.Single(evaluation.Findings, f => f.Kind == FindingKinds.TrustDowngrade);
        Assert.Equal("1.1.0", finding.Version);
        Assert.Contains("by mallory", finding.Message);
        Assert.Equal(ComplianceStatus.NonCompliant, evaluation.Status);
    }

    [Fact]
    public void Evaluate_AttestedThenEmptyWithoutPageVerdict_IsNotADowngrade()
    {
        var evaluation = Evaluate(
            Release("1.0.0", 1, new(AttestedBy(new FulcioBuild()), null)),
            Release("1.1.0", 2, new(Empty, PageSays(null))));
        Assert.DoesNotContain(evaluation.Findings, f => f.Kind == FindingKinds.TrustDowngrade);
        Assert.Equal(ComplianceStatus.Unknown, evaluation.Status);
    }

    [Fact]
    public void Evaluate_CertificateThatDoesNotParse_IsAnEvidenceErrorNotAToken()
    {
        var evaluation = Evaluate(
            Release("1.0.0", 1, new(AttestedBy(new FulcioBuild()), null)),
            Release("1.1.0", 2, Documents("undecodable/profile")));
        var finding = Assert.Single(evaluation.Findings);
        Assert.Equal(FindingKinds.EvidenceError, finding.Kind);
        Assert.Contains("does not parse", finding.Message);
        Assert.Equal(PublishMethod.Unknown, evaluation.LatestMethod);
    }

    [Fact]
    public void ToVersionEvidence_PublishedAtIsTheFirstCreatedAt()
    {
        var version = new RubyGemsVersion("3.0.0", [new("3.0.0", "java", T0.AddDays(3), false, null), new("3.0.0", "ruby", T0.AddDays(2), false, null)]);
        var evidence = RubyGemsEvidenceMapper.ToVersionEvidence(RubyGemsEvidenceMapper.MapVersion(version, new Dictionary<string, RubyGemsGemDocuments>()));
        Assert.Equal(T0.AddDays(2), evidence.PublishedAt);
        Assert.Equal("3.0.0", evidence.Version);
    }
}

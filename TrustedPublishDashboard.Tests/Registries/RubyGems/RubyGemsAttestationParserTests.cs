using System.Security.Cryptography.X509Certificates;
using System.Text;
using TrustedPublishDashboard.Registries.RubyGems;
using static TrustedPublishDashboard.Tests.Registries.RubyGems.RubyGemsDocs;

namespace TrustedPublishDashboard.Tests.Registries.RubyGems;

public sealed class RubyGemsAttestationParserTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Parse_FulcioCertificate_ReadsTheWorkflowIdentity(bool v02Chain)
    {
        var build = new FulcioBuild(Trigger: "release");
        var reading = RubyGemsAttestationParser.Parse(Attested(build, v02Chain));

        Assert.True(reading.Attested);
        Assert.Null(reading.Error);
        var id = reading.Identity!;
        Assert.Equal("github", id.Provider);
        Assert.Equal("acme/widgets", id.Repository);
        Assert.Equal(".github/workflows/release.yml", id.Workflow);
        Assert.Equal("refs/tags/v1.0.0", id.Ref);
        Assert.Equal("release", id.Trigger);
        Assert.Equal(build.Commit, id.Commit);
        Assert.Equal(build.RunUri, id.Invocation);
        Assert.Equal("github-hosted", id.Runner);
        Assert.Null(id.Environment);
    }

    [Fact]
    public void Parse_DeprecatedExtensionsOnly_FallsBackToThemAndTheSan()
    {
        var build = new FulcioBuild(Repository: "old/gem", Workflow: ".github/workflows/push.yaml", Ref: "refs/heads/main",
            Trigger: "workflow_dispatch", Commit: "fedcba9876543210fedcba9876543210fedcba98", DeprecatedOnly: true);
        var id = RubyGemsAttestationParser.Parse(Attested(build)).Identity!;

        Assert.Equal("github", id.Provider);
        Assert.Equal("old/gem", id.Repository);
        Assert.Equal(".github/workflows/push.yaml", id.Workflow);
        Assert.Equal("refs/heads/main", id.Ref);
        Assert.Equal("workflow_dispatch", id.Trigger);
        Assert.Equal("fedcba9876543210fedcba9876543210fedcba98", id.Commit);
        Assert.Null(id.Invocation);
    }

    [Fact]
    public void Parse_SanOnly_ReadsRepositoryWorkflowAndRefFromIt()
    {
        var build = new FulcioBuild(Repository: "solo/gem", Ref: "refs/tags/v2");
        var der = build.Certificate(withFulcioExtensions: false);
        var id = RubyGemsAttestationParser.Parse(Attestations(Bundle(Convert.ToBase64String(der)))).Identity!;

        Assert.Equal("github", id.Provider);
        Assert.Equal("solo/gem", id.Repository);
        Assert.Equal(".github/workflows/release.yml", id.Workflow);
        Assert.Equal("refs/tags/v2", id.Ref);
        Assert.Null(id.Trigger);
    }

    [Fact]
    public void Parse_ReusableWorkflow_WorkflowIsTheCallersLikeNpmProvenance()
    {
        var build = new FulcioBuild(Workflow: ".github/workflows/shared-release.yml", CallerWorkflow: ".github/workflows/release.yml");
        var id = RubyGemsAttestationParser.Parse(Attested(build)).Identity!;
        Assert.Equal(".github/workflows/release.yml", id.Workflow);
    }

    [Fact]
    public void Parse_EmptyArray_IsNoAttestationAndNoError()
    {
        var reading = RubyGemsAttestationParser.Parse("[]"u8.ToArray());
        Assert.False(reading.Attested);
        Assert.Null(reading.Identity);
        Assert.Null(reading.Error);
    }

    public static TheoryData<string, string> UndecodableCertificates => new()
    {
        { Convert.ToBase64String(Encoding.ASCII.GetBytes("this is not DER at all")), "does not parse as an X.509 certificate" },
        { Convert.ToBase64String([0x30, 0x82, 0x01]), "does not parse as an X.509 certificate" },
        { "%%% not base64 %%%", "not valid base64" },
        { "", "carries no certificate" },
    };

    [Theory]
    [MemberData(nameof(UndecodableCertificates))]
    public void Parse_CertificateThatDoesNotDecode_IsAnErrorNeverAnIdentity(string rawBytes, string error)
    {
        var reading = RubyGemsAttestationParser.Parse(Attestations(Bundle(rawBytes)));
        Assert.True(reading.Attested);
        Assert.Null(reading.Identity);
        Assert.Contains(error, reading.Error);
    }

    [Fact]
    public void Parse_BundleWithoutCertificate_IsAnError()
    {
        var reading = RubyGemsAttestationParser.Parse(Attestations(Bundle(null)));
        Assert.True(reading.Attested);
        Assert.Contains("carries no certificate", reading.Error);
    }

    [Fact]
    public void Parse_SecondBundleUndecodable_IsAnError()
    {
        var good = Convert.ToBase64String(new FulcioBuild().Certificate());
        var reading = RubyGemsAttestationParser.Parse(Attestations(Bundle(good), Bundle("AAAA")));
        Assert.Null(reading.Identity);
        Assert.Contains("bundle 2", reading.Error);
    }

    [Fact]
    public void Parse_CertificateWithoutWorkflowIdentity_IsAnError()
    {
        var der = new FulcioBuild().Certificate(withSan: false, withFulcioExtensions: false);
        var reading = RubyGemsAttestationParser.Parse(Attestations(Bundle(Convert.ToBase64String(der))));
        Assert.Null(reading.Identity);
        Assert.Contains("names no workflow", reading.Error);
    }

    [Fact]
    public void Parse_FulcioExtensionNotDerUtf8_IsAnError()
    {
        // .12 must be a DER UTF8String; the raw string is the deprecated encoding and does not decode here.
        var broken = new X509Extension("1.3.6.1.4.1.57264.1.12", Encoding.UTF8.GetBytes("https://github.com/acme/widgets"), false);
        var der = new FulcioBuild(DeprecatedOnly: true).Certificate(extra: [broken]);
        var reading = RubyGemsAttestationParser.Parse(Attestations(Bundle(Convert.ToBase64String(der))));
        Assert.Null(reading.Identity);
        Assert.Contains("does not decode", reading.Error);
    }

    [Theory]
    [InlineData("[{\"verificationMaterial\":{\"certificate\":{\"rawBytes\":\"MII", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"attestations\":[]}", "not a JSON array")]
    [InlineData("null", "not a JSON array")]
    public void Parse_BrokenDocument_IsAnErrorValueNotAttested(string json, string error)
    {
        var reading = RubyGemsAttestationParser.Parse(Encoding.UTF8.GetBytes(json));
        Assert.False(reading.Attested);
        Assert.Contains(error, reading.Error);
    }

    [Fact]
    public void Parse_HostileDocuments_AreErrorValues()
    {
        var deep = RubyGemsAttestationParser.Parse(Encoding.ASCII.GetBytes(new string('[', 2000) + new string(']', 2000)));
        Assert.Contains("not valid JSON", deep.Error);
        var huge = RubyGemsAttestationParser.Parse(new byte[RubyGemsAttestationParser.MaxBytes + 1]);
        Assert.Contains("larger than", huge.Error);
    }
}

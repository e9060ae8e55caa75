using System.Text;
using TrustedPublishDashboard.Registries.Npm;

namespace TrustedPublishDashboard.Tests.Registries.Npm;

public sealed class NpmAttestationParserTests
{
    private static AttestationReading Read(string json) => NpmAttestationParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_GitHubSlsaV1_ReadsRepositoryWorkflowRefCommitTriggerRunner()
    {
        var reading = Read(PackumentBuilder.Attestations("pkg", "1.0.0", new Provenance("acme/widgets", ".github/workflows/release.yml", "refs/tags/v1.0.0", "release")));
        Assert.Null(reading.Error);
        var id = reading.Identity!;
        Assert.Equal("github", id.Provider);
        Assert.Equal("acme/widgets", id.Repository);
        Assert.Equal(".github/workflows/release.yml", id.Workflow);
        Assert.Equal("refs/tags/v1.0.0", id.Ref);
        Assert.Equal("release", id.Trigger);
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", id.Commit);
        Assert.Equal("https://github.com/actions/runner/github-hosted", id.Runner);
        Assert.Equal("https://github.com/acme/widgets/actions/runs/1/attempts/1", id.Invocation);
    }

    [Fact]
    public void Parse_GitLabSlsaV02_ReadsTheInvocation()
    {
        var reading = Read(PackumentBuilder.Attestations("pkg", "1.0.0", new Provenance("group/sub/project", ".gitlab-ci.yml", "main", "push", GitLab: true)));
        Assert.Null(reading.Error);
        var id = reading.Identity!;
        Assert.Equal("gitlab", id.Provider);
        Assert.Equal("group/sub/project", id.Repository);
        Assert.Equal(".gitlab-ci.yml", id.Workflow);
        Assert.Equal("main", id.Ref);
        Assert.Equal("push", id.Trigger);
        Assert.Equal("https://gitlab.com/group/sub/project/-/runners/12345", id.Runner);
    }

    [Theory]
    [InlineData("%%% not base64 %%%", "not valid base64")]
    [InlineData("bm90IGpzb24=", "not a JSON in-toto statement")]
    public void Parse_UndecodablePayload_IsAnErrorNotAnIdentity(string payload, string error)
    {
        var reading = Read(PackumentBuilder.Attestations("pkg", "1.0.0", new Provenance(RawPayload: payload)));
        Assert.Null(reading.Identity);
        Assert.Contains(error, reading.Error);
    }

    [Theory]
    [InlineData("{\"attestations\":[]}", null)]
    [InlineData("{\"attestations\":[{\"predicateType\":\"https://github.com/npm/attestation/tree/main/specs/publish/v0.1\",\"bundle\":{}}]}", null)]
    [InlineData("[1,2", "not valid JSON")]
    [InlineData("{\"nothing\":1}", "no 'attestations' array")]
    public void Parse_NoProvenanceOrBrokenDocument(string json, string? error)
    {
        var reading = Read(json);
        Assert.Null(reading.Identity);
        if (error is null) Assert.Null(reading.Error); else Assert.Contains(error, reading.Error);
    }

    [Theory]
    [InlineData("https://github.com/o/r", "o/r")]
    [InlineData("git+https://github.com/o/r.git", "o/r")]
    [InlineData("git+https://gitlab.com/g/sub/p@refs/heads/main", "g/sub/p")]
    [InlineData(null, null)]
    public void RepositoryPath_Normalises(string? url, string? expected) => Assert.Equal(expected, NpmAttestationParser.RepositoryPath(url));
}

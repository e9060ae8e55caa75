using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Registries.PyPI;
using static TrustedPublishDashboard.Tests.Registries.PyPI.PyPIFixtures;

namespace TrustedPublishDashboard.Tests.Registries.PyPI;

public sealed class PyPIProvenanceParserTests
{
    private static PublisherIdentity Identity(string json)
    {
        var reading = PyPIProvenanceParser.Parse(Bytes(json));
        Assert.Equal(PyPIProvenanceStatus.Present, reading.Status);
        Assert.Null(reading.Error);
        return reading.Publisher!.ToIdentity();
    }

    [Fact]
    public void Parse_GitHubPublisher_GivesRepositoryWorkflowFileAndEnvironment()
    {
        var id = Identity(Provenance(GitHub("acme/widgets", "release.yml", "pypi")));
        Assert.Equal(new PublisherIdentity("github", "acme/widgets", "release.yml", Environment: "pypi"), id);
    }

    [Fact]
    public void Parse_GitLabPublisher_GivesNamespaceProjectAndWorkflowFilepath()
    {
        var id = Identity(Provenance(GitLab("group/sub/project", "ci/release.gitlab-ci.yml", "production")));
        Assert.Equal(new PublisherIdentity("gitlab", "group/sub/project", "ci/release.gitlab-ci.yml", Environment: "production"), id);
    }

    [Fact]
    public void Parse_GooglePublisher_GivesTheServiceAccountAsItsIdentity()
    {
        var reading = PyPIProvenanceParser.Parse(Bytes(Provenance(Google("release@acme-ci.iam.gserviceaccount.com"))));
        Assert.Equal(new PyPIPublisher("Google", null, null, "release@acme-ci.iam.gserviceaccount.com", null), reading.Publisher);
        Assert.Equal(new PublisherIdentity("google", ConfigId: "release@acme-ci.iam.gserviceaccount.com"), reading.Publisher!.ToIdentity());
    }

    [Fact]
    public void Parse_OtherKind_IsKeptAsItsLowerCaseProvider()
    {
        var id = Identity(Provenance(new Dictionary<string, object?> { ["kind"] = "ActiveState", ["repository"] = "org/project", ["workflow"] = "build" }));
        Assert.Equal(new PublisherIdentity("activestate", "org/project", "build"), id);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Parse_EmptyOrNullEnvironment_IsNone(string? environment)
    {
        var publisher = GitHub("acme/widgets", "release.yml");
        publisher["environment"] = environment;
        Assert.Null(Identity(Provenance(publisher)).Environment);
        publisher.Remove("environment");
        Assert.Null(Identity(Provenance(publisher)).Environment);
    }

    [Fact]
    public void Parse_SpellingOfKind_DoesNotMatter()
    {
        var publisher = GitHub("acme/widgets", "release.yml");
        publisher["kind"] = "github";
        Assert.Equal("github", Identity(Provenance(publisher)).Provider);
        Assert.Equal("release.yml", Identity(Provenance(publisher)).Workflow);
    }

    [Fact]
    public void Parse_BundlesFromTwoPublishers_KeepsBoth()
    {
        var reading = PyPIProvenanceParser.Parse(Bytes(Provenance(GitHub("acme/widgets", "release.yml"), GitHub("acme/widgets", "release.yml"), GitHub("evil/fork", "release.yml"))));
        Assert.Equal(["acme/widgets", "evil/fork"], reading.Publishers.Select(p => p.Repository));
    }

    [Fact]
    public void ParseNotFound_PyPIsMessage_IsNone()
    {
        Assert.Equal(PyPIProvenanceReading.None, PyPIProvenanceParser.ParseNotFound(Bytes(NoProvenance("pkg-1.0.tar.gz"))));
    }

    [Theory]
    [InlineData("<html>Not Found</html>")]
    [InlineData("{\"message\":\"Not Found\"}")]
    [InlineData("{\"message\":7}")]
    [InlineData("")]
    public void ParseNotFound_AnyOther404_IsAnErrorNotNone(string body)
    {
        var reading = PyPIProvenanceParser.ParseNotFound(Bytes(body));
        Assert.Equal(PyPIProvenanceStatus.Error, reading.Status);
        Assert.Contains("404", reading.Error);
    }

    [Theory]
    [InlineData("", "is not valid JSON")]
    [InlineData("{\"version\":1,\"attestation_bundles\":[{\"publisher\":{\"kind\":\"GitHub\",\"repos", "is not valid JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"version\":2,\"attestation_bundles\":[]}", "version is not 1")]
    [InlineData("{\"version\":\"1\",\"attestation_bundles\":[]}", "version is not 1")]
    [InlineData("{\"version\":1}", "no 'attestation_bundles' array")]
    [InlineData("{\"version\":1,\"attestation_bundles\":{}}", "no 'attestation_bundles' array")]
    [InlineData("{\"version\":1,\"attestation_bundles\":[]}", "no attestation bundles")]
    [InlineData("{\"version\":1,\"attestation_bundles\":[7]}", "attestation_bundles[0] is a number")]
    [InlineData("{\"version\":1,\"attestation_bundles\":[{\"attestations\":[]}]}", "has no publisher object")]
    [InlineData("{\"version\":1,\"attestation_bundles\":[{\"publisher\":{\"kind\":\"GitHub\"}}]}", "has no 'attestations' array")]
    [InlineData("{\"version\":1,\"attestation_bundles\":[{\"publisher\":{\"repository\":\"a/b\"},\"attestations\":[]}]}", "has no kind")]
    [InlineData("{\"version\":1,\"attestation_bundles\":[{\"publisher\":{\"kind\":\"\"},\"attestations\":[]}]}", "has no kind")]
    [InlineData("{\"version\":1,\"attestation_bundles\":[{\"publisher\":{\"kind\":7},\"attestations\":[]}]}", "'kind' is a number")]
    [InlineData("{\"version\":1,\"attestation_bundles\":[{\"publisher\":{\"kind\":\"<script>\"},\"attestations\":[]}]}", "not a provider name")]
    [InlineData("{\"version\":1,\"attestation_bundles\":[{\"publisher\":{\"kind\":\"GitHub\",\"repository\":[\"a/b\"]},\"attestations\":[]}]}", "'repository' is an array")]
    [InlineData("{\"version\":1,\"attestation_bundles\":[{\"publisher\":{\"kind\":\"GitHub\",\"environment\":false},\"attestations\":[]}]}", "'environment' is a boolean")]
    public void Parse_MalformedDocument_IsAnErrorValue(string json, string error)
    {
        var reading = PyPIProvenanceParser.Parse(Bytes(json));
        Assert.Equal(PyPIProvenanceStatus.Error, reading.Status);
        Assert.Null(reading.Publisher);
        Assert.Contains(error, reading.Error);
    }

    [Fact]
    public void Parse_NotText_IsAnErrorValue()
    {
        var escaped = Provenance(GitHub("acme/widgets", "release.yml")).Replace("acme/widgets", "acme/\\ud800", StringComparison.Ordinal);
        Assert.Equal("the provenance document holds a string that is not valid text", PyPIProvenanceParser.Parse(Bytes(escaped)).Error);

        var bytes = Bytes(Provenance(GitHub("acme/widgets", "release.yml")));
        bytes[bytes.AsSpan().IndexOf("acme"u8)] = 0xFF;
        Assert.Equal("the provenance document is not UTF-8 text", PyPIProvenanceParser.Parse(bytes).Error);
        Assert.Equal(PyPIProvenanceStatus.Error, PyPIProvenanceParser.ParseNotFound(Bytes("{\"message\":\"\\ud800\"}")).Status);
    }

    [Fact]
    public void Parse_DeepOrHugeDocument_IsAnErrorValue()
    {
        var deep = "{\"version\":1,\"attestation_bundles\":[{\"publisher\":{\"kind\":\"GitHub\"},\"attestations\":" + new string('[', 10_000) + new string(']', 10_000) + "}]}";
        Assert.Contains("maximum configured depth of 32", PyPIProvenanceParser.Parse(Bytes(deep)).Error);

        var huge = Provenance(GitHub("acme/widgets", "release.yml")).Replace("\"version\":1", "\"version\":1,\"padding\":\"" + new string('x', 5 << 20) + "\"", StringComparison.Ordinal);
        Assert.Contains("larger than", PyPIProvenanceParser.Parse(Bytes(huge)).Error);
    }
}

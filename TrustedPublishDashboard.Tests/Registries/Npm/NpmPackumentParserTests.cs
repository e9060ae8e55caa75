using System.Text;
using System.Text.Json;
using TrustedPublishDashboard.Registries;
using TrustedPublishDashboard.Registries.Npm;

namespace TrustedPublishDashboard.Tests.Registries.Npm;

public sealed class NpmPackumentParserTests
{
    private static readonly Uri Registry = new("http://127.0.0.1:1/");

    /// <summary>Hands out at most <paramref name="chunk"/> bytes per read, to exercise every buffer boundary.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }

    private static Task<NpmPackument> Parse(string json, int chunk = 1 << 20, long max = long.MaxValue) =>
        NpmPackumentParser.ParseAsync(new TrickleStream(Encoding.UTF8.GetBytes(json), chunk), max, default);

    private static PackumentBuilder Mixed() => new PackumentBuilder("@acme/widgets")
        .Add("0.0.0", 0, new Publish.Token("alice"))
        .Add("1.0.0", 1, new Publish.Trusted("oidc:11111111-1111-1111-1111-111111111111"), new Provenance())
        .Add("1.1.0", 2, new Publish.Staged("bob"))
        .Add("1.2.0", 3, new Publish.Token("carol"), new Provenance())
        .Add("1.3.0", 4, new Publish.Stripped())
        .Add("1.4.0", 5, new Publish.Flattened("dave"))
        .Latest("1.2.0")
        .Filler(3000);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public async Task ParseAsync_KeepsOnlyEvidenceFields_WhateverTheChunking(int chunk)
    {
        var p = await Parse(Mixed().BuildPackument(Registry), chunk);

        Assert.Equal("@acme/widgets", p.Name);
        Assert.Equal("1.2.0", p.DistTags["latest"]);
        Assert.Equal(6, p.Versions.Count);
        Assert.Equal("2026-01-02T00:00:00.000Z", p.Time["1.0.0"]);
        Assert.Equal("alice", Assert.Single(p.Maintainers).Name);

        var trusted = p.Versions["1.0.0"];
        Assert.Equal(NpmUserShape.Object, trusted.UserShape);
        Assert.True(trusted.User!.HasTrustedPublisher);
        Assert.Equal("github", trusted.User.TrustedPublisherId);
        Assert.Equal("oidc:11111111-1111-1111-1111-111111111111", trusted.User.OidcConfigId);
        Assert.True(trusted.HasAttestations);
        Assert.Equal("https://slsa.dev/provenance/v1", trusted.ProvenancePredicateType);
        Assert.EndsWith("/-/npm/v1/attestations/@acme%2fwidgets@1.0.0", trusted.AttestationsUrl);

        Assert.Equal("bob", p.Versions["1.1.0"].User!.ApproverName);
        Assert.False(p.Versions["1.1.0"].User!.HasTrustedPublisher);
        Assert.Equal("carol", p.Versions["1.2.0"].User!.Name);
        Assert.Null(p.Versions["1.2.0"].User!.ApproverName);
        Assert.Equal(NpmUserShape.Absent, p.Versions["1.3.0"].UserShape);
        Assert.Equal(NpmUserShape.Flattened, p.Versions["1.4.0"].UserShape);
        Assert.False(p.Versions["0.0.0"].HasAttestations);
    }

    [Fact]
    public async Task ParseAsync_EscapedNamesAndOddValues_AreHandled()
    {
        const string json = """
            {"name":"x","versions":{"1.0.0":{"\u005fnpmUser":{"name":"a\u00e9","trustedPublisher":{"id":"github","oidcConfigId":"oidc:1","future":[1,{"x":2}]}},"dist":{"attestations":null}},
             "2.0.0":"not an object","3.0.0":{"_npmUser":null,"dist":{"attestations":{"url":"u","provenance":{"predicateType":"https://slsa.dev/provenance/v1"}}}}},
             "time":{"1.0.0":"2026-01-01T00:00:00Z","unpublished":{"time":"x"}},"dist-tags":{"latest":"1.0.0","next":7}}
            """;
        var p = await Parse(json, chunk: 3);
        Assert.True(p.Versions["1.0.0"].User!.HasTrustedPublisher);
        Assert.Equal("aé", p.Versions["1.0.0"].User!.Name);
        Assert.False(p.Versions["1.0.0"].HasAttestations);
        Assert.False(p.Versions.ContainsKey("2.0.0"));
        Assert.Equal(NpmUserShape.Absent, p.Versions["3.0.0"].UserShape);
        Assert.True(p.Versions["3.0.0"].HasAttestations);
        Assert.False(p.Time.ContainsKey("unpublished"));
        Assert.False(p.DistTags.ContainsKey("next"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"name\":\"x\",\"versions\":{\"1.0.0\":{\"_npmUser\":{\"name\":\"a\"")]
    [InlineData("{\"name\":\"x\"} trailing")]
    [InlineData("{\"name\":\"x\",}")]
    public async Task ParseAsync_TruncatedOrMalformed_Throws(string json) =>
        await Assert.ThrowsAnyAsync<JsonException>(() => Parse(json, chunk: 5));

    [Fact]
    public async Task ParseAsync_LargerThanTheLimit_StopsReading()
    {
        var json = Mixed().Filler(100_000).BuildPackument(Registry);
        var ex = await Assert.ThrowsAsync<DocumentTooLargeException>(() => Parse(json, chunk: 65536, max: 200_000));
        Assert.Equal(200_000, ex.Limit);
    }

    [Fact]
    public async Task ParseAsync_HugeSkippedValue_DoesNotNeedToBeKept()
    {
        // A 20 MB readme per version streams past; only the evidence is kept.
        var builder = new PackumentBuilder("big").Add("1.0.0", 0, new Publish.Token("a")).Filler(20_000_000);
        var p = await Parse(builder.BuildPackument(Registry), chunk: 65536);
        Assert.Equal("a", p.Versions["1.0.0"].User!.Name);
    }

    [Fact]
    public async Task EvidenceMapper_StagedByATrustedPublisher_IsStagedAndKeepsTheTrustedPublishersIdentity()
    {
        // The documented shape (REGISTRY-FACTS, npm; real capture cookie@2.0.1): trustedPublisher kept, approver added.
        var builder = new PackumentBuilder("staged-tp")
            .Add("2.0.0", 1, new Publish.Staged("bob", "oidc:22222222-2222-2222-2222-222222222222"), new Provenance())
            .Add("2.0.1", 2, new Publish.Staged("bob", "oidc:22222222-2222-2222-2222-222222222222"));
        var p = await Parse(builder.BuildPackument(Registry));
        Assert.True(p.Versions["2.0.0"].User!.HasTrustedPublisher);
        Assert.Equal("bob", p.Versions["2.0.0"].User!.ApproverName);

        var fromProvenance = new TrustedPublishDashboard.Domain.PublisherIdentity("github", "acme/widgets", ".github/workflows/release.yml", "refs/tags/v1", null, "push");
        var history = NpmEvidenceMapper.ToHistory(new(TrustedPublishDashboard.Domain.Registry.Npm, "staged-tp"), p,
            new Dictionary<string, AttestationReading> { ["2.0.0"] = new(fromProvenance, null) });

        var withProvenance = history.Versions.Single(v => v.Version == "2.0.0");
        Assert.Equal(TrustedPublishDashboard.Domain.PublishMethod.Staged, withProvenance.Method);
        Assert.Equal(("github", "oidc:22222222-2222-2222-2222-222222222222", "acme/widgets", ".github/workflows/release.yml"),
            (withProvenance.Publisher!.Provider, withProvenance.Publisher.ConfigId, withProvenance.Publisher.Repository, withProvenance.Publisher.Workflow));
        Assert.Equal("bob", withProvenance.ApprovedBy);
        var withoutProvenance = history.Versions.Single(v => v.Version == "2.0.1");
        Assert.Equal(TrustedPublishDashboard.Domain.PublishMethod.Staged, withoutProvenance.Method);
        Assert.Equal(("github", "oidc:22222222-2222-2222-2222-222222222222"), (withoutProvenance.Publisher!.Provider, withoutProvenance.Publisher.ConfigId));
        Assert.Null(withoutProvenance.EvidenceError);
    }

    [Fact]
    public async Task EvidenceMapper_MapsFactsToMethods_AndFlattenedUserIsUnknown()
    {
        var p = await Parse(Mixed().BuildPackument(Registry));
        var history = NpmEvidenceMapper.ToHistory(new(TrustedPublishDashboard.Domain.Registry.Npm, "@acme/widgets"), p, new Dictionary<string, AttestationReading>());
        var methods = history.Versions.ToDictionary(v => v.Version, v => v.Method);
        Assert.Equal(TrustedPublishDashboard.Domain.PublishMethod.Token, methods["0.0.0"]);
        Assert.Equal(TrustedPublishDashboard.Domain.PublishMethod.TrustedPublisher, methods["1.0.0"]);
        Assert.Equal(TrustedPublishDashboard.Domain.PublishMethod.Staged, methods["1.1.0"]);
        Assert.Equal(TrustedPublishDashboard.Domain.PublishMethod.TokenWithProvenance, methods["1.2.0"]);
        Assert.Equal(TrustedPublishDashboard.Domain.PublishMethod.Unknown, methods["1.3.0"]);
        Assert.Equal(TrustedPublishDashboard.Domain.PublishMethod.Unknown, methods["1.4.0"]);
        var trusted = history.Versions.Single(v => v.Version == "1.0.0");
        Assert.Equal("oidc:11111111-1111-1111-1111-111111111111", trusted.Publisher!.ConfigId);
        Assert.Equal("github", trusted.Publisher.Provider);
        Assert.Equal("1.2.0", history.LatestTag);
    }
}

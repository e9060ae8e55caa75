using System.Text;
using System.Text.Json.Nodes;
using TrustedPublishDashboard.Registries.RubyGems;
using static TrustedPublishDashboard.Tests.Registries.RubyGems.RubyGemsDocs;

namespace TrustedPublishDashboard.Tests.Registries.RubyGems;

public sealed class RubyGemsVersionsParserTests
{
    [Fact]
    public void ParseVersions_PlatformGems_GroupedByNumberNewestFirst()
    {
        var reading = RubyGemsVersionsParser.ParseVersions(Versions(
            Version("2.0.0", 10, "x86_64-linux"), Version("2.0.0", 9), Version("2.0.0", 11, "arm64-darwin"),
            Version("1.0.0.rc1", 1, prerelease: true)));

        Assert.Null(reading.Error);
        Assert.Equal(0, reading.Ignored);
        Assert.Equal(["2.0.0", "1.0.0.rc1"], reading.Versions.Select(v => v.Number));
        var v2 = reading.Versions[0];
        Assert.Equal(["x86_64-linux", "ruby", "arm64-darwin"], v2.Gems.Select(g => g.Platform));
        Assert.Equal(T0.AddDays(9).AddHours(1), v2.CreatedAt);
        Assert.False(v2.Prerelease);
        Assert.True(reading.Versions[1].Prerelease);
        Assert.Equal("widgets-2.0.0-x86_64-linux", v2.Gems[0].FullName("widgets"));
        Assert.Equal("widgets-2.0.0", v2.Gems[1].FullName("widgets"));
        Assert.Equal("2.0.0-arm64-darwin", v2.Gems[2].PageSlug);
    }

    [Theory]
    [InlineData("\"true\"", true)]
    [InlineData("true", true)]
    [InlineData("\"false\"", false)]
    [InlineData("false", false)]
    [InlineData("\"yes\"", null)]
    [InlineData("1", null)]
    [InlineData("null", null)]
    public void ParseVersions_MfaRequired_BothSpellings(string json, bool? expected)
    {
        var entry = Version("1.0.0", 1);
        entry["metadata"]!["rubygems_mfa_required"] = JsonNode.Parse(json);
        var reading = RubyGemsVersionsParser.ParseVersions(Versions(entry));
        var gem = reading.Versions.Single().Gems.Single();
        Assert.Equal(expected, gem.MfaRequired);
    }

    [Fact]
    public void ParseVersions_NoMfaKey_IsNotStated()
    {
        var version = RubyGemsVersionsParser.ParseVersions(Versions(Version("1.0.0", 1))).Versions.Single();
        Assert.Null(version.MfaRequired);
    }

    [Theory]
    [InlineData("true", "true", true)]
    [InlineData("true", "false", false)]
    [InlineData("true", null, true)]
    [InlineData(null, null, null)]
    public void MfaRequired_PlatformsRollUp_AnyFalseIsFalse(string? plain, string? native, bool? expected)
    {
        var version = RubyGemsVersionsParser.ParseVersions(Versions(
            Version("1.0.0", 1, mfa: plain is null ? null : JsonValue.Create(plain)),
            Version("1.0.0", 1, "java", mfa: native is null ? null : JsonValue.Create(native)))).Versions.Single();
        Assert.Equal(expected, version.MfaRequired);
    }

    [Fact]
    public void ParseVersions_MissingOrEmptyPlatform_IsThePlainGem()
    {
        var a = Version("1.0.0", 1);
        a.Remove("platform");
        var b = Version("0.9.0", 0, platform: "");
        var reading = RubyGemsVersionsParser.ParseVersions(Versions(a, b));
        Assert.All(reading.Versions, v => Assert.Equal("ruby", v.Gems.Single().Platform));
    }

    [Fact]
    public void ParseVersions_HostileOrUnusableEntries_AreIgnoredAndCounted()
    {
        var reading = RubyGemsVersionsParser.ParseVersions(Versions(
            Version("1.0.0", 1),
            Version("../../admin", 1),
            Version("1.0.0", 1, platform: "x86_64-linux/../../x"),
            Version("1.0.0", 2),
            JsonValue.Create(42),
            new JsonObject { ["platform"] = "ruby" },
            new JsonObject { ["number"] = 3 }));

        Assert.Null(reading.Error);
        Assert.Equal(6, reading.Ignored);
        var only = Assert.Single(reading.Versions);
        Assert.Equal(T0.AddDays(1).AddHours(1), only.Gems.Single().CreatedAt);
    }

    [Theory]
    [InlineData("[{\"number\":\"1.0.0\",\"platform\":\"ru", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"number\":\"1.0.0\"}", "not an array")]
    [InlineData("\"1.0.0\"", "not an array")]
    public void ParseVersions_BrokenDocument_IsAnErrorValue(string json, string error)
    {
        var reading = RubyGemsVersionsParser.ParseVersions(Encoding.UTF8.GetBytes(json));
        Assert.Empty(reading.Versions);
        Assert.Contains(error, reading.Error);
    }

    [Fact]
    public void ParseVersions_TooDeep_IsAnErrorValue()
    {
        var json = new string('[', 5000) + new string(']', 5000);
        var reading = RubyGemsVersionsParser.ParseVersions(Encoding.UTF8.GetBytes(json));
        Assert.Contains("not valid JSON", reading.Error);
    }

    [Theory]
    [InlineData("{\"name\":\"widgets\",\"version\":\"2.0.0\",\"downloads\":5,\"metadata\":{}}", "2.0.0", null)]
    [InlineData("{\"name\":\"widgets\"}", null, "no usable 'version'")]
    [InlineData("{\"version\":\"\"}", null, "no usable 'version'")]
    [InlineData("{\"version\":\"1.0/../x\"}", null, "no usable 'version'")]
    [InlineData("[]", null, "not a JSON object")]
    [InlineData("{\"version\":\"2.0", null, "not valid JSON")]
    public void ParseLatest_Truths(string json, string? latest, string? error)
    {
        var reading = RubyGemsVersionsParser.ParseLatest(Encoding.UTF8.GetBytes(json));
        Assert.Equal(latest, reading.Value);
        if (error is null) Assert.Null(reading.Error); else Assert.Contains(error, reading.Error);
    }

    [Fact]
    public void ParseOwnerGems_NamesInOrder_DeduplicatedAndUnsafeDropped()
    {
        var json = "[{\"name\":\"widgets\",\"version\":\"1\"},{\"name\":\"gadgets\"},{\"name\":\"widgets\"},{\"name\":\"a/b\"},{\"nope\":1},7]";
        var reading = RubyGemsVersionsParser.ParseOwnerGems(Encoding.UTF8.GetBytes(json));
        Assert.Null(reading.Error);
        Assert.Equal(["widgets", "gadgets"], reading.Value!);
    }

    [Theory]
    [InlineData("{\"gems\":[]}", "not a JSON array")]
    [InlineData("[{\"name\":", "not valid JSON")]
    public void ParseOwnerGems_BrokenDocument_IsAnErrorValue(string json, string error)
    {
        var reading = RubyGemsVersionsParser.ParseOwnerGems(Encoding.UTF8.GetBytes(json));
        Assert.Null(reading.Value);
        Assert.Contains(error, reading.Error);
    }
}

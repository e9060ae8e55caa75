using System.Text;
using TrustedPublishDashboard.Registries.PyPI;
using static TrustedPublishDashboard.Tests.Registries.PyPI.PyPIFixtures;

namespace TrustedPublishDashboard.Tests.Registries.PyPI;

public sealed class PyPISimpleParserTests
{
    private static PyPISimpleReading Parse(string json, string project = "pkg", long maxBytes = PyPISimpleParser.DefaultMaxBytes) =>
        PyPISimpleParser.Parse(Bytes(json), project, maxBytes);

    private static PyPISimpleIndex Index(string json, string project = "pkg")
    {
        var reading = Parse(json, project);
        Assert.Null(reading.Error);
        return reading.Index!;
    }

    [Fact]
    public void Parse_DocumentedShape_ReadsMetaVersionsAndEachFile()
    {
        var index = Index(Simple("pkg", ["1.0", "1.1"],
        [
            new("pkg-1.0.tar.gz", "2026-01-02T03:04:05.123456Z", Provenance: true, Size: 1000),
            new("pkg-1.0-py3-none-any.whl", "2026-01-02T03:05:00Z", Yanked: "broken wheel"),
            new("pkg-1.1.tar.gz", "2026-02-01T00:00:00Z", Yanked: true),
        ], versionOf: f => f.Contains("1.1") ? "1.1" : "1.0"));

        Assert.Equal("pkg", index.Name);
        Assert.Equal("1.4", index.ApiVersion);
        Assert.Equal(31337, index.LastSerial);
        Assert.Equal(["1.0", "1.1"], index.Versions);
        Assert.Empty(index.Unassigned);
        Assert.Equal(3, index.Files.Count);

        var sdist = index.Files[0];
        Assert.Equal(("pkg-1.0.tar.gz", "1.0", PyPIDistributionKind.Sdist), (sdist.Filename, sdist.Version, sdist.Kind));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, 123, TimeSpan.Zero).AddTicks(4560), sdist.UploadedAt);
        Assert.Equal(ProvenanceUrl("pkg", "1.0", "pkg-1.0.tar.gz"), sdist.ProvenanceUrl);
        Assert.Equal(1000, sdist.Size);
        Assert.False(sdist.Yanked);
        Assert.Null(sdist.ProvenanceError);

        var wheel = index.Files[1];
        Assert.Equal(PyPIDistributionKind.Wheel, wheel.Kind);
        Assert.Null(wheel.ProvenanceUrl);
        Assert.True(wheel.Yanked);
        Assert.Equal("broken wheel", wheel.YankedReason);

        Assert.True(index.Files[2].Yanked);
        Assert.Null(index.Files[2].YankedReason);
        Assert.Equal("1.1", index.Files[2].Version);
    }

    [Fact]
    public void Parse_Pep503Names_MatchTheProjectWhateverTheSpelling()
    {
        var index = Index(Simple("hp-normal-name", ["1.0", "2.0rc1"],
        [
            new("Hp.Normal_Name-1.0.tar.gz", "2026-01-01T00:00:00Z"),
            new("hp_normal_name-1.0-py3-none-any.whl", "2026-01-01T00:00:00Z"),
            new("hp-normal-name-2.0rc1.tar.gz", "2026-02-01T00:00:00Z"),
            new("hp_normal_name-2.0rc1-1-cp312-cp312-win_amd64.whl", "2026-02-01T00:00:00Z"),
        ]), project: "Hp.Normal_Name");

        Assert.Equal("hp-normal-name", index.Name);
        Assert.Empty(index.Unassigned);
        Assert.Equal(["1.0", "1.0", "2.0rc1", "2.0rc1"], index.Files.Select(f => f.Version));
    }

    [Fact]
    public void Parse_FileNamedWithTheNormalisedVersion_BelongsToTheListedSpelling()
    {
        var index = Index(Simple("pkg", ["2.0.post1", "3.0-rc.1"],
        [
            new("pkg-2.0-1.tar.gz", "2026-01-01T00:00:00Z"),
            new("pkg-3.0rc1-py3-none-any.whl", "2026-01-01T00:00:00Z"),
        ]));
        Assert.Equal(["2.0.post1", "3.0-rc.1"], index.Files.Select(f => f.Version));
    }

    [Fact]
    public void Parse_FilesWithoutAVersion_AreReportedNotDropped()
    {
        var json = Simple("pkg", ["1.0"],
        [
            new("pkg-1.0.tar.gz", "2026-01-01T00:00:00Z"),
            new("pkg-1.0.tar.gz", "2026-01-01T00:00:00Z"),
            new("pkg-9.9.tar.gz", "2026-01-01T00:00:00Z"),
            new("other-1.0.tar.gz", "2026-01-01T00:00:00Z"),
            new("pkg-1.0.win32.exe", "2026-01-01T00:00:00Z"),
        ]);
        json = json.Replace("\"files\":[", "\"files\":[{\"url\":\"https://files.pypi.test/x\"},7,", StringComparison.Ordinal);
        var index = Index(json);

        Assert.Equal("pkg-1.0.tar.gz", Assert.Single(index.Files).Filename);
        var reasons = index.Unassigned.ToDictionary(u => u.Filename, u => u.Reason);
        Assert.Equal(6, index.Unassigned.Count);
        Assert.Contains("no file name", reasons["(files[0])"]);
        Assert.Contains("no file name", reasons["(files[1])"]);
        Assert.Contains("more than once", reasons["pkg-1.0.tar.gz"]);
        Assert.Contains("'9.9', which is not among the project's versions", reasons["pkg-9.9.tar.gz"]);
        Assert.Contains("does not read as <pkg>-<version>", reasons["other-1.0.tar.gz"]);
        Assert.Contains("neither an sdist", reasons["pkg-1.0.win32.exe"]);
    }

    [Fact]
    public void Parse_Api10WithoutVersions_TakesVersionsFromTheFiles()
    {
        var index = Index(Simple("pkg", null, [new("pkg-1.0.tar.gz", "2026-01-01T00:00:00Z"), new("pkg-0.9.zip", "2025-01-01T00:00:00Z")], apiVersion: "1.0"));
        Assert.Null(index.Versions);
        Assert.Equal(["1.0", "0.9"], index.AllVersions);
    }

    [Theory]
    [InlineData("1.0", true)]
    [InlineData("1.99", true)]
    [InlineData("2.0", false)]
    [InlineData("0.9", false)]
    [InlineData("10", false)]
    [InlineData("v1", false)]
    public void Parse_ApiVersion_OnlyMajorOneIsRead(string apiVersion, bool read)
    {
        var reading = Parse(Simple("pkg", ["1.0"], [new("pkg-1.0.tar.gz", "2026-01-01T00:00:00Z")], apiVersion));
        Assert.Equal(read, reading.Index is not null);
        if (!read) Assert.Contains(apiVersion, reading.Error);
    }

    [Fact]
    public void Parse_ApiVersion2_IsRefusedWithAClearError()
    {
        var reading = Parse(Simple("pkg", ["1.0"], [new("pkg-1.0.tar.gz", "2026-01-01T00:00:00Z")], "2.0"));
        Assert.Null(reading.Index);
        Assert.Equal("the Simple API answered with api-version 2.0; this version reads only 1.x, and a new major version may change what the keys mean, so nothing is read from it",
            reading.Error);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"pkg\",\"files\":[{\"filename\":\"pkg-1.0.tar", "is not valid JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("<html><body>Not Found</body></html>", "is not valid JSON")]
    [InlineData("{\"name\":\"pkg\",\"files\":[]}", "no meta.api-version")]
    [InlineData("{\"meta\":{\"api-version\":1},\"name\":\"pkg\",\"files\":[]}", "no meta.api-version")]
    [InlineData("{\"meta\":\"1.0\",\"name\":\"pkg\",\"files\":[]}", "no meta.api-version")]
    [InlineData("{\"meta\":{\"api-version\":\"1.1\"},\"name\":7,\"files\":[]}", "'name' is not a string")]
    [InlineData("{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"other\",\"files\":[]}", "the index is for 'other', not for 'pkg'")]
    [InlineData("{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"pkg\",\"versions\":\"1.0\",\"files\":[]}", "'versions' is not an array")]
    [InlineData("{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"pkg\",\"versions\":[1.0],\"files\":[]}", "'versions' holds something other")]
    [InlineData("{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"pkg\",\"versions\":[]}", "no 'files' array")]
    [InlineData("{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"pkg\",\"versions\":[],\"files\":{}}", "no 'files' array")]
    public void Parse_BrokenOrWrongTypedDocument_IsAnErrorValue(string json, string error)
    {
        var reading = Parse(json);
        Assert.Null(reading.Index);
        Assert.Contains(error, reading.Error);
    }

    [Fact]
    public void Parse_DeeplyNestedDocument_IsAnErrorValue()
    {
        var deep = new string('[', 5000) + new string(']', 5000);
        var reading = Parse($"{{\"meta\":{{\"api-version\":\"1.1\"}},\"name\":\"pkg\",\"files\":[{{\"filename\":\"pkg-1.0.tar.gz\",\"x\":{deep}}}]}}");
        Assert.Null(reading.Index);
        Assert.Contains("maximum configured depth of 16", reading.Error);
    }

    [Fact]
    public void Parse_LargerThanTheCap_IsAnErrorValueBeforeParsing()
    {
        var json = Simple("pkg", ["1.0"], Enumerable.Range(0, 2000).Select(i => new FileSpec($"pkg-1.0-{i}-py3-none-any.whl", "2026-01-01T00:00:00Z")));
        var reading = Parse(json, maxBytes: 100_000);
        Assert.Null(reading.Index);
        Assert.Equal("the Simple API response is larger than 100000 bytes", reading.Error);
        Assert.Null(Parse(json).Error);
    }

    [Fact]
    public void Parse_WrongTypedFileFields_ReadAsAbsentButProvenanceIsAnError()
    {
        var json = "{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"pkg\",\"versions\":[\"1.0\"],\"files\":[" +
            "{\"filename\":\"pkg-1.0.tar.gz\",\"upload-time\":17,\"yanked\":{},\"size\":\"big\",\"provenance\":{\"url\":\"x\"}}," +
            "{\"filename\":\"pkg-1.0-py3-none-any.whl\",\"upload-time\":\"yesterday\",\"size\":-1,\"provenance\":\"javascript:alert(1)\"}," +
            "{\"filename\":\"pkg-1.0.zip\",\"provenance\":null,\"future-key\":[1,2,3]}]}";
        var files = Index(json).Files;

        Assert.All(files, f => Assert.Null(f.UploadedAt));
        Assert.All(files, f => Assert.Null(f.Size));
        Assert.All(files, f => Assert.Null(f.ProvenanceUrl));
        Assert.All(files, f => Assert.False(f.Yanked));
        Assert.Contains("an object, not a URL or null", files[0].ProvenanceError);
        Assert.Contains("a string that is not an http(s) URL", files[1].ProvenanceError);
        Assert.Null(files[2].ProvenanceError);
    }

    [Fact]
    public void Parse_InvalidUtf8_IsAnErrorValue()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"pkg\",\"files\":[{\"filename\":\"pkg-1.0.tar.gz\"}]}");
        bytes[bytes.Length - 8] = 0xFF;
        var reading = PyPISimpleParser.Parse(bytes, "pkg");
        Assert.Null(reading.Index);
        Assert.Equal("the Simple API response is not UTF-8 text", reading.Error);
    }

    [Theory]
    [InlineData("\"filename\":\"pkg-\\ud800.tar.gz\"")]
    [InlineData("\"filename\":\"pkg-1.0.tar.gz\",\"upload-time\":\"\\udc00\"")]
    [InlineData("\"filename\":\"pkg-1.0.tar.gz\",\"yanked\":\"\\ud800\"")]
    public void Parse_EscapeThatIsNotText_IsAnErrorValue(string fields)
    {
        var reading = Parse("{\"meta\":{\"api-version\":\"1.1\"},\"name\":\"pkg\",\"files\":[{" + fields + "}]}");
        Assert.Null(reading.Index);
        Assert.Equal("the Simple API response holds a string that is not valid text", reading.Error);
    }
}

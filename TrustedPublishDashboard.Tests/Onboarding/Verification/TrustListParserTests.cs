using TrustedPublishDashboard.Onboarding.Verification;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class TrustListParserTests
{
    private const string GitHubItem =
        """{"id":"0f3c9a2e-1111-4222-8333-444455556666","type":"github","claims":{"repository":"Octo-Org/Widgets","workflow_ref":{"file":"release.yml"},"environment":"prod"},"permissions":["createPackage","createStagedPackage"]}""";

    private static TrustConfiguration Single(TrustListParseResult result, string package) => Assert.Single(result.ByPackage[package]);

    [Fact]
    public void Parse_CollectorLines_OneEntryPerPackage_ApiItemFieldsRead()
    {
        var text = $$"""
            {"package":"@octo/a","trust":[{{GitHubItem}}]}
            {"package":"b","trust":[]}
            """;
        var result = TrustListParser.Parse(text);

        Assert.Empty(result.Problems);
        Assert.Equal(["@octo/a"], result.ByPackage.Keys);
        Assert.Equal(["b"], result.Unreadable.Keys);
        var item = Single(result, "@octo/a");
        Assert.Equal(("@octo/a", "0f3c9a2e-1111-4222-8333-444455556666", "github", "Octo-Org/Widgets", "release.yml", "prod", (string?)null),
            (item.Package, item.Id, item.Type, item.Repository, item.File, item.Environment, item.ProjectPath));
        Assert.Equal(["createPackage", "createStagedPackage"], item.Permissions);
        Assert.Empty(item.Other);
    }

    [Fact]
    public void Parse_ObjectKeyedByPackageName()
    {
        var result = TrustListParser.Parse($$"""{"@octo/a": [{{GitHubItem}}], "b": []}""");
        Assert.Empty(result.Problems);
        Assert.Equal("Octo-Org/Widgets", Single(result, "@octo/a").Repository);
        Assert.False(result.ByPackage.ContainsKey("b"));
        Assert.Contains("prints nothing both when a package has none and when the read failed", result.Unreadable["b"]);
    }

    [Fact]
    public void Parse_ArrayOfItemsCarryingPackageOrName()
    {
        var result = TrustListParser.Parse("""
            [
              {"package": "a", "id": "1", "type": "github", "claims": {"repository": "o/r", "workflow_ref": {"file": "release.yml"}}},
              {"name": "b", "id": "2", "type": "github", "claims": {"repository": "o/r", "workflow_ref": {"file": "release.yaml"}}},
              {"package": "a", "id": "3", "type": "github", "claims": {"repository": "o/r2", "workflow_ref": {"file": "release.yml"}}}
            ]
            """);
        Assert.Empty(result.Problems);
        Assert.Equal(["1", "3"], result.ByPackage["a"].Select(c => c.Id));
        Assert.Equal("release.yaml", Single(result, "b").File);
    }

    [Fact]
    public void Parse_BareListOrSingleItem_UsesTheDefaultPackage()
    {
        var list = TrustListParser.Parse($"[{GitHubItem}]", defaultPackage: "widgets");
        Assert.Empty(list.Problems);
        Assert.Equal("widgets", Single(list, "widgets").Package);

        var single = TrustListParser.Parse(GitHubItem, defaultPackage: "widgets");
        Assert.Empty(single.Problems);
        Assert.Equal("0f3c9a2e-1111-4222-8333-444455556666", Single(single, "widgets").Id);

        var empty = TrustListParser.Parse("[]", defaultPackage: "widgets");
        Assert.Empty(empty.Problems);
        Assert.Empty(empty.ByPackage);
        Assert.Equal(["widgets"], empty.Unreadable.Keys);
    }

    [Fact]
    public void Parse_BareListWithoutDefaultPackage_ProblemNotAGuess()
    {
        var result = TrustListParser.Parse($"[{GitHubItem}]");
        Assert.Empty(result.ByPackage);
        Assert.Equal(["Line 1: a trust configuration without a package name; paste the collector's output, or choose the package first."], result.Problems);
    }

    [Fact]
    public void Parse_GitLabClaims_ProjectPathAndCiFile()
    {
        var result = TrustListParser.Parse("""
            {"package":"a","trust":[{"id":"g1","type":"gitlab","claims":{"project_path":"grp/sub/proj","ci_config_ref_uri":{"file":".gitlab-ci.yml"},"environment":"production"},"permissions":["createPackage"]}]}
            {"package":"b","trust":[{"id":"g2","type":"gitlab","claims":{"project_path":"grp/proj","ci_config_ref_uri":"gitlab.com/grp/proj//ci/release.yml@refs/heads/main"}}]}
            """);
        Assert.Empty(result.Problems);
        var a = Single(result, "a");
        Assert.Equal(("gitlab", "grp/sub/proj", ".gitlab-ci.yml", "production", (string?)null), (a.Type, a.ProjectPath, a.File, a.Environment, a.Repository));
        Assert.Equal("release.yml", Single(result, "b").File);
    }

    [Fact]
    public void Parse_CircleCiClaims_KeptInOther()
    {
        var result = TrustListParser.Parse("""
            {"package":"a","trust":[{"id":"c1","type":"circleci","claims":{"org_id":"11111111-2222-4333-8444-555555555555","project_id":"p","pipeline_definition_ids":["x","y"],"vcs_origin":"github.com/o/r","context":{"name":"release"}},"permissions":["createPackage"]}]}
            """);
        Assert.Empty(result.Problems);
        var c = Single(result, "a");
        Assert.Equal("circleci", c.Type);
        Assert.Equal(new Dictionary<string, string>
        {
            ["org_id"] = "11111111-2222-4333-8444-555555555555",
            ["project_id"] = "p",
            ["pipeline_definition_ids"] = "x,y",
            ["vcs_origin"] = "github.com/o/r",
            ["context.name"] = "release",
        }, c.Other);
    }

    [Fact]
    public void Parse_FlatVariants_FileRepoProjectEnv_TypeInferred()
    {
        var result = TrustListParser.Parse("""
            {"a": [{"id": 7, "repo": "o/r", "file": "release.yml", "env": "prod", "permissions": "createPackage, createStagedPackage", "created": "2026-10-01"}],
             "b": [{"project": "grp/proj", "file": ".gitlab-ci.yml", "environment": "production"}]}
            """);
        Assert.Empty(result.Problems);
        var a = Single(result, "a");
        Assert.Equal(("7", "github", "o/r", "release.yml", "prod"), (a.Id, a.Type, a.Repository, a.File, a.Environment));
        Assert.Equal(["createPackage", "createStagedPackage"], a.Permissions);
        Assert.Equal(new Dictionary<string, string> { ["created"] = "2026-10-01" }, a.Other);
        var b = Single(result, "b");
        Assert.Equal(("gitlab", "grp/proj", ".gitlab-ci.yml", "production"), (b.Type, b.ProjectPath, b.File, b.Environment));
        Assert.Empty(b.Permissions);
    }

    [Fact]
    public void Parse_PrettyPrintedDocumentsOneAfterAnother()
    {
        var result = TrustListParser.Parse("""
            {
              "package": "a",
              "trust": [
                {"id": "1", "type": "github", "claims": {"repository": "o/r", "workflow_ref": {"file": "release.yml"}}}
              ]
            }
            {
              "package": "b",
              "trust": []
            }
            """);
        Assert.Empty(result.Problems);
        Assert.Equal(["a"], result.ByPackage.Keys);
        Assert.Equal(["b"], result.Unreadable.Keys);
    }

    [Fact]
    public void Parse_CollectorErrorLine_UnreadableNamesThePackage()
    {
        var result = TrustListParser.Parse("""{"package":"a","error":"npm trust list failed with exit code 1"}""");
        Assert.Empty(result.ByPackage);
        Assert.Empty(result.Problems);
        Assert.Equal("npm could not list the trust configuration of a: npm trust list failed with exit code 1.", result.Unreadable["a"]);
    }

    [Fact]
    public void Parse_JunkLinesAroundJson_ReportedAndSkipped()
    {
        var result = TrustListParser.Parse($$"""
            $ bash collect-trust-lists.sh
            {"package":"a","trust":[{{GitHubItem}}]}
            npm warn config something
            {"package":"b","trust":[]}
            """);
        Assert.Equal(["a"], result.ByPackage.Keys);
        Assert.Equal(["b"], result.Unreadable.Keys);
        Assert.Equal(2, result.Problems.Count);
        Assert.Equal("This is not the output of `npm trust list --json`: line 1 is not JSON (it reads \"$ bash collect-trust-lists.sh\"), so it was skipped up to the next line that starts with { or [.", result.Problems[0]);
        Assert.StartsWith("This is not the output of `npm trust list --json`: line 3 is not JSON (it reads \"npm warn config something\")", result.Problems[1]);
    }

    [Theory]
    [InlineData("hello world")]
    [InlineData("<html><body>502</body></html>")]
    [InlineData("}")]
    [InlineData("npm error code E401")]
    public void Parse_Garbage_ProblemAndNothingRead(string text)
    {
        var result = TrustListParser.Parse(text);
        Assert.Empty(result.ByPackage);
        Assert.StartsWith("This is not the output of `npm trust list --json`: line 1 is not JSON", Assert.Single(result.Problems));
    }

    [Theory]
    [InlineData("""{"package":"a","trust":[{"id":"1","type":"git""")]
    [InlineData("""{"package":"a","trust":[""")]
    [InlineData("{")]
    public void Parse_TruncatedJson_SaysThePasteWasCutOff(string text)
    {
        var result = TrustListParser.Parse(text);
        Assert.Empty(result.ByPackage);
        Assert.Equal("Line 1: the JSON ends before it is complete (was the paste cut off?); the incomplete part was ignored.", Assert.Single(result.Problems));
    }

    [Fact]
    public void Parse_CompleteLineThenTruncatedLine_KeepsTheCompleteOne()
    {
        var result = TrustListParser.Parse($"{{\"package\":\"a\",\"trust\":[{GitHubItem}]}}\n{{\"package\":\"b\",\"trust\":[{{\"id\":");
        Assert.Equal(["a"], result.ByPackage.Keys);
        Assert.StartsWith("Line 2: the JSON ends before it is complete", Assert.Single(result.Problems));
    }

    [Theory]
    [InlineData("\"just a string\"", "expected a JSON object or list, found a string")]
    [InlineData("42", "expected a JSON object or list, found a number")]
    [InlineData("null", "expected a JSON object or list, found null")]
    [InlineData("{}", "an empty object; nothing to read")]
    [InlineData("[]", "an empty list without a package name")]
    [InlineData("{\"Not A Package\": []}", "\"Not A Package\" is not a package name")]
    [InlineData("{\"package\":\"a\",\"trust\":\"none\"}", "the trust list of a is a string, not a list")]
    [InlineData("{\"package\":\"a\",\"trust\":[1]}", "an entry in the trust list of a is a number, not an object")]
    public void Parse_WrongShapes_ClearProblem(string text, string problem)
    {
        var result = TrustListParser.Parse(text);
        Assert.Contains(problem, Assert.Single(result.Problems));
    }

    [Fact]
    public void Parse_NestedDeeperThan64_Problem()
    {
        var text = new string('[', 100) + new string(']', 100);
        var result = TrustListParser.Parse(text);
        Assert.Empty(result.ByPackage);
        Assert.Equal("Line 1: the JSON is nested deeper than 64 levels and was ignored.", Assert.Single(result.Problems));
    }

    [Fact]
    public void Parse_LargerThan5MiB_RefusedWithoutParsing()
    {
        var text = "[" + new string(' ', TrustListParser.MaxInputBytes) + "]";
        var result = TrustListParser.Parse(text, "a");
        Assert.Empty(result.ByPackage);
        Assert.Contains("larger than 5 MiB", Assert.Single(result.Problems));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  \n ")]
    public void Parse_Nothing_Problem(string? text) => Assert.Equal(["Nothing was pasted."], TrustListParser.Parse(text).Problems);

    [Fact]
    public void Parse_SamePackageInTwoDocuments_LaterWins_AndSaysSo()
    {
        var result = TrustListParser.Parse($$"""
            {"package":"a","trust":[{{GitHubItem}}]}
            {"package":"a","trust":[]}
            """);
        Assert.False(result.ByPackage.ContainsKey("a"));
        Assert.Equal(["a"], result.Unreadable.Keys);
        Assert.Equal(["Line 2: a appears again; the later trust list replaces the earlier one."], result.Problems);
    }

    [Fact]
    public void Parse_ByteOrderMarkAndCrLf_Tolerated()
    {
        var result = TrustListParser.Parse("\uFEFF{\"package\":\"a\",\"trust\":[]}\r\n{\"package\":\"b\",\"trust\":[]}\r\n");
        Assert.Empty(result.Problems);
        Assert.Equal(2, result.Unreadable.Count);
    }

    // ---- npm's real shape (REGISTRY-FACTS.md): one flattened object per configuration, nothing when there is none ----

    private const string Flat1 = """
        {
          "id": "11111111-aaaa-4bbb-8ccc-000000000001",
          "type": "github",
          "file": "release.yml",
          "repository": "Octo-Org/Widgets",
          "environment": "prod",
          "permissions": [
            "createPackage",
            "createStagedPackage"
          ]
        }
        """;

    private const string Flat2 = """{"id":"11111111-aaaa-4bbb-8ccc-000000000002","type":"github","file":"nightly.yml","repository":"Octo-Org/Widgets","permissions":["createStagedPackage"]}""";

    [Fact]
    public void Parse_NpmFlattenedObjects_OneAfterAnother_AllKeptForTheChosenPackage()
    {
        var result = TrustListParser.Parse(Flat1 + "\n" + Flat2, defaultPackage: "widgets");

        Assert.Empty(result.Problems);
        Assert.Empty(result.Unreadable);
        var configurations = result.ByPackage["widgets"];
        Assert.Equal(["11111111-aaaa-4bbb-8ccc-000000000001", "11111111-aaaa-4bbb-8ccc-000000000002"], configurations.Select(c => c.Id));
        Assert.Equal(("release.yml", "Octo-Org/Widgets", "prod"), (configurations[0].File, configurations[0].Repository, configurations[0].Environment));
        Assert.Equal(["createStagedPackage"], configurations[1].Permissions);
    }

    [Fact]
    public void Parse_NpmFlattenedObjectsOnOneLine_NoSeparator_AllKept()
    {
        var result = TrustListParser.Parse(Flat2 + Flat2.Replace("0002", "0003"), defaultPackage: "widgets");

        Assert.Empty(result.Problems);
        Assert.Equal(2, result.ByPackage["widgets"].Count);
    }

    /// <summary>Truth table: what an empty read looks like in each shape; none of them is "not configured".</summary>
    [Theory]
    [InlineData("", "widgets")]
    [InlineData("  \n ", "widgets")]
    [InlineData("[]", "widgets")]
    [InlineData("{\"package\":\"widgets\",\"trust\":null}", null)]
    [InlineData("{\"package\":\"widgets\",\"trust\":[]}", null)]
    [InlineData("{\"package\":\"widgets\",\"trust\":\"\"}", null)]
    [InlineData("{\"widgets\": []}", null)]
    public void Parse_EmptyOutput_UnreadableNeverNotConfigured(string text, string? chosen)
    {
        var result = TrustListParser.Parse(text, chosen);

        Assert.False(result.ByPackage.ContainsKey("widgets"));
        Assert.Contains("prints nothing both when a package has none and when the read failed", result.Unreadable["widgets"]);
    }

    [Theory]
    [InlineData("{\"package\":\"a\",\"trust\":nul}")]
    [InlineData("{\"package\":\"a\",\"trust\":[tru]}")]
    [InlineData("{'package':'a'}")]
    public void Parse_BadPaste_APersonsSentence_NeverTheReadersMessage(string text)
    {
        var problem = Assert.Single(TrustListParser.Parse(text).Problems);

        Assert.StartsWith("This is not the output of `npm trust list --json`: line 1 is not JSON (it reads", problem);
        foreach (var jargon in new[] { "Expected", "literal", "LineNumber", "BytePosition", "invalid start", "token" })
            Assert.DoesNotContain(jargon, problem, StringComparison.OrdinalIgnoreCase);
    }
}

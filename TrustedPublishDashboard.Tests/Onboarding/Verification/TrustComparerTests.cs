using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding.Generation;
using TrustedPublishDashboard.Onboarding.Verification;
using static TrustedPublishDashboard.Tests.Onboarding.OnboardingFixtures;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class TrustComparerTests
{
    private const string Pkg = "@octo/widget-a";
    private const string Id = "0f3c9a2e-1111-4222-8333-444455556666";
    private const string Configure = "npm trust github '@octo/widget-a' --file release.yml --repo Octo-Org/Widgets --env prod --allow-publish -y";
    private const string Revoke = "npm trust revoke '@octo/widget-a' --id " + Id;

    private static TrustConfiguration Config(string? type = "github", string? repository = "Octo-Org/Widgets", string? file = "release.yml", string? environment = "prod",
        string[]? permissions = null, string? id = Id, string? projectPath = null, Dictionary<string, string>? other = null) =>
        new(Pkg, id, type, repository, file, environment, projectPath, permissions ?? ["createPackage", "createStagedPackage"], other ?? []);

    [Fact]
    public void Compare_SameConfiguration_Matches_NoFix()
    {
        var result = TrustComparer.Compare(Pkg, GitHub("prod"), [Config()]);

        Assert.True(result.Matches);
        Assert.Empty(result.FixCommands);
        Assert.All(result.Fields, f => Assert.True(f.Matches, f.Field));
        Assert.Equal(["provider", "repository", "workflow-file", "environment", "publish-permission"], result.Fields.Select(f => f.Field));
        Assert.Equal("configured as planned (github, Octo-Org/Widgets, release.yml, environment prod).", result.Summary);
    }

    public static TheoryData<string, TrustConfiguration, string?, string?> OneFieldDiffers() => new()
    {
        { "provider", Config(type: "gitlab"), "github", "gitlab" },
        { "repository", Config(repository: "Octo-Org/Gadgets"), "Octo-Org/Widgets", "Octo-Org/Gadgets" },
        { "workflow-file", Config(file: "release.yaml"), "release.yml", "release.yaml" },
        { "workflow-file", Config(file: "publish.yml"), "release.yml", "publish.yml" },
        { "environment", Config(environment: "Prod"), "prod", "Prod" },
        { "environment", Config(environment: null), "prod", null },
        { "publish-permission", Config(permissions: ["createStagedPackage"]), "createPackage", "stage only" },
    };

    [Theory]
    [MemberData(nameof(OneFieldDiffers))]
    public void Compare_OneFieldDiffers_ThatFieldOnly_FixRevokesThenConfigures(string field, TrustConfiguration actual, string? expected, string? reported)
    {
        var result = TrustComparer.Compare(Pkg, GitHub("prod"), [actual]);

        Assert.False(result.Matches);
        var wrong = Assert.Single(result.Fields, f => !f.Matches);
        Assert.Equal(new FieldComparison(field, expected, reported, false), wrong);
        Assert.Equal([Revoke, Configure], result.FixCommands);
        Assert.StartsWith($"configured differently from the plan in {field}.", result.Summary);
    }

    [Fact]
    public void Compare_RepositoryDiffersOnlyInCase_MismatchAndSummarySaysSo()
    {
        var result = TrustComparer.Compare(Pkg, GitHub("prod"), [Config(repository: "octo-org/widgets")]);

        Assert.False(result.Matches);
        Assert.Equal(new FieldComparison("repository", "Octo-Org/Widgets", "octo-org/widgets", false), Assert.Single(result.Fields, f => !f.Matches));
        Assert.Contains("differs only in letter case", result.Summary);
        Assert.Contains("npm compares the repository case-sensitively", result.Summary);
    }

    [Fact]
    public void Compare_RepositoryReportedAsUrl_ComparedAsOwnerSlashRepo()
    {
        var result = TrustComparer.Compare(Pkg, GitHub("prod"), [Config(repository: "https://github.com/Octo-Org/Widgets")]);
        Assert.True(result.Matches);
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("", null, true)]
    [InlineData(null, "prod", false)]
    [InlineData("prod", null, false)]
    [InlineData("prod", "prod", true)]
    public void Compare_Environment_MissingOnOneSideMismatchesOnlyWhenTheOtherHasOne(string? planned, string? reported, bool matches)
    {
        var result = TrustComparer.Compare(Pkg, GitHub(planned), [Config(environment: reported)]);
        Assert.Equal(matches, result.Matches);
        Assert.Equal(matches, result.Fields.Single(f => f.Field == "environment").Matches);
    }

    [Fact]
    public void Compare_StageOnly_ExplainsAndRecreatesWithAllowPublish()
    {
        var result = TrustComparer.Compare(Pkg, GitHub("prod"), [Config(permissions: ["createStagedPackage"])]);

        Assert.False(result.Matches);
        Assert.Contains("stage-only", result.Summary);
        Assert.Equal([Revoke, Configure], result.FixCommands);
        Assert.EndsWith("--allow-publish -y", result.FixCommands[1]);
    }

    [Fact]
    public void Compare_PermissionsNotReported_NotHeldAgainstIt_ButSaid()
    {
        var result = TrustComparer.Compare(Pkg, GitHub("prod"), [Config(permissions: [])]);
        Assert.True(result.Matches);
        Assert.Contains("npm did not report publish-permission", result.Summary);
    }

    [Fact]
    public void Compare_NoConfiguration_NotMatching_FixIsTheConfigureCommand()
    {
        var result = TrustComparer.Compare(Pkg, GitHub("prod"), []);

        Assert.False(result.Matches);
        Assert.Equal([Configure], result.FixCommands);
        Assert.All(result.Fields, f => Assert.Equal((false, (string?)null), (f.Matches, f.Actual)));
        Assert.Equal("not configured: npm refuses OIDC publishes until a trusted publisher is configured.", result.Summary);
    }

    [Fact]
    public void Compare_MismatchWithoutId_FixTellsWhereToFindIt()
    {
        var result = TrustComparer.Compare(Pkg, GitHub("prod"), [Config(file: "x.yml", id: null)]);
        Assert.Equal(["npm trust revoke '@octo/widget-a' --id '<id from npm trust list>'", Configure], result.FixCommands);
        Assert.Contains("npm trust list '@octo/widget-a' --json", result.Summary);
    }

    [Fact]
    public void Compare_SeveralConfigurations_ComparesTheBest_MentionsTheExtras()
    {
        var wrong = Config(repository: "Someone/Else", file: "ci.yml", id: "old-1");
        var right = Config(id: "good-2");
        var result = TrustComparer.Compare(Pkg, GitHub("prod"), [wrong, right]);

        Assert.True(result.Matches);
        Assert.Empty(result.FixCommands);
        Assert.Contains("1 more configuration exists (id old-1)", result.Summary);
    }

    [Fact]
    public void Compare_IncompletePlan_NoCommandsButSaysWhy()
    {
        var result = TrustComparer.Compare(Pkg, GitHub("prod") with { Owner = null }, []);
        Assert.Empty(result.FixCommands);
        Assert.Contains("The plan is incomplete (Owner missing)", result.Summary);
    }

    [Fact]
    public void Compare_GitLab_ProjectPathAndCiFile()
    {
        var plan = GitLab("production");
        var good = Config(type: "gitlab", repository: null, file: ".gitlab-ci.yml", environment: "production", projectPath: "grp/sub/proj");
        Assert.True(TrustComparer.Compare(Pkg, plan, [good]).Matches);

        var result = TrustComparer.Compare(Pkg, plan, [good with { ProjectPath = "grp/proj", File = "release.yml" }]);
        Assert.False(result.Matches);
        Assert.Equal(["project-path", "ci-file"], result.Fields.Where(f => !f.Matches).Select(f => f.Field));
        Assert.Equal([Revoke, "npm trust gitlab '@octo/widget-a' --file .gitlab-ci.yml --project grp/sub/proj --env production --allow-publish -y"], result.FixCommands);
    }

    [Fact]
    public void Compare_CircleCi_IdsInAnyOrder_AbsentClaimsNotCompared()
    {
        var plan = CircleCi();
        var other = new Dictionary<string, string>
        {
            ["org_id"] = plan.OrgId!,
            ["project_id"] = plan.ProjectId!,
            ["pipeline_definition_ids"] = $"{PipelineB.ToUpperInvariant()},{PipelineA}",
            ["vcs_origin"] = "github.com/Octo-Org/Widgets",
        };
        Assert.True(TrustComparer.Compare(Pkg, plan, [Config(type: "circleci", repository: null, file: null, environment: null, other: other)]).Matches);

        var partial = TrustComparer.Compare(Pkg, plan, [Config(type: "circleci", repository: null, file: null, environment: null, other: new() { ["org_id"] = plan.OrgId! })]);
        Assert.True(partial.Matches);
        Assert.Contains("npm did not report project-id, pipeline-definition-ids, vcs-origin", partial.Summary);

        var wrongIds = new Dictionary<string, string>(other) { ["pipeline_definition_ids"] = PipelineA };
        var mismatch = TrustComparer.Compare(Pkg, plan, [Config(type: "circleci", repository: null, file: null, environment: null, other: wrongIds)]);
        Assert.Equal(["pipeline-definition-ids"], mismatch.Fields.Where(f => !f.Matches).Select(f => f.Field));
    }

    [Fact]
    public void CollectorOutput_ParsedAndCompared_EndToEnd()
    {
        var pasted = """
            {"package":"@octo/widget-a","trust":[{"id":"0f3c9a2e-1111-4222-8333-444455556666","type":"github","claims":{"repository":"Octo-Org/Widgets","workflow_ref":{"file":"release.yml"},"environment":"prod"},"permissions":["createPackage","createStagedPackage"]}]}
            {"package":"widget-b","trust":[{"id":"b-1","type":"github","claims":{"repository":"octo-org/widgets","workflow_ref":{"file":"release.yml"}},"permissions":["createStagedPackage"]}]}
            """;
        var parsed = TrustListParser.Parse(pasted);
        Assert.Empty(parsed.Problems);

        Assert.True(TrustComparer.Compare("@octo/widget-a", GitHub("prod"), parsed.ByPackage["@octo/widget-a"]).Matches);
        var b = TrustComparer.Compare("widget-b", GitHub("prod"), parsed.ByPackage["widget-b"]);
        Assert.Equal(["repository", "environment", "publish-permission"], b.Fields.Where(f => !f.Matches).Select(f => f.Field));
        Assert.Equal(["npm trust revoke 'widget-b' --id b-1", "npm trust github 'widget-b' --file release.yml --repo Octo-Org/Widgets --env prod --allow-publish -y"], b.FixCommands);
        Assert.NotNull(ScriptGenerator.CollectTrustLists(["@octo/widget-a", "widget-b"]));
    }

    /// <summary>
    /// Truth table over npm's flattened output: only whether createPackage is present counts (createStagedPackage is on every
    /// one). No permissions field at all is publish-capable: configurations made before permissions existed lack it, and
    /// those could publish (stage-only became the default only later, REGISTRY-FACTS.md).
    /// </summary>
    [Theory]
    [InlineData("""["createPackage","createStagedPackage"]""", true, null)]
    [InlineData("""["createPackage"]""", true, null)]
    [InlineData("""["createStagedPackage"]""", false, "stage-only: add --allow-publish")]
    [InlineData(null, true, "npm did not report publish-permission")]
    public void Compare_FlattenedNpmOutput_OnlyCreatePackageDecidesPublishRights(string? permissions, bool matches, string? said)
    {
        var json = """{"id":"c1","type":"github","file":"release.yml","repository":"Octo-Org/Widgets","environment":"prod" """ +
            (permissions is null ? "}" : $",\"permissions\":{permissions}}}");
        var parsed = TrustListParser.Parse(json, Pkg);

        var result = TrustComparer.Compare(Pkg, GitHub("prod"), parsed.ByPackage[Pkg]);

        Assert.Equal(matches, result.Matches);
        Assert.Equal(matches, result.Fields.Single(f => f.Field == TrustFields.PublishPermission).Matches);
        if (said is not null) Assert.Contains(said, result.Summary);
        Assert.DoesNotContain(Pkg, result.Summary);
    }
}

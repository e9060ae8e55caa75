using System.Reflection;
using System.Text.RegularExpressions;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding.Planning;
using static TrustedPublishDashboard.Tests.Onboarding.OnboardingFixtures;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class PlanValidatorTests
{
    private static PublisherPlan WithField(PublisherPlan plan, string field, string? value) => field switch
    {
        nameof(PublisherPlan.Owner) => plan with { Owner = value },
        nameof(PublisherPlan.Repository) => plan with { Repository = value },
        nameof(PublisherPlan.WorkflowFile) => plan with { WorkflowFile = value },
        nameof(PublisherPlan.Environment) => plan with { Environment = value },
        nameof(PublisherPlan.ProjectPath) => plan with { ProjectPath = value },
        nameof(PublisherPlan.CiFile) => plan with { CiFile = value },
        nameof(PublisherPlan.OrgId) => plan with { OrgId = value },
        nameof(PublisherPlan.ProjectId) => plan with { ProjectId = value },
        nameof(PublisherPlan.PipelineDefinitionIds) => plan with { PipelineDefinitionIds = value },
        nameof(PublisherPlan.VcsOrigin) => plan with { VcsOrigin = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static PublisherPlan PlanFor(string provider) => provider switch
    {
        "github" => GitHub(),
        "gitlab" => GitLab(),
        "circleci" => CircleCi(),
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    [Theory]
    [InlineData("github")]
    [InlineData("gitlab")]
    [InlineData("circleci")]
    public void ValidatePlan_CompletePlan_NoIssues(string provider) => Assert.Empty(PlanValidator.ValidatePlan(PlanFor(provider)));

    [Theory]
    [InlineData("github", "Owner", "owner-missing")]
    [InlineData("github", "Repository", "repository-missing")]
    [InlineData("github", "WorkflowFile", "workflow-file-missing")]
    [InlineData("gitlab", "ProjectPath", "project-path-missing")]
    [InlineData("gitlab", "CiFile", "ci-file-missing")]
    [InlineData("circleci", "OrgId", "org-id-missing")]
    [InlineData("circleci", "ProjectId", "project-id-missing")]
    [InlineData("circleci", "PipelineDefinitionIds", "pipeline-definition-ids-missing")]
    [InlineData("circleci", "VcsOrigin", "vcs-origin-missing")]
    public void ValidatePlan_RequiredFieldBlank_OneErrorForThatField(string provider, string field, string code)
    {
        foreach (var blank in new[] { null, "", "   " })
        {
            var issue = Assert.Single(PlanValidator.ValidatePlan(WithField(PlanFor(provider), field, blank)));
            Assert.Equal((code, field, PlanIssueSeverity.Error), (issue.Code, issue.Field, issue.Severity));
            Assert.False(string.IsNullOrWhiteSpace(issue.Fix));
            Assert.Null(issue.Package);
        }
    }

    [Fact]
    public void ValidatePlan_FieldsOfOtherProviders_AreIgnored()
    {
        var plan = GitHub() with { ProjectPath = "not a path!", OrgId = "nope", VcsOrigin = "::" };
        Assert.Empty(PlanValidator.ValidatePlan(plan));
    }

    [Theory]
    [InlineData("github", "WorkflowFile", "release.yml", null, null)]
    [InlineData("github", "WorkflowFile", "release.yaml", null, null)]
    [InlineData("github", "WorkflowFile", "publish-npm.yml", null, null)]
    [InlineData("github", "WorkflowFile", ".github/workflows/release.yml", "workflow-file-path", "use release.yml")]
    [InlineData("github", "WorkflowFile", ".github\\workflows\\release.yaml", "workflow-file-path", "use release.yaml")]
    [InlineData("github", "WorkflowFile", "workflows/", "workflow-file-path", "enter only the file name, e.g. release.yml")]
    [InlineData("github", "WorkflowFile", "release", "workflow-file-extension", null)]
    [InlineData("github", "WorkflowFile", "release.json", "workflow-file-extension", null)]
    [InlineData("github", "WorkflowFile", "release.YML", "workflow-file-extension", null)]
    [InlineData("gitlab", "CiFile", ".gitlab-ci.yml", null, null)]
    [InlineData("gitlab", "CiFile", "release.yaml", null, null)]
    [InlineData("gitlab", "CiFile", "ci/.gitlab-ci.yml", "workflow-file-path", "use .gitlab-ci.yml")]
    [InlineData("gitlab", "CiFile", ".gitlab-ci.txt", "workflow-file-extension", null)]
    public void ValidatePlan_WorkflowFile_BareYamlNameOnly(string provider, string field, string value, string? code, string? fix)
    {
        var issues = PlanValidator.ValidatePlan(WithField(PlanFor(provider), field, value));
        AssertIssue(issues, code, field, fix);
    }

    [Theory]
    [InlineData("Owner", "octo-org", null, null)]
    [InlineData("Owner", "Octo0", null, null)]
    [InlineData("Owner", "-octo", "owner-invalid", null)]
    [InlineData("Owner", "octo_org", "owner-invalid", null)]
    [InlineData("Owner", "a234567890123456789012345678901234567890", "owner-invalid", null)]
    [InlineData("Owner", "https://github.com/octo/widgets", "owner-invalid", "enter only the owner: octo")]
    [InlineData("Repository", "widgets.js", null, null)]
    [InlineData("Repository", "my_repo-2", null, null)]
    [InlineData("Repository", "octo/widgets", "repository-invalid", "use widgets")]
    [InlineData("Repository", "widgets.git", "repository-invalid", "use widgets")]
    [InlineData("Repository", "my repo", "repository-invalid", null)]
    [InlineData("Repository", "..", "repository-invalid", null)]
    public void ValidatePlan_GitHubNames_CharacterRules(string field, string value, string? code, string? fix)
    {
        var issues = PlanValidator.ValidatePlan(WithField(GitHub(), field, value));
        AssertIssue(issues, code, field, fix);
    }

    [Theory]
    [InlineData("grp/proj", null, null)]
    [InlineData("grp/sub/deeper/proj", null, null)]
    [InlineData("my.group/my_project-2", null, null)]
    [InlineData("proj", "project-path-invalid", null)]
    [InlineData("/grp/proj", "project-path-invalid", null)]
    [InlineData("grp/proj/", "project-path-invalid", null)]
    [InlineData("grp/proj.git", "project-path-invalid", null)]
    [InlineData("https://gitlab.com/grp/sub/proj", "project-path-invalid", "use grp/sub/proj")]
    [InlineData("grp/-proj", "project-path-invalid", null)]
    public void ValidatePlan_GitLabProjectPath_GroupSubgroupProject(string path, string? code, string? fix)
    {
        var issues = PlanValidator.ValidatePlan(GitLab() with { ProjectPath = path });
        if (code is null)
        {
            Assert.Empty(issues);
            return;
        }
        var issue = Assert.Single(issues);
        Assert.Equal((code, "ProjectPath"), (issue.Code, issue.Field));
        if (fix is not null) Assert.Equal(fix, issue.Fix);
    }

    [Theory]
    [InlineData("github", "prod", true)]
    [InlineData("github", "npm-release_2", true)]
    [InlineData("github", "release/npm", true)]
    [InlineData("github", "Production env", true)]
    [InlineData("github", "", true)]
    [InlineData("github", "prod;rm -rf", false)]
    [InlineData("github", "pro$d", false)]
    [InlineData("github", " prod", false)]
    [InlineData("github", "it's", false)]
    [InlineData("gitlab", "production", true)]
    [InlineData("gitlab", "prod`x`", false)]
    public void ValidatePlan_Environment_Characters(string provider, string environment, bool valid)
    {
        var issues = PlanValidator.ValidatePlan(PlanFor(provider) with { Environment = environment });
        if (valid)
        {
            Assert.Empty(issues);
        }
        else
        {
            var issue = Assert.Single(issues);
            Assert.Equal(("environment-invalid", "Environment"), (issue.Code, issue.Field));
        }
    }

    [Theory]
    [InlineData("OrgId", "acme", "org-id-invalid", null)]
    [InlineData("ProjectId", "gh/acme/widgets", "project-id-invalid", null)]
    [InlineData("PipelineDefinitionIds", PipelineA, null, null)]
    [InlineData("PipelineDefinitionIds", PipelineA + " ,, " + PipelineB, null, null)]
    [InlineData("PipelineDefinitionIds", PipelineA + ",not-a-uuid", "pipeline-definition-id-invalid", null)]
    [InlineData("PipelineDefinitionIds", " , ", "pipeline-definition-ids-missing", null)]
    [InlineData("VcsOrigin", "github.com/acme/widgets", null, null)]
    [InlineData("VcsOrigin", "https://github.com/acme/widgets", "vcs-origin-invalid", "use github.com/acme/widgets")]
    [InlineData("VcsOrigin", "acme/widgets", "vcs-origin-invalid", null)]
    [InlineData("VcsOrigin", "github.com/acme/widgets.git", "vcs-origin-invalid", null)]
    public void ValidatePlan_CircleCi_IdsAndOrigin(string field, string value, string? code, string? fix)
    {
        var issues = PlanValidator.ValidatePlan(WithField(CircleCi(), field, value));
        AssertIssue(issues, code, field, fix);
    }

    // Plan: github.com/Octo-Org/Widgets.
    [Theory]
    [InlineData("git+https://github.com/Octo-Org/Widgets.git", null)]
    [InlineData("https://github.com/Octo-Org/Widgets", null)]
    [InlineData("https://github.com/Octo-Org/Widgets/", null)]
    [InlineData("http://github.com/Octo-Org/Widgets.git", null)]
    [InlineData("git@github.com:Octo-Org/Widgets.git", null)]
    [InlineData("ssh://git@github.com/Octo-Org/Widgets.git", null)]
    [InlineData("git+ssh://git@github.com/Octo-Org/Widgets.git", null)]
    [InlineData("git://github.com/Octo-Org/Widgets.git", null)]
    [InlineData("https://GitHub.com/Octo-Org/Widgets", null)]
    [InlineData("https://github.com/Octo-Org/Widgets#readme", null)]
    [InlineData("https://github.com/Octo-Org/Widgets/tree/main/packages/widget-a", null)]
    [InlineData(null, "repository-url-missing")]
    [InlineData("", "repository-url-missing")]
    [InlineData("gitlab:Octo-Org/Widgets", "repository-url-mismatch")]
    [InlineData("bitbucket:Octo-Org/Widgets", "repository-url-mismatch")]
    [InlineData("github:octo-org/widgets", "repository-url-case")]
    [InlineData("https://github.com/octo-org/widgets", "repository-url-case")]
    [InlineData("git@github.com:octo-org/Widgets.git", "repository-url-case")]
    [InlineData("git+https://github.com/Octo-Org/widgets.git", "repository-url-case")]
    [InlineData("https://github.com/other-org/Widgets", "repository-url-mismatch")]
    [InlineData("https://github.com/Octo-Org/Gadgets.git", "repository-url-mismatch")]
    [InlineData("https://gitlab.com/Octo-Org/Widgets", "repository-url-mismatch")]
    [InlineData("not a url", "repository-url-invalid")]
    [InlineData("https://github.com", "repository-url-invalid")]
    [InlineData("ftp://github.com/Octo-Org/Widgets", "repository-url-invalid")]
    public void ValidatePackage_GitHubRepositoryUrl_TruthTable(string? url, string? code)
    {
        var package = Package(url: url);
        var issues = PlanValidator.ValidatePackage(GitHub(), package);
        if (code is null)
        {
            Assert.Empty(issues);
            return;
        }
        var issue = Assert.Single(issues);
        Assert.Equal((code, "repository.url", PlanIssueSeverity.Error, "@octo/widget-a"), (issue.Code, issue.Field, issue.Severity, issue.Package));
        Assert.Equal("set in package.json: \"repository\": {\"type\": \"git\", \"url\": \"git+https://github.com/Octo-Org/Widgets.git\", \"directory\": \"packages/widget-a\"}", issue.Fix);
    }

    // npm normalises a shorthand to the full URL when it publishes, so one naming the right repository only warns.
    [Theory]
    [InlineData("github:Octo-Org/Widgets")]
    [InlineData("Octo-Org/Widgets")]
    public void ValidatePackage_ShorthandNamingThePublisher_IsAWarningNotAnError(string url)
    {
        var issue = Assert.Single(PlanValidator.ValidatePackage(GitHub(), Package(url: url)));
        Assert.Equal(("repository-url-shorthand", PlanIssueSeverity.Warning), (issue.Code, issue.Severity));
        Assert.Contains("npm expands it to git+https://github.com/Octo-Org/Widgets.git when it publishes", issue.Message);
    }

    [Fact]
    public void ValidatePackage_AddedByName_UsesTheRepositoryTheRegistryReports()
    {
        var byName = new PlannedPackage("widget-b", Exists: true) { RegistryRepositoryUrl = "git+https://github.com/Octo-Org/Widgets.git" };
        Assert.Empty(PlanValidator.ValidatePackage(GitHub(), byName));

        var elsewhere = byName with { RegistryRepositoryUrl = "git+https://github.com/someone/else.git" };
        var issue = Assert.Single(PlanValidator.ValidatePackage(GitHub(), elsewhere));
        Assert.Equal("repository-url-mismatch", issue.Code);
        Assert.StartsWith("The registry's latest version names github.com/someone/else", issue.Message);
        Assert.DoesNotContain("package.json has no repository.url", issue.Message);
    }

    [Fact]
    public void ValidatePackage_AddedByNameAndRegistryNamesNone_SaysNeitherNamesOne()
    {
        var issue = Assert.Single(PlanValidator.ValidatePackage(GitHub(), new PlannedPackage("widget-b", Exists: true)));
        Assert.Equal("repository-url-missing", issue.Code);
        Assert.StartsWith("Neither a package.json nor the registry names a repository for widget-b", issue.Message);
    }

    [Fact]
    public void ValidatePackage_CaseMismatch_SaysNpmComparesCaseSensitively()
    {
        var issue = Assert.Single(PlanValidator.ValidatePackage(GitHub(), Package(url: "https://github.com/octo-org/widgets")));
        Assert.Contains("npm compares the repository case-sensitively", issue.Message);
    }

    [Fact]
    public void ValidatePackage_RootPackageMissingUrl_FixHasNoDirectory()
    {
        var issue = Assert.Single(PlanValidator.ValidatePackage(GitHub(), Package(url: null, directory: null, workspace: "")));
        Assert.Equal("set in package.json: \"repository\": {\"type\": \"git\", \"url\": \"git+https://github.com/Octo-Org/Widgets.git\"}", issue.Fix);
    }

    // Plan: gitlab.com/grp/sub/proj.
    [Theory]
    [InlineData("git+https://gitlab.com/grp/sub/proj.git", null)]
    [InlineData("https://gitlab.com/grp/sub/proj", null)]
    [InlineData("git@gitlab.com:grp/sub/proj.git", null)]
    [InlineData("ssh://git@gitlab.com/grp/sub/proj.git", null)]
    [InlineData("https://gitlab.com/grp/sub/proj/-/tree/main/packages/widget-a", null)]
    [InlineData("https://gitlab.com/grp/proj", "repository-url-mismatch")]
    [InlineData("https://github.com/grp/sub", "repository-url-mismatch")]
    [InlineData("https://gitlab.com/Grp/sub/proj", "repository-url-case")]
    public void ValidatePackage_GitLabRepositoryUrl_WithSubgroups(string url, string? code)
    {
        var issues = PlanValidator.ValidatePackage(GitLab(), Package(url: url));
        if (code is null)
        {
            Assert.Empty(issues);
            return;
        }
        var issue = Assert.Single(issues);
        Assert.Equal(code, issue.Code);
        Assert.Contains("git+https://gitlab.com/grp/sub/proj.git", issue.Fix);
    }

    // Plan: vcs origin github.com/Octo-Org/Widgets.
    [Theory]
    [InlineData("git+https://github.com/Octo-Org/Widgets.git", null)]
    [InlineData("git@github.com:Octo-Org/Widgets.git", null)]
    [InlineData("https://github.com/Octo-Org/Other", "repository-url-mismatch")]
    [InlineData("https://github.com/octo-org/widgets", "repository-url-case")]
    [InlineData(null, "repository-url-missing")]
    public void ValidatePackage_CircleCi_ComparesAgainstVcsOrigin(string? url, string? code)
    {
        var issues = PlanValidator.ValidatePackage(CircleCi(), Package(url: url));
        Assert.Equal(code is null ? [] : [code], issues.Select(i => i.Code));
    }

    [Theory]
    [InlineData("packages/widget-a", "packages/widget-a", false)]
    [InlineData("./packages/widget-a/", "packages/widget-a", false)]
    [InlineData("packages\\widget-a", "packages/widget-a", false)]
    [InlineData(null, "", false)]
    [InlineData(".", "", false)]
    [InlineData(null, null, false)]
    [InlineData(null, "packages/widget-a", true)]
    [InlineData("packages/widget-b", "packages/widget-a", true)]
    [InlineData("packages/widget-a", "", true)]
    public void ValidatePackage_Directory_WarnsWhenItDiffersFromTheWorkspace(string? directory, string? workspace, bool warns)
    {
        var issues = PlanValidator.ValidatePackage(GitHub(), Package(directory: directory, workspace: workspace));
        if (!warns)
        {
            Assert.Empty(issues);
            return;
        }
        var issue = Assert.Single(issues);
        Assert.Equal(("repository-directory-mismatch", "repository.directory", PlanIssueSeverity.Warning), (issue.Code, issue.Field, issue.Severity));
        if (workspace == "") Assert.DoesNotContain("\"directory\"", issue.Fix);
        else Assert.Contains($"\"directory\": \"{workspace}\"", issue.Fix);
    }

    [Fact]
    public void ValidatePackage_InvalidName_Error()
    {
        var issue = Assert.Single(PlanValidator.ValidatePackage(GitHub(), Package(name: "Bad Name")));
        Assert.Equal(("package-name-invalid", "Bad Name"), (issue.Code, issue.Package));
    }

    [Fact]
    public void ValidatePackage_OverrideWithPathAsWorkflowFile_ReportedForThePackage_PlanIssuesNotRepeated()
    {
        var plan = GitHub() with { Owner = "-bad-owner-" };
        var package = Package(url: "https://github.com/-bad-owner-/Widgets", overrides: new PublisherOverride { WorkflowFile = ".github/workflows/npm.yml" });
        var issues = PlanValidator.ValidatePackage(plan.With(package.Override), package);
        var issue = Assert.Single(issues);
        Assert.Equal(("workflow-file-path", "WorkflowFile", "use npm.yml", "@octo/widget-a"), (issue.Code, issue.Field, issue.Fix, issue.Package));
        Assert.Equal(["owner-invalid"], PlanValidator.ValidatePlan(plan).Select(i => i.Code));
    }

    [Fact]
    public void ValidatePackage_OverrideToAnotherRepository_ComparesUrlWithTheOverride()
    {
        var package = Package(url: "git+https://github.com/Octo-Org/Widgets.git", overrides: new PublisherOverride { Repository = "Gadgets" });
        var issue = Assert.Single(PlanValidator.ValidatePackage(GitHub().With(package.Override), package));
        Assert.Equal("repository-url-mismatch", issue.Code);
        Assert.Contains("git+https://github.com/Octo-Org/Gadgets.git", issue.Fix);
    }

    [Fact]
    public void Codes_AreKebabCase_AndRuleNamesUnique()
    {
        var codes = typeof(PlanIssueCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToList();
        Assert.All(codes, c => Assert.Matches(new Regex("^[a-z]+(-[a-z]+)*$"), c));
        Assert.Equal(codes.Count, codes.Distinct().Count());
        var names = PlanValidator.PlanRules.Select(r => r.Name).Concat(PlanValidator.PackageRules.Select(r => r.Name)).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    /// <summary>No issue when <paramref name="code"/> is null; otherwise exactly one, with that code, field and (when given) fix.</summary>
    private static void AssertIssue(IReadOnlyList<PlanIssue> issues, string? code, string field, string? fix)
    {
        if (code is null)
        {
            Assert.Empty(issues);
            return;
        }
        var issue = Assert.Single(issues);
        Assert.Equal((code, field), (issue.Code, issue.Field));
        if (fix is not null) Assert.Equal(fix, issue.Fix);
    }
}

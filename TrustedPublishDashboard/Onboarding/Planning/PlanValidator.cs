using System.Text.RegularExpressions;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Onboarding.Planning;

public enum PlanIssueSeverity
{
    Error,
    Warning,
}

/// <summary>
/// One problem with an onboarding plan: a stable kebab-case <paramref name="Code"/>, the <paramref name="Field"/> it is about
/// (a <see cref="PublisherPlan"/> property name, or `repository.url` / `repository.directory` for package.json), a sentence a
/// maintainer understands and the fix.
/// </summary>
public sealed record PlanIssue(string Code, string Field, string Message, string? Fix, PlanIssueSeverity Severity, string? Package = null);

/// <summary>The stable codes of <see cref="PlanIssue"/>.</summary>
public static class PlanIssueCodes
{
    public const string OwnerMissing = "owner-missing";
    public const string RepositoryMissing = "repository-missing";
    public const string WorkflowFileMissing = "workflow-file-missing";
    public const string ProjectPathMissing = "project-path-missing";
    public const string CiFileMissing = "ci-file-missing";
    public const string OrgIdMissing = "org-id-missing";
    public const string ProjectIdMissing = "project-id-missing";
    public const string PipelineDefinitionIdsMissing = "pipeline-definition-ids-missing";
    public const string VcsOriginMissing = "vcs-origin-missing";
    public const string WorkflowFilePath = "workflow-file-path";
    public const string WorkflowFileExtension = "workflow-file-extension";
    public const string OwnerInvalid = "owner-invalid";
    public const string RepositoryInvalid = "repository-invalid";
    public const string ProjectPathInvalid = "project-path-invalid";
    public const string EnvironmentInvalid = "environment-invalid";
    public const string OrgIdInvalid = "org-id-invalid";
    public const string ProjectIdInvalid = "project-id-invalid";
    public const string PipelineDefinitionIdInvalid = "pipeline-definition-id-invalid";
    public const string VcsOriginInvalid = "vcs-origin-invalid";
    public const string PackageNameInvalid = "package-name-invalid";
    public const string RepositoryUrlMissing = "repository-url-missing";
    public const string RepositoryUrlShorthand = "repository-url-shorthand";
    public const string RepositoryUrlInvalid = "repository-url-invalid";
    public const string RepositoryUrlMismatch = "repository-url-mismatch";
    public const string RepositoryUrlCase = "repository-url-case";
    public const string RepositoryDirectoryMismatch = "repository-directory-mismatch";
}

/// <summary>
/// Checks an onboarding plan before anything is generated. Each check is a named pure function (one row of
/// <see cref="PlanRules"/> or <see cref="PackageRules"/>) returning an issue or null (passes, or does not apply to this
/// provider), evaluated by one loop. Facts behind the rules: /work/shared/REGISTRY-FACTS.md, npm "Trusted-publisher
/// configuration" and "Publishing from CI".
/// </summary>
public static partial class PlanValidator
{
    public delegate PlanIssue? PlanRule(PublisherPlan plan);

    public delegate PlanIssue? PackageRule(PublisherPlan effective, PlannedPackage package);

    /// <summary>Every publisher check. A new check is one function and one row here.</summary>
    public static IReadOnlyList<(string Name, PlanRule Rule)> PlanRules { get; } =
    [
        (nameof(GitHubOwnerRequired), GitHubOwnerRequired),
        (nameof(GitHubRepositoryRequired), GitHubRepositoryRequired),
        (nameof(GitHubWorkflowFileRequired), GitHubWorkflowFileRequired),
        (nameof(GitHubWorkflowFileIsBareYamlName), GitHubWorkflowFileIsBareYamlName),
        (nameof(GitHubOwnerCharacters), GitHubOwnerCharacters),
        (nameof(GitHubRepositoryCharacters), GitHubRepositoryCharacters),
        (nameof(GitLabProjectPathRequired), GitLabProjectPathRequired),
        (nameof(GitLabCiFileRequired), GitLabCiFileRequired),
        (nameof(GitLabCiFileIsBareYamlName), GitLabCiFileIsBareYamlName),
        (nameof(GitLabProjectPathShape), GitLabProjectPathShape),
        (nameof(CircleCiOrgIdRequired), CircleCiOrgIdRequired),
        (nameof(CircleCiProjectIdRequired), CircleCiProjectIdRequired),
        (nameof(CircleCiPipelineDefinitionIdsRequired), CircleCiPipelineDefinitionIdsRequired),
        (nameof(CircleCiVcsOriginRequired), CircleCiVcsOriginRequired),
        (nameof(CircleCiOrgIdIsUuid), CircleCiOrgIdIsUuid),
        (nameof(CircleCiProjectIdIsUuid), CircleCiProjectIdIsUuid),
        (nameof(CircleCiPipelineDefinitionIdsAreUuids), CircleCiPipelineDefinitionIdsAreUuids),
        (nameof(CircleCiVcsOriginShape), CircleCiVcsOriginShape),
        (nameof(EnvironmentCharacters), EnvironmentCharacters),
    ];

    /// <summary>Every per-package check (run against the package's effective publisher).</summary>
    public static IReadOnlyList<(string Name, PackageRule Rule)> PackageRules { get; } =
    [
        (nameof(PackageNameValid), PackageNameValid),
        (nameof(RepositoryUrlPresent), RepositoryUrlPresent),
        (nameof(RepositoryUrlNotShorthand), RepositoryUrlNotShorthand),
        (nameof(RepositoryUrlReadable), RepositoryUrlReadable),
        (nameof(RepositoryUrlSameRepository), RepositoryUrlSameRepository),
        (nameof(RepositoryUrlSameCase), RepositoryUrlSameCase),
        (nameof(RepositoryDirectoryMatchesWorkspace), RepositoryDirectoryMatchesWorkspace),
    ];

    public static IReadOnlyList<PlanIssue> ValidatePlan(PublisherPlan plan) =>
        PlanRules.Select(r => r.Rule(plan)).OfType<PlanIssue>().ToList();

    /// <summary>
    /// The package's own checks against <paramref name="effective"/> (= plan.With(package.Override)), plus the publisher checks
    /// for the fields the package's override sets (the plan's own fields are reported once, by <see cref="ValidatePlan"/>).
    /// </summary>
    public static IReadOnlyList<PlanIssue> ValidatePackage(PublisherPlan effective, PlannedPackage package)
    {
        var overridden = OverriddenFields(package.Override);
        var fromOverride = overridden.Count == 0
            ? []
            : ValidatePlan(effective).Where(i => overridden.Contains(i.Field)).Select(i => i with { Package = package.Name });
        var own = PackageRules.Select(r => r.Rule(effective, package)).OfType<PlanIssue>();
        return fromOverride.Concat(own).ToList();
    }

    private static HashSet<string> OverriddenFields(PublisherOverride? o)
    {
        var fields = new HashSet<string>(StringComparer.Ordinal);
        if (o is null) return fields;
        void Add(string? value, string field) { if (!string.IsNullOrWhiteSpace(value)) fields.Add(field); }
        Add(o.Owner, nameof(PublisherPlan.Owner));
        Add(o.Repository, nameof(PublisherPlan.Repository));
        Add(o.WorkflowFile, nameof(PublisherPlan.WorkflowFile));
        Add(o.Environment, nameof(PublisherPlan.Environment));
        Add(o.ProjectPath, nameof(PublisherPlan.ProjectPath));
        Add(o.CiFile, nameof(PublisherPlan.CiFile));
        Add(o.OrgId, nameof(PublisherPlan.OrgId));
        Add(o.ProjectId, nameof(PublisherPlan.ProjectId));
        Add(o.PipelineDefinitionIds, nameof(PublisherPlan.PipelineDefinitionIds));
        Add(o.VcsOrigin, nameof(PublisherPlan.VcsOrigin));
        return fields;
    }

    // ---- publisher: required fields ------------------------------------------------------------------------------

    public static PlanIssue? GitHubOwnerRequired(PublisherPlan p) => Required(p, Provider.GitHub, p.Owner, nameof(PublisherPlan.Owner), PlanIssueCodes.OwnerMissing,
        "The GitHub owner (user or organisation) of the repository that publishes is missing.", "enter the owner, e.g. \"my-org\" for github.com/my-org/my-repo");

    public static PlanIssue? GitHubRepositoryRequired(PublisherPlan p) => Required(p, Provider.GitHub, p.Repository, nameof(PublisherPlan.Repository), PlanIssueCodes.RepositoryMissing,
        "The GitHub repository that publishes is missing.", "enter the repository name, e.g. \"my-repo\" for github.com/my-org/my-repo");

    public static PlanIssue? GitHubWorkflowFileRequired(PublisherPlan p) => Required(p, Provider.GitHub, p.WorkflowFile, nameof(PublisherPlan.WorkflowFile), PlanIssueCodes.WorkflowFileMissing,
        "The workflow file that publishes is missing: npm only accepts OIDC tokens from the workflow file named in the trusted publisher.",
        "enter the file name of the publishing workflow, e.g. release.yml");

    public static PlanIssue? GitLabProjectPathRequired(PublisherPlan p) => Required(p, Provider.GitLab, p.ProjectPath, nameof(PublisherPlan.ProjectPath), PlanIssueCodes.ProjectPathMissing,
        "The GitLab project path is missing.", "enter the project path, e.g. my-group/my-project");

    public static PlanIssue? GitLabCiFileRequired(PublisherPlan p) => Required(p, Provider.GitLab, p.CiFile, nameof(PublisherPlan.CiFile), PlanIssueCodes.CiFileMissing,
        "The GitLab CI file that publishes is missing.", "enter the CI file name, usually .gitlab-ci.yml");

    public static PlanIssue? CircleCiOrgIdRequired(PublisherPlan p) => Required(p, Provider.CircleCI, p.OrgId, nameof(PublisherPlan.OrgId), PlanIssueCodes.OrgIdMissing,
        "The CircleCI organization id is missing.", "copy the Organization ID from CircleCI Organization Settings → Overview");

    public static PlanIssue? CircleCiProjectIdRequired(PublisherPlan p) => Required(p, Provider.CircleCI, p.ProjectId, nameof(PublisherPlan.ProjectId), PlanIssueCodes.ProjectIdMissing,
        "The CircleCI project id is missing.", "copy the Project ID from CircleCI Project Settings → Overview");

    public static PlanIssue? CircleCiPipelineDefinitionIdsRequired(PublisherPlan p) => Required(p, Provider.CircleCI,
        SplitIds(p.PipelineDefinitionIds).Count == 0 ? null : p.PipelineDefinitionIds, nameof(PublisherPlan.PipelineDefinitionIds),
        PlanIssueCodes.PipelineDefinitionIdsMissing, "No CircleCI pipeline definition id is given: npm needs at least one.",
        "copy the pipeline definition id(s) from CircleCI Project Settings → Project Setup; separate several with commas");

    public static PlanIssue? CircleCiVcsOriginRequired(PublisherPlan p) => Required(p, Provider.CircleCI, p.VcsOrigin, nameof(PublisherPlan.VcsOrigin), PlanIssueCodes.VcsOriginMissing,
        "The CircleCI VCS origin is missing.", "enter host/owner/repo, e.g. github.com/my-org/my-repo");

    private static PlanIssue? Required(PublisherPlan p, Provider provider, string? value, string field, string code, string message, string fix) =>
        p.Provider == provider && string.IsNullOrWhiteSpace(value) ? new PlanIssue(code, field, message, fix, PlanIssueSeverity.Error) : null;

    // ---- publisher: shapes ---------------------------------------------------------------------------------------

    public static PlanIssue? GitHubWorkflowFileIsBareYamlName(PublisherPlan p) =>
        p.Provider == Provider.GitHub ? BareYamlFileName(p.WorkflowFile, nameof(PublisherPlan.WorkflowFile), "workflow file") : null;

    public static PlanIssue? GitLabCiFileIsBareYamlName(PublisherPlan p) =>
        p.Provider == Provider.GitLab ? BareYamlFileName(p.CiFile, nameof(PublisherPlan.CiFile), "CI file") : null;

    /// <summary>npm's `--file` is the bare file name (no folder) ending .yml or .yaml; npm compares it exactly, so .yml ≠ .yaml.</summary>
    private static PlanIssue? BareYamlFileName(string? value, string field, string what)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var file = value.Trim();
        var lastSlash = file.LastIndexOfAny(['/', '\\']);
        if (lastSlash >= 0)
        {
            var bare = file[(lastSlash + 1)..];
            return new PlanIssue(PlanIssueCodes.WorkflowFilePath, field,
                $"The {what} \"{file}\" is a path; npm's trusted publisher takes only the file name and compares it exactly.",
                bare.Length > 0 ? $"use {bare}" : "enter only the file name, e.g. release.yml", PlanIssueSeverity.Error);
        }
        if (!file.EndsWith(".yml", StringComparison.Ordinal) && !file.EndsWith(".yaml", StringComparison.Ordinal))
        {
            return new PlanIssue(PlanIssueCodes.WorkflowFileExtension, field,
                $"The {what} \"{file}\" does not end in .yml or .yaml (lowercase); npm only accepts YAML workflow file names.",
                "enter the file name exactly as it is in the repository, e.g. release.yml", PlanIssueSeverity.Error);
        }
        return null;
    }

    // GitHub: user and organisation names are 1–39 letters, digits or hyphens, not starting with a hyphen.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}$")]
    private static partial Regex GitHubOwnerPattern();

    // GitHub repository names: letters, digits, '.', '-', '_', at most 100 characters.
    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex GitHubRepositoryPattern();

    // GitLab path segments: letters, digits, '_', '.', '-', not starting with '-'.
    [GeneratedRegex("^[A-Za-z0-9_.][A-Za-z0-9_.-]*$")]
    private static partial Regex GitLabSegmentPattern();

    // Environment names as GitHub and GitLab accept them, minus shell and YAML specials.
    [GeneratedRegex("^[A-Za-z0-9_.\\-/ ]{1,255}$")]
    private static partial Regex EnvironmentPattern();

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    private static partial Regex UuidPattern();

    public static PlanIssue? GitHubOwnerCharacters(PublisherPlan p)
    {
        if (p.Provider != Provider.GitHub || string.IsNullOrWhiteSpace(p.Owner)) return null;
        var owner = p.Owner.Trim();
        if (GitHubOwnerPattern().IsMatch(owner)) return null;
        var fix = RepositoryUrl.Parse(owner) is { Host: "github.com" } parsed && parsed.Path.Contains('/')
            ? $"enter only the owner: {parsed.Path[..parsed.Path.IndexOf('/')]}"
            : "enter the owner as it appears in github.com/<owner>/<repository>";
        return new PlanIssue(PlanIssueCodes.OwnerInvalid, nameof(PublisherPlan.Owner),
            $"\"{owner}\" is not a GitHub user or organisation name (1–39 letters, digits or hyphens, not starting with a hyphen).", fix, PlanIssueSeverity.Error);
    }

    public static PlanIssue? GitHubRepositoryCharacters(PublisherPlan p)
    {
        if (p.Provider != Provider.GitHub || string.IsNullOrWhiteSpace(p.Repository)) return null;
        var repo = p.Repository.Trim();
        if (repo.Contains('/'))
        {
            var name = repo[(repo.LastIndexOf('/') + 1)..];
            return new PlanIssue(PlanIssueCodes.RepositoryInvalid, nameof(PublisherPlan.Repository),
                $"\"{repo}\" contains a '/': the repository field takes only the repository name; the owner has its own field.",
                name.Length > 0 ? $"use {name}" : "enter only the repository name", PlanIssueSeverity.Error);
        }
        if (repo.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            return new PlanIssue(PlanIssueCodes.RepositoryInvalid, nameof(PublisherPlan.Repository),
                $"\"{repo}\" ends in .git: the trusted publisher names the repository without it.", $"use {repo[..^4]}", PlanIssueSeverity.Error);
        }
        if (GitHubRepositoryPattern().IsMatch(repo) && repo is not ("." or "..")) return null;
        return new PlanIssue(PlanIssueCodes.RepositoryInvalid, nameof(PublisherPlan.Repository),
            $"\"{repo}\" is not a GitHub repository name (letters, digits, '.', '-' and '_', at most 100 characters).",
            "enter the repository name as it appears in github.com/<owner>/<repository>", PlanIssueSeverity.Error);
    }

    public static PlanIssue? GitLabProjectPathShape(PublisherPlan p)
    {
        if (p.Provider != Provider.GitLab || string.IsNullOrWhiteSpace(p.ProjectPath)) return null;
        var path = p.ProjectPath.Trim();
        var segments = path.Split('/');
        if (segments.Length >= 2 && segments.All(s => GitLabSegmentPattern().IsMatch(s)) &&
            !path.EndsWith(".git", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".atom", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var fix = RepositoryUrl.Parse(path) is { Form: RepositoryUrlForm.Url } url && url.Path.Contains('/')
            ? $"use {url.Path}"
            : "enter group/project or group/subgroup/project as in the project's URL";
        return new PlanIssue(PlanIssueCodes.ProjectPathInvalid, nameof(PublisherPlan.ProjectPath),
            $"\"{path}\" is not a GitLab project path (group[/subgroup]/project, without a host or .git).", fix, PlanIssueSeverity.Error);
    }

    public static PlanIssue? CircleCiOrgIdIsUuid(PublisherPlan p) =>
        p.Provider == Provider.CircleCI && !string.IsNullOrWhiteSpace(p.OrgId) && !UuidPattern().IsMatch(p.OrgId.Trim())
            ? new PlanIssue(PlanIssueCodes.OrgIdInvalid, nameof(PublisherPlan.OrgId), $"\"{p.OrgId.Trim()}\" is not a CircleCI organization id (a UUID).",
                "copy the Organization ID (not the organization name) from CircleCI Organization Settings → Overview", PlanIssueSeverity.Error)
            : null;

    public static PlanIssue? CircleCiProjectIdIsUuid(PublisherPlan p) =>
        p.Provider == Provider.CircleCI && !string.IsNullOrWhiteSpace(p.ProjectId) && !UuidPattern().IsMatch(p.ProjectId.Trim())
            ? new PlanIssue(PlanIssueCodes.ProjectIdInvalid, nameof(PublisherPlan.ProjectId), $"\"{p.ProjectId.Trim()}\" is not a CircleCI project id (a UUID).",
                "copy the Project ID (not the project slug) from CircleCI Project Settings → Overview", PlanIssueSeverity.Error)
            : null;

    public static PlanIssue? CircleCiPipelineDefinitionIdsAreUuids(PublisherPlan p)
    {
        if (p.Provider != Provider.CircleCI || string.IsNullOrWhiteSpace(p.PipelineDefinitionIds)) return null;
        var ids = SplitIds(p.PipelineDefinitionIds);
        var bad = ids.Where(id => !UuidPattern().IsMatch(id)).ToList();
        if (bad.Count == 0) return null;
        return new PlanIssue(PlanIssueCodes.PipelineDefinitionIdInvalid, nameof(PublisherPlan.PipelineDefinitionIds),
            $"Not a pipeline definition id (a UUID): {string.Join(", ", bad.Select(b => $"\"{b}\""))}.",
            "enter one or more pipeline definition ids (UUIDs) separated by commas", PlanIssueSeverity.Error);
    }

    public static PlanIssue? CircleCiVcsOriginShape(PublisherPlan p)
    {
        if (p.Provider != Provider.CircleCI || string.IsNullOrWhiteSpace(p.VcsOrigin)) return null;
        var origin = p.VcsOrigin.Trim();
        var parts = origin.Split('/');
        if (!origin.Contains("://", StringComparison.Ordinal) && parts.Length == 3 && parts[0].Contains('.') && parts.All(s => s.Length > 0 && GitLabSegmentPattern().IsMatch(s)) &&
            !origin.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var fix = RepositoryUrl.Parse(origin) is { Form: RepositoryUrlForm.Url } url && url.Path.Count(c => c == '/') == 1
            ? $"use {url.Host}/{url.Path}"
            : "enter host/owner/repo, e.g. github.com/my-org/my-repo";
        return new PlanIssue(PlanIssueCodes.VcsOriginInvalid, nameof(PublisherPlan.VcsOrigin),
            $"\"{origin}\" is not a VCS origin of the form host/owner/repo (no scheme, no .git).", fix, PlanIssueSeverity.Error);
    }

    public static PlanIssue? EnvironmentCharacters(PublisherPlan p)
    {
        if (p.Provider == Provider.CircleCI || p.Environment is null || p.Environment.Length == 0) return null;
        var env = p.Environment;
        if (env == env.Trim() && EnvironmentPattern().IsMatch(env)) return null;
        return new PlanIssue(PlanIssueCodes.EnvironmentInvalid, nameof(PublisherPlan.Environment),
            $"The environment \"{env}\" has characters (or leading/trailing spaces) that CI environment names do not allow here.",
            "use letters, digits, '-', '_', '.', '/' or spaces, exactly as the environment is named in CI (npm compares it case-sensitively)", PlanIssueSeverity.Error);
    }

    /// <summary>The comma-separated ids, trimmed, empty entries dropped.</summary>
    public static IReadOnlyList<string> SplitIds(string? ids) =>
        string.IsNullOrWhiteSpace(ids) ? [] : ids.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    // ---- package -------------------------------------------------------------------------------------------------

    public static PlanIssue? PackageNameValid(PublisherPlan effective, PlannedPackage package) =>
        PackageNames.CheckNpm(package.Name) is { IsValid: false, Error: var error }
            ? new PlanIssue(PlanIssueCodes.PackageNameInvalid, "name", $"\"{package.Name}\" is not a valid npm package name: {error}.",
                "fix the name in package.json", PlanIssueSeverity.Error, package.Name)
            : null;

    /// <summary>The repository the trusted publisher expects package.json to name: the GitHub repo, the GitLab project, the CircleCI VCS origin.</summary>
    public static RepositoryRef? ExpectedRepository(PublisherPlan p) => p.Provider switch
    {
        Provider.GitHub when !string.IsNullOrWhiteSpace(p.Owner) && !string.IsNullOrWhiteSpace(p.Repository) =>
            new RepositoryRef("github.com", $"{p.Owner.Trim()}/{p.Repository.Trim()}", RepositoryUrlForm.Url),
        Provider.GitLab when !string.IsNullOrWhiteSpace(p.ProjectPath) => new RepositoryRef("gitlab.com", p.ProjectPath.Trim().Trim('/'), RepositoryUrlForm.Url),
        Provider.CircleCI => RepositoryUrl.FromVcsOrigin(p.VcsOrigin),
        _ => null,
    };

    /// <summary>The package.json snippet that fixes the repository of <paramref name="package"/> for <paramref name="expected"/>.</summary>
    public static string RepositorySnippet(RepositoryRef expected, PlannedPackage package)
    {
        var directory = NormalizeDirectory(package.WorkspacePath ?? package.RepositoryDirectory);
        var url = JsonString(expected.CanonicalUrl);
        return string.IsNullOrEmpty(directory)
            ? $"\"repository\": {{\"type\": \"git\", \"url\": {url}}}"
            : $"\"repository\": {{\"type\": \"git\", \"url\": {url}, \"directory\": {JsonString(directory)}}}";
    }

    /// <summary>A JSON string as a person would type it in package.json ('+' and non-ASCII letters not escaped).</summary>
    public static string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value, ReadableJson);

    /// <summary>JSON for files people read (package.json snippets, placeholder manifests); never embedded in HTML.</summary>
    public static System.Text.Json.JsonSerializerOptions ReadableJson { get; } =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string RepositoryFix(RepositoryRef expected, PlannedPackage package) => $"set in package.json: {RepositorySnippet(expected, package)}";

    /// <summary>
    /// The repository URL checked for a package: package.json's, or for a package added by name (no package.json in the plan)
    /// the one the registry reports for its latest version; with where it came from, for the messages.
    /// </summary>
    public static (string? Url, string Where) RepositoryOf(PlannedPackage package) =>
        !string.IsNullOrWhiteSpace(package.RepositoryUrl) ? (package.RepositoryUrl, "package.json")
        : !string.IsNullOrWhiteSpace(package.RegistryRepositoryUrl) ? (package.RegistryRepositoryUrl, "The registry's latest version")
        : (null, "package.json");

    public static PlanIssue? RepositoryUrlPresent(PublisherPlan effective, PlannedPackage package)
    {
        if (RepositoryOf(package).Url is not null || ExpectedRepository(effective) is not { } expected) return null;
        return new PlanIssue(PlanIssueCodes.RepositoryUrlMissing, "repository.url",
            package.WorkspacePath is null && package.RepositoryUrl is null
                ? $"Neither a package.json nor the registry names a repository for {package.Name}: npm checks that the published package.json names {expected.Host}/{expected.Path} before accepting a trusted publish."
                : $"package.json has no repository.url: npm checks that it names {expected.Host}/{expected.Path} before accepting a trusted publish.",
            RepositoryFix(expected, package), PlanIssueSeverity.Error, package.Name);
    }

    /// <summary>
    /// A shorthand (`github:o/r`, `o/r`) naming the right repository is only a warning: npm normalises it to the full URL when
    /// it publishes, and the trusted-publisher check reads the normalised form. A shorthand naming another repository is a
    /// mismatch (<see cref="RepositoryUrlSameRepository"/>).
    /// </summary>
    public static PlanIssue? RepositoryUrlNotShorthand(PublisherPlan effective, PlannedPackage package)
    {
        var (url, where) = RepositoryOf(package);
        if (RepositoryUrl.Parse(url) is not { Form: RepositoryUrlForm.Shorthand } actual || ExpectedRepository(effective) is not { } expected) return null;
        if (!actual.SameAs(expected)) return null;
        return new PlanIssue(PlanIssueCodes.RepositoryUrlShorthand, "repository.url",
            $"{where} names the repository as the shorthand \"{url!.Trim()}\". npm expands it to {expected.CanonicalUrl} when it publishes, so the trusted publish is accepted; the full URL is clearer.",
            RepositoryFix(expected, package), PlanIssueSeverity.Warning, package.Name);
    }

    public static PlanIssue? RepositoryUrlReadable(PublisherPlan effective, PlannedPackage package)
    {
        var (url, where) = RepositoryOf(package);
        if (url is null || RepositoryUrl.Parse(url) is not null || ExpectedRepository(effective) is not { } expected) return null;
        return new PlanIssue(PlanIssueCodes.RepositoryUrlInvalid, "repository.url",
            $"{where} repository.url \"{url.Trim()}\" is not a repository URL.",
            RepositoryFix(expected, package), PlanIssueSeverity.Error, package.Name);
    }

    public static PlanIssue? RepositoryUrlSameRepository(PublisherPlan effective, PlannedPackage package)
    {
        var (url, where) = RepositoryOf(package);
        if (RepositoryUrl.Parse(url) is not { } actual || ExpectedRepository(effective) is not { } expected) return null;
        if (actual.SameIgnoringCase(expected)) return null;
        return new PlanIssue(PlanIssueCodes.RepositoryUrlMismatch, "repository.url",
            $"{where} names {actual.Host}/{actual.Path}, but the trusted publisher is {expected.Host}/{expected.Path}; npm refuses a publish whose repository differs.",
            RepositoryFix(expected, package), PlanIssueSeverity.Error, package.Name);
    }

    public static PlanIssue? RepositoryUrlSameCase(PublisherPlan effective, PlannedPackage package)
    {
        var (url, where) = RepositoryOf(package);
        if (RepositoryUrl.Parse(url) is not { } actual || ExpectedRepository(effective) is not { } expected) return null;
        if (!actual.SameIgnoringCase(expected) || actual.SameAs(expected)) return null;
        return new PlanIssue(PlanIssueCodes.RepositoryUrlCase, "repository.url",
            $"{where} names {actual.Path} but the repository is {expected.Path}: npm compares the repository case-sensitively, so the publish would be refused.",
            RepositoryFix(expected, package), PlanIssueSeverity.Error, package.Name);
    }

    public static PlanIssue? RepositoryDirectoryMatchesWorkspace(PublisherPlan effective, PlannedPackage package)
    {
        if (package.WorkspacePath is null || string.IsNullOrWhiteSpace(package.RepositoryUrl)) return null;
        var workspace = NormalizeDirectory(package.WorkspacePath);
        var directory = NormalizeDirectory(package.RepositoryDirectory);
        if (string.Equals(workspace, directory, StringComparison.Ordinal)) return null;
        var expected = ExpectedRepository(effective) ?? RepositoryUrl.Parse(package.RepositoryUrl);
        return new PlanIssue(PlanIssueCodes.RepositoryDirectoryMismatch, "repository.directory",
            directory.Length == 0
                ? $"package.json has no repository.directory, but the package lives in \"{workspace}\"; provenance and the npm page will point at the repository root."
                : $"package.json repository.directory is \"{directory}\" but the package lives in \"{(workspace.Length == 0 ? "(the repository root)" : workspace)}\".",
            expected is null ? $"set repository.directory to \"{workspace}\"" : RepositoryFix(expected, package), PlanIssueSeverity.Warning, package.Name);
    }

    /// <summary>A folder inside the repository as npm writes it: forward slashes, no leading "./" or trailing "/", "" for the root.</summary>
    public static string NormalizeDirectory(string? directory)
    {
        if (string.IsNullOrWhiteSpace(directory)) return "";
        var d = directory.Trim().Replace('\\', '/');
        while (d.StartsWith("./", StringComparison.Ordinal)) d = d[2..];
        d = d.Trim('/');
        return d == "." ? "" : d;
    }
}

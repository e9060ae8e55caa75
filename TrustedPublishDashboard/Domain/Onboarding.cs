namespace TrustedPublishDashboard.Domain;

/// <summary>The CI identity issuers a trusted publisher can name.</summary>
public enum Provider
{
    GitHub,
    GitLab,
    CircleCI,
}

public static class Providers
{
    public static IReadOnlyList<Provider> All { get; } = [Provider.GitHub, Provider.GitLab, Provider.CircleCI];

    /// <summary>The code npm uses (`npm trust github`, `trustedPublisher.id`, trust list `type`).</summary>
    public static string Code(this Provider provider) => provider switch
    {
        Provider.GitHub => "github",
        Provider.GitLab => "gitlab",
        Provider.CircleCI => "circleci",
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    public static string DisplayName(this Provider provider) => provider switch
    {
        Provider.GitHub => "GitHub Actions",
        Provider.GitLab => "GitLab CI/CD",
        Provider.CircleCI => "CircleCI",
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    public static bool TryParse(string? code, out Provider provider)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Code(), code?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                provider = candidate;
                return true;
            }
        }
        provider = default;
        return false;
    }
}

/// <summary>
/// The trusted publisher a plan targets. One record serves all providers; each provider reads its own fields
/// (GitHub: Owner, Repository, WorkflowFile, Environment · GitLab: ProjectPath, CiFile, Environment ·
/// CircleCI: OrgId, ProjectId, PipelineDefinitionIds, VcsOrigin).
/// As a per-package override, null fields mean "as the plan says".
/// </summary>
public sealed record PublisherPlan
{
    public Provider Provider { get; init; } = Provider.GitHub;
    public string? Owner { get; init; }
    public string? Repository { get; init; }
    public string? WorkflowFile { get; init; }
    public string? Environment { get; init; }
    public string? ProjectPath { get; init; }
    public string? CiFile { get; init; }
    public string? OrgId { get; init; }
    public string? ProjectId { get; init; }
    /// <summary>Comma-separated CircleCI pipeline definition ids.</summary>
    public string? PipelineDefinitionIds { get; init; }
    public string? VcsOrigin { get; init; }

    /// <summary>`owner/repository` for GitHub, the project path for GitLab, `org/project` ids for CircleCI.</summary>
    public string? RepositorySlug => Provider switch
    {
        Provider.GitHub => string.IsNullOrWhiteSpace(Owner) || string.IsNullOrWhiteSpace(Repository) ? null : $"{Owner}/{Repository}",
        Provider.GitLab => string.IsNullOrWhiteSpace(ProjectPath) ? null : ProjectPath,
        _ => null,
    };

    /// <summary>Applies a per-package override: its non-empty fields win; the provider is the plan's unless the override names fields of another.</summary>
    public PublisherPlan With(PublisherOverride? overrides) => overrides is null ? this : this with
    {
        Owner = Pick(overrides.Owner, Owner),
        Repository = Pick(overrides.Repository, Repository),
        WorkflowFile = Pick(overrides.WorkflowFile, WorkflowFile),
        Environment = overrides.ClearEnvironment ? null : Pick(overrides.Environment, Environment),
        ProjectPath = Pick(overrides.ProjectPath, ProjectPath),
        CiFile = Pick(overrides.CiFile, CiFile),
        OrgId = Pick(overrides.OrgId, OrgId),
        ProjectId = Pick(overrides.ProjectId, ProjectId),
        PipelineDefinitionIds = Pick(overrides.PipelineDefinitionIds, PipelineDefinitionIds),
        VcsOrigin = Pick(overrides.VcsOrigin, VcsOrigin),
    };

    private static string? Pick(string? value, string? fallback) => string.IsNullOrWhiteSpace(value) ? fallback : value.Trim();
}

/// <summary>Per-package differences from the plan's publisher; null or empty fields inherit.</summary>
public sealed record PublisherOverride
{
    public string? Owner { get; init; }
    public string? Repository { get; init; }
    public string? WorkflowFile { get; init; }
    public string? Environment { get; init; }
    /// <summary>This package is published without an environment even though the plan names one.</summary>
    public bool ClearEnvironment { get; init; }
    public string? ProjectPath { get; init; }
    public string? CiFile { get; init; }
    public string? OrgId { get; init; }
    public string? ProjectId { get; init; }
    public string? PipelineDefinitionIds { get; init; }
    public string? VcsOrigin { get; init; }

    public bool IsEmpty => !ClearEnvironment && new[] { Owner, Repository, WorkflowFile, Environment, ProjectPath, CiFile, OrgId, ProjectId, PipelineDefinitionIds, VcsOrigin }
        .All(string.IsNullOrWhiteSpace);
}

/// <summary>One package as the plan knows it: what its manifest said and what the registry said.</summary>
/// <param name="Name">The package name (npm name rules).</param>
/// <param name="Version">The version in package.json, when imported from a repository.</param>
/// <param name="RepositoryUrl">package.json `repository.url` (or the shorthand string) as written.</param>
/// <param name="RepositoryDirectory">package.json `repository.directory`.</param>
/// <param name="WorkspacePath">Folder of the package.json inside the imported repository ("" = root).</param>
/// <param name="Exists">Whether the registry has the package: null = not checked or could not be checked.</param>
public sealed record PlannedPackage(
    string Name,
    string? Version = null,
    string? RepositoryUrl = null,
    string? RepositoryDirectory = null,
    string? WorkspacePath = null,
    bool? Exists = null,
    PublisherOverride? Override = null)
{
    /// <summary>The repository the registry reports (the latest published package.json's), used when <see cref="RepositoryUrl"/> is unknown.</summary>
    public string? RegistryRepositoryUrl { get; init; }
}

/// <summary>The tracker's steps, in the order a maintainer takes them.</summary>
public enum OnboardingStep
{
    Bootstrap,
    TrustConfigured,
    OidcOnly,
    TokenDeleted,
    FirstOidcPublish,
}

public enum StepState
{
    Pending,
    /// <summary>Done, and the product saw the proof (registry metadata, a pasted trust list).</summary>
    Verified,
    /// <summary>Done on a person's word (who and when are recorded).</summary>
    Confirmed,
    NotNeeded,
    Failed,
}

public static class OnboardingSteps
{
    public static IReadOnlyList<OnboardingStep> All { get; } =
        [OnboardingStep.Bootstrap, OnboardingStep.TrustConfigured, OnboardingStep.OidcOnly, OnboardingStep.TokenDeleted, OnboardingStep.FirstOidcPublish];

    public static string Code(this OnboardingStep step) => step switch
    {
        OnboardingStep.Bootstrap => "bootstrap",
        OnboardingStep.TrustConfigured => "trust-configured",
        OnboardingStep.OidcOnly => "oidc-only",
        OnboardingStep.TokenDeleted => "token-deleted",
        OnboardingStep.FirstOidcPublish => "first-oidc-publish",
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };

    public static string Title(this OnboardingStep step) => step switch
    {
        OnboardingStep.Bootstrap => "Bootstrap",
        OnboardingStep.TrustConfigured => "Trust configured",
        OnboardingStep.OidcOnly => "OIDC-only",
        OnboardingStep.TokenDeleted => "Bootstrap token deleted",
        OnboardingStep.FirstOidcPublish => "First OIDC publish verified",
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };

    public static OnboardingStep ParseStep(string code)
    {
        foreach (var step in All)
        {
            if (step.Code() == code) return step;
        }
        throw new FormatException($"'{code}' is not an onboarding step");
    }

    public static string Code(this StepState state) => state switch
    {
        StepState.Pending => "pending",
        StepState.Verified => "verified",
        StepState.Confirmed => "confirmed",
        StepState.NotNeeded => "not-needed",
        StepState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static StepState ParseState(string code) => code switch
    {
        "pending" => StepState.Pending,
        "verified" => StepState.Verified,
        "confirmed" => StepState.Confirmed,
        "not-needed" => StepState.NotNeeded,
        "failed" => StepState.Failed,
        _ => throw new FormatException($"'{code}' is not a step state"),
    };

    public static bool IsDone(this StepState state) => state is StepState.Verified or StepState.Confirmed or StepState.NotNeeded;
}

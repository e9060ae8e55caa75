using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>A publishable package found in the repository, with its package.json values as written.</summary>
/// <param name="Path">Folder of its package.json ("" = repository root).</param>
/// <param name="PublishConfigProvenance">`publishConfig.provenance` as written ("true"/"false"), when present.</param>
/// <param name="BuildScripts">Its build lifecycle scripts, comma-separated (`build,prepare`); null when it has none. A string so the record compares by value.</param>
/// <param name="BuildOutput">The build output its `files`/`main`/`exports` point at (`dist/`), when they do.</param>
public sealed record DiscoveredPackage(
    string Path,
    string Name,
    string? Version,
    string? RepositoryUrl,
    string? RepositoryDirectory,
    string? PublishConfigRegistry,
    string? PublishConfigAccess,
    string? PublishConfigTag,
    string? PublishConfigProvenance = null,
    string? BuildScripts = null,
    string? BuildOutput = null)
{
    public PlannedPackage ToPlanned() => new(Name, Version, RepositoryUrl, RepositoryDirectory, WorkspacePath: Path);
}

/// <summary>A package.json that will not be planned, and why, in a sentence for the maintainer.</summary>
/// <param name="Name">The name as written, when the file had one.</param>
public sealed record SkippedPackage(string Path, string? Name, string Reason);

/// <param name="Packages">Sorted by name.</param>
/// <param name="Sources">Where the workspace globs came from ("package.json workspaces", "pnpm-workspace.yaml", …); empty for a single-package repository.</param>
/// <param name="Problems">Files that could not be used and patterns that were ignored; discovery went on without them.</param>
public sealed record WorkspaceDiscoveryResult(
    IReadOnlyList<DiscoveredPackage> Packages,
    IReadOnlyList<SkippedPackage> Skipped,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> Problems)
{
    /// <summary>
    /// Set when discovery gave up (its work budget ran out); then nothing was discovered, rather than an arbitrary
    /// part of the repository, and nothing should be imported.
    /// </summary>
    public DiscoveryFailure? Failure { get; init; }
}

/// <summary>Why discovery gave up: a stable kebab-case <see cref="Code"/> and the sentence shown to the maintainer, with the fix.</summary>
public sealed record DiscoveryFailure(string Code, string Message)
{
    public const string TooManyPatterns = "too-many-workspace-patterns";
    public const string TooManyAlternatives = "workspace-braces-too-large";
    public const string TooDeep = "workspace-folder-too-deep";
    public const string TooManySteps = "workspace-globs-too-costly";
    public const string TooSlow = "workspace-discovery-too-slow";
}

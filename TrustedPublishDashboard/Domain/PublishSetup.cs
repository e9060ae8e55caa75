namespace TrustedPublishDashboard.Domain;

/// <summary>The package manager a repository is installed and built with.</summary>
public enum PackageManager
{
    Npm,
    Pnpm,
    /// <summary>Yarn 2 and later (`.yarnrc.yml`, `yarn install --immutable`).</summary>
    YarnBerry,
    /// <summary>Yarn 1 (`yarn install --frozen-lockfile`); it cannot publish with OIDC, so npm publishes.</summary>
    YarnClassic,
    Bun,
}

/// <summary>A release tool that owns the publish step of a repository.</summary>
public enum ReleaseTool
{
    None,
    /// <summary>A `.changeset/` folder: `changeset publish` publishes the versions not yet on the registry.</summary>
    Changesets,
    /// <summary>A `lerna.json`: `lerna publish from-package` publishes the versions not yet on the registry (Lerna ≥ 9 for OIDC).</summary>
    Lerna,
}

/// <summary>
/// What a publish workflow needs to know about an imported package: the repository's package manager and release tool
/// (with where each was read) and whether the package builds before it is published.
/// </summary>
public sealed record PublishSetup
{
    public PackageManager Manager { get; init; } = PackageManager.Npm;
    /// <summary>The version from `packageManager` (`pnpm@9.12.0` → `9.12.0`), when declared.</summary>
    public string? ManagerVersion { get; init; }
    /// <summary>Where the manager was read: `packageManager "pnpm@9.12.0"`, `pnpm-lock.yaml`, or `no lock file`.</summary>
    public string ManagerSource { get; init; } = "";
    /// <summary>The manager's lock file at the repository root; null when there is none (then the install cannot be frozen).</summary>
    public string? LockFile { get; init; }
    public ReleaseTool Tool { get; init; }
    /// <summary>The root package.json has a `build` script (the repository builds from the root).</summary>
    public bool RootBuild { get; init; }
    /// <summary>This package's build lifecycle scripts (`build`, `prepare`, `prepublishOnly`, `prepack`).</summary>
    public IReadOnlyList<string> BuildScripts { get; init; } = [];
    /// <summary>The build output `files`/`main`/`exports` point at (`dist/`), when they do.</summary>
    public string? BuildOutput { get; init; }

    /// <summary>The package has to be built before it is packed: a build script, or published files that only a build makes.</summary>
    public bool Builds => BuildScripts.Count > 0 || BuildOutput is not null;
}

public static class PublishSetups
{
    public static string DisplayName(this PackageManager manager) => manager switch
    {
        PackageManager.Npm => "npm",
        PackageManager.Pnpm => "pnpm",
        PackageManager.YarnBerry => "Yarn (berry)",
        PackageManager.YarnClassic => "Yarn classic (1.x)",
        PackageManager.Bun => "Bun",
        _ => throw new ArgumentOutOfRangeException(nameof(manager)),
    };

    public static string DisplayName(this ReleaseTool tool) => tool switch
    {
        ReleaseTool.None => "no release tool",
        ReleaseTool.Changesets => "Changesets",
        ReleaseTool.Lerna => "Lerna",
        _ => throw new ArgumentOutOfRangeException(nameof(tool)),
    };
}

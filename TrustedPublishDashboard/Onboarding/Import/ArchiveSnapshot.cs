namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// What an archive holds that onboarding needs: the workspace manifests (by repository-relative path, '/'
/// separated, no leading "./", the single top-level folder of GitHub/GitLab downloads stripped) and the folders.
/// Nothing is ever written to disk.
/// </summary>
/// <param name="Files">package.json, pnpm-workspace.yaml/.yml and lerna.json files outside node_modules.</param>
/// <param name="Directories">Every folder path seen (from folder entries and from the parents of every entry); the root is not listed.</param>
/// <param name="Warnings">Entries left out on purpose (links, devices), one sentence each.</param>
/// <param name="EntryCount">Entries in the archive, of every kind.</param>
public sealed record ArchiveSnapshot(
    IReadOnlyDictionary<string, byte[]> Files,
    IReadOnlySet<string> Directories,
    IReadOnlyList<string> Warnings,
    int EntryCount)
{
    /// <summary>Manifests that were in the archive but could not be kept (too large, unreadable), by path, with why.</summary>
    public IReadOnlyDictionary<string, string> Problems { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Names of the regular files at the repository root (lock files, .yarnrc.yml): seen, not read.</summary>
    public IReadOnlySet<string> RootFiles { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>File names kept wherever they are (outside node_modules); all else is only counted.</summary>
    public static IReadOnlySet<string> KeptFileNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "package.json", "pnpm-workspace.yaml", "pnpm-workspace.yml", "lerna.json",
    };
}

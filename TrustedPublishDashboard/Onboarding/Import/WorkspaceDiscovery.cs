using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// Finds the packages of a repository snapshot the way the package managers do: the union of the workspace
/// globs from package.json, pnpm-workspace.yaml and lerna.json, or the root package.json alone when nothing
/// declares workspaces. Pure: it reads only the snapshot.
/// </summary>
public static class WorkspaceDiscovery
{
    public const string RootManifest = "package.json";
    public const int MaxPatterns = 256;
    public const string LernaDefaultSource = "lerna.json (default packages/*)";

    private sealed record Source(string FileName, string Name, Func<byte[], (IReadOnlyList<string>? Globs, string? Error)> Read);

    // Every source present is read and their globs are unioned: repositories migrating between tools often
    // keep two, and a package listed by either is one a maintainer expects to see.
    private static readonly Source[] Sources =
    [
        new(RootManifest, "package.json workspaces", ReadPackageJsonWorkspaces),
        new("pnpm-workspace.yaml", "pnpm-workspace.yaml", bytes => WorkspaceManifests.ReadPnpm(bytes, "pnpm-workspace.yaml")),
        new("pnpm-workspace.yml", "pnpm-workspace.yml", bytes => WorkspaceManifests.ReadPnpm(bytes, "pnpm-workspace.yml")),
        new("lerna.json", "lerna.json", WorkspaceManifests.ReadLerna),
    ];

    private sealed record SkipRule(Func<PackageManifest, string?> Reason);

    // In order; the first reason wins. Duplicates are decided afterwards, over the packages that pass these.
    private static readonly SkipRule[] SkipRules =
    [
        new(m => m.IsPrivate ? "private: true — npm never publishes it" : null),
        new(m => m.Name is null ? m.NameError ?? "package.json has no \"name\"" : PackageNames.CheckNpm(m.Name).Error),
    ];

    public static WorkspaceDiscoveryResult Discover(ArchiveSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var problems = new List<string>();
        var sources = new List<string>();
        var patterns = new List<string>();
        var unusable = new HashSet<string>(StringComparer.Ordinal);

        foreach (var source in Sources)
        {
            if (snapshot.Problems.TryGetValue(source.FileName, out var unreadable))
            {
                problems.Add(unreadable);
                unusable.Add(source.FileName);
                continue;
            }
            if (!snapshot.Files.TryGetValue(source.FileName, out var bytes)) continue;
            var (globs, error) = source.Read(bytes);
            if (error is not null)
            {
                problems.Add(error);
                unusable.Add(source.FileName);
            }
            if (globs is null) continue;
            sources.Add(source.Name);
            patterns.AddRange(globs);
        }
        // Lerna's documented default, only when nothing else says where the packages are.
        if (sources.Count == 0 && snapshot.Files.ContainsKey("lerna.json") && !unusable.Contains("lerna.json"))
        {
            sources.Add(LernaDefaultSource);
            patterns.Add("packages/*");
        }

        var candidates = new List<(string Path, PackageManifest? Manifest, string? Error)>();
        var root = ReadManifest(snapshot, "");
        if (root is null)
        {
            problems.Add("there is no package.json at the repository root");
        }
        // A root that cannot be read was reported by the package.json source already.
        else if (root.Value.Manifest is { } rootManifest && (sources.Count == 0 || rootManifest.Name is not null))
        {
            // With workspaces the root is usually just the workspace container; it is a package only when named.
            candidates.Add(("", rootManifest, null));
        }

        if (sources.Count > 0)
        {
            var globs = Compile(patterns, problems);
            foreach (var directory in ManifestDirectories(snapshot).Where(d => WorkspaceGlob.Selects(globs, d)))
            {
                var (manifest, error) = ReadManifest(snapshot, directory)!.Value;
                candidates.Add((directory, manifest, error));
            }
        }

        var (packages, skipped) = Decide(candidates);
        return new WorkspaceDiscoveryResult(packages, skipped, sources, problems);
    }

    private static (IReadOnlyList<string>? Globs, string? Error) ReadPackageJsonWorkspaces(byte[] bytes)
    {
        var (manifest, error) = PackageManifest.Parse(bytes);
        return manifest is null ? (null, error) : (manifest.Workspaces, manifest.WorkspacesError);
    }

    private static (PackageManifest? Manifest, string? Error)? ReadManifest(ArchiveSnapshot snapshot, string directory)
    {
        var path = directory.Length == 0 ? RootManifest : $"{directory}/{RootManifest}";
        if (snapshot.Problems.TryGetValue(path, out var problem)) return (null, problem);
        return snapshot.Files.TryGetValue(path, out var bytes) ? PackageManifest.Parse(bytes) : null;
    }

    /// <summary>Folders (not the root, not under node_modules) holding a package.json, kept or not, in path order.</summary>
    private static IEnumerable<string> ManifestDirectories(ArchiveSnapshot snapshot) =>
        snapshot.Files.Keys.Concat(snapshot.Problems.Keys)
            .Where(path => ArchivePath.FileName(path) == RootManifest && path != RootManifest && !ArchivePath.IsUnderNodeModules(path))
            .Select(ArchivePath.Parent)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

    private static List<WorkspaceGlob> Compile(List<string> patterns, List<string> problems)
    {
        if (patterns.Count > MaxPatterns) problems.Add($"more than {MaxPatterns} workspace patterns; only the first {MaxPatterns} were used");
        var globs = new List<WorkspaceGlob>();
        foreach (var pattern in patterns.Distinct(StringComparer.Ordinal).Take(MaxPatterns))
        {
            var (glob, error) = WorkspaceGlob.Parse(pattern);
            if (error is not null) problems.Add(error);
            if (glob is not null) globs.Add(glob);
        }
        return globs;
    }

    private static (List<DiscoveredPackage>, List<SkippedPackage>) Decide(List<(string Path, PackageManifest? Manifest, string? Error)> candidates)
    {
        var packages = new List<DiscoveredPackage>();
        var skipped = new List<SkippedPackage>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, manifest, error) in candidates)
        {
            if (manifest is null)
            {
                skipped.Add(new SkippedPackage(path, null, error!));
                continue;
            }
            var reason = SkipRules.Select(rule => rule.Reason(manifest)).FirstOrDefault(r => r is not null);
            if (reason is null && seen.TryGetValue(manifest.Name!, out var first))
            {
                reason = $"the name '{manifest.Name}' is already used by the package at {Where(first)}";
            }
            if (reason is not null)
            {
                skipped.Add(new SkippedPackage(path, manifest.Name, reason));
                continue;
            }
            seen[manifest.Name!] = path;
            packages.Add(new DiscoveredPackage(path, manifest.Name!, manifest.Version, manifest.RepositoryUrl, manifest.RepositoryDirectory,
                manifest.PublishConfigRegistry, manifest.PublishConfigAccess, manifest.PublishConfigTag, manifest.PublishConfigProvenance));
        }
        packages.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return (packages, skipped);
    }

    private static string Where(string path) => path.Length == 0 ? "the repository root" : $"'{path}'";
}

using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// Finds the packages of a repository snapshot the way the package managers do: the union of the workspace
/// globs from package.json, pnpm-workspace.yaml and lerna.json, or the root package.json alone when nothing
/// declares workspaces. Pure: it reads only the snapshot. The globs and the folders are both the uploader's, so
/// matching runs on a <see cref="DiscoveryLimits"/> budget and gives up with a <see cref="DiscoveryFailure"/>.
/// </summary>
public static class WorkspaceDiscovery
{
    public const string RootManifest = "package.json";
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
        // Onboarding publishes under the manifest's name; npm refuses new packages with a legacy name, and an archive
        // cannot tell whether it already exists. Adding it by name checks that on the registry.
        new(m => m.Name is { } name && PackageNames.CheckNpm(name).Legacy is { } legacy
            ? $"{legacy}; if the package already exists on the registry, add it by name" : null),
    ];

    /// <exception cref="OperationCanceledException">The token was cancelled; it is checked every few hundred matching steps.</exception>
    public static WorkspaceDiscoveryResult Discover(ArchiveSnapshot snapshot, CancellationToken ct = default) =>
        Discover(snapshot, DiscoveryLimits.Default, ct);

    /// <inheritdoc cref="Discover(ArchiveSnapshot, CancellationToken)"/>
    public static WorkspaceDiscoveryResult Discover(ArchiveSnapshot snapshot, DiscoveryLimits limits, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(limits);
        var budget = new DiscoveryBudget(limits, ct);
        var problems = new List<string>();
        var sources = new List<string>();
        try
        {
            budget.Check();
            return Discover(snapshot, budget, sources, problems);
        }
        catch (DiscoveryBudgetExceededException ex)
        {
            var fix = ex.Code == DiscoveryFailure.TooDeep
                ? "remove that package.json from the archive, or upload an archive of the workspace alone"
                : $"simplify the patterns in {(sources.Count == 0 ? "the workspace files" : string.Join(" and ", sources))} (fewer patterns, `{{a,b}}` groups, `*` and `**`)";
            return new WorkspaceDiscoveryResult([], [], sources, problems) { Failure = new DiscoveryFailure(ex.Code, $"{ex.Message}; {fix}.") };
        }
    }

    private static WorkspaceDiscoveryResult Discover(ArchiveSnapshot snapshot, DiscoveryBudget budget, List<string> sources, List<string> problems)
    {
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
            var globs = Compile(patterns, problems, budget);
            var folders = Folders(snapshot, budget);
            budget.Folders = folders.Count;
            foreach (var (directory, segments) in folders)
            {
                if (!WorkspaceGlob.Selects(globs, segments, budget)) continue;
                // Reading a manifest is not a matching step, but 45,000 of them still take time worth checking.
                budget.Check();
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

    /// <summary>
    /// Folders (not the root, not under node_modules) holding a package.json, kept or not, in path order, each split
    /// once into its names. One deeper than the budget stops discovery before any matching: every pattern is run
    /// along every name of every folder, so depth multiplies all the other costs.
    /// </summary>
    private static List<(string Directory, string[] Segments)> Folders(ArchiveSnapshot snapshot, DiscoveryBudget budget)
    {
        var directories = snapshot.Files.Keys.Concat(snapshot.Problems.Keys)
            .Where(path => ArchivePath.FileName(path) == RootManifest && path != RootManifest)
            .Select(ArchivePath.Parent)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        var folders = new List<(string, string[])>();
        foreach (var directory in directories)
        {
            budget.Check();
            if (WorkspaceGlob.Folder(directory) is not { } segments) continue;
            if (segments.Length > budget.Limits.MaxDepth)
            {
                throw new DiscoveryBudgetExceededException(DiscoveryFailure.TooDeep,
                    $"the package.json in '{ArchivePath.Display(directory)}' is {segments.Length} folders deep, more than the {budget.Limits.MaxDepth} that workspace discovery accepts");
            }
            folders.Add((directory, segments));
        }
        return folders;
    }

    private static List<WorkspaceGlob> Compile(List<string> patterns, List<string> problems, DiscoveryBudget budget)
    {
        var distinct = patterns.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > budget.Limits.MaxPatterns)
        {
            throw new DiscoveryBudgetExceededException(DiscoveryFailure.TooManyPatterns,
                $"there are {distinct.Count:N0} workspace patterns, more than the {budget.Limits.MaxPatterns:N0} accepted");
        }
        var globs = new List<WorkspaceGlob>();
        foreach (var pattern in distinct)
        {
            budget.Check();
            var (glob, error) = WorkspaceGlob.Parse(pattern, budget);
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
                manifest.PublishConfigRegistry, manifest.PublishConfigAccess, manifest.PublishConfigTag, manifest.PublishConfigProvenance,
                manifest.BuildScripts.Count == 0 ? null : string.Join(',', manifest.BuildScripts),
                manifest.PublishedPaths.Select(PublishSetupDetection.BuildOutputOf).FirstOrDefault(o => o is not null)));
        }
        packages.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return (packages, skipped);
    }

    private static string Where(string path) => path.Length == 0 ? "the repository root" : $"'{path}'";
}

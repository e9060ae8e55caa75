using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// Reads from a repository snapshot how it is installed, built and released: the package manager (root package.json
/// `packageManager` first, as corepack does, then the lock file), the release tool (`.changeset/`, `lerna.json`) and, per
/// package, whether it builds. Pure; each rule is one row.
/// </summary>
public static class PublishSetupDetection
{
    /// <summary>Lock files by manager, in the order they are looked for.</summary>
    public static IReadOnlyList<(PackageManager Manager, string File)> LockFiles { get; } =
    [
        (PackageManager.Pnpm, "pnpm-lock.yaml"),
        (PackageManager.Bun, "bun.lock"),
        (PackageManager.Bun, "bun.lockb"),
        (PackageManager.YarnBerry, "yarn.lock"),
        (PackageManager.YarnClassic, "yarn.lock"),
        (PackageManager.Npm, "package-lock.json"),
        (PackageManager.Npm, "npm-shrinkwrap.json"),
    ];

    /// <summary>Folders that only a build fills; `files`/`main`/`exports` naming one means the package must be built first.</summary>
    public static IReadOnlyList<string> BuildOutputFolders { get; } = ["dist", "build", "lib", "out", "esm", "cjs", "types"];

    private delegate (PackageManager Manager, string? Version, string Source)? ManagerRule(PackageManifest? root, IReadOnlySet<string> rootFiles);

    // In order; the first answer wins. corepack obeys `packageManager`, so it outranks the lock files.
    private static readonly (string Name, ManagerRule Rule)[] ManagerRules =
    [
        ("packageManager field", (root, _) => FromPackageManagerField(root?.PackageManager)),
        ("pnpm lock file", (_, files) => files.Contains("pnpm-lock.yaml") ? (PackageManager.Pnpm, null, "pnpm-lock.yaml") : null),
        ("bun lock file", (_, files) => files.FirstOrDefault(f => f is "bun.lock" or "bun.lockb") is { } f ? (PackageManager.Bun, null, f) : null),
        ("yarn berry", (_, files) => files.Contains("yarn.lock") && files.Contains(".yarnrc.yml") ? (PackageManager.YarnBerry, null, "yarn.lock and .yarnrc.yml") : null),
        ("yarn classic", (_, files) => files.Contains("yarn.lock") ? (PackageManager.YarnClassic, null, "yarn.lock without .yarnrc.yml") : null),
        ("npm lock file", (_, files) => files.FirstOrDefault(f => f is "package-lock.json" or "npm-shrinkwrap.json") is { } f ? (PackageManager.Npm, null, f) : null),
    ];

    /// <summary>The repository's setup with no package-specific part (see <see cref="ForPackage"/>).</summary>
    public static PublishSetup Detect(ArchiveSnapshot snapshot)
    {
        var root = snapshot.Files.TryGetValue(WorkspaceDiscovery.RootManifest, out var bytes) ? PackageManifest.Parse(bytes).Manifest : null;
        var files = snapshot.RootFiles;
        var found = ManagerRules.Select(r => r.Rule(root, files)).FirstOrDefault(r => r is not null);
        var (manager, version, source) = found ?? (PackageManager.Npm, null, "no lock file or packageManager field (npm assumed)");
        var lockFile = LockFiles.Where(l => l.Manager == manager || (IsYarn(manager) && l.File == "yarn.lock")).Select(l => l.File).FirstOrDefault(files.Contains);
        var tool = snapshot.Directories.Contains(".changeset") ? ReleaseTool.Changesets
            : snapshot.Files.ContainsKey("lerna.json") ? ReleaseTool.Lerna
            : ReleaseTool.None;
        return new PublishSetup
        {
            Manager = manager,
            ManagerVersion = version,
            ManagerSource = source,
            LockFile = lockFile,
            Tool = tool,
            RootBuild = root?.BuildScripts.Contains("build") == true,
        };
    }

    /// <summary>The repository's setup with this package's build facts.</summary>
    public static PublishSetup ForPackage(PublishSetup repository, DiscoveredPackage package) => repository with
    {
        BuildScripts = package.BuildScripts?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [],
        BuildOutput = package.BuildOutput,
    };

    /// <summary>`dist/` for `dist`, `./dist/index.js`, `dist/**`; null for source paths.</summary>
    public static string? BuildOutputOf(string path)
    {
        var p = path.Trim().Replace('\\', '/');
        while (p.StartsWith("./", StringComparison.Ordinal)) p = p[2..];
        p = p.TrimStart('!', '/');
        var first = p.Split('/', 2)[0];
        return BuildOutputFolders.Contains(first, StringComparer.Ordinal) ? first + "/" : null;
    }

    /// <summary>corepack's `name@version[+hash]`; yarn 1.x is classic, later yarn is berry.</summary>
    public static (PackageManager, string?, string)? FromPackageManagerField(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        var at = text.IndexOf('@', 1);
        var name = at < 0 ? text : text[..at];
        var version = at < 0 ? null : text[(at + 1)..].Split('+')[0];
        if (string.IsNullOrEmpty(version)) version = null;
        PackageManager? manager = name switch
        {
            "npm" => PackageManager.Npm,
            "pnpm" => PackageManager.Pnpm,
            "bun" => PackageManager.Bun,
            "yarn" => version is not null && version.StartsWith("1.", StringComparison.Ordinal) ? PackageManager.YarnClassic : PackageManager.YarnBerry,
            _ => null,
        };
        return manager is { } m ? (m, version, $"packageManager \"{text}\"") : null;
    }

    private static bool IsYarn(PackageManager m) => m is PackageManager.YarnBerry or PackageManager.YarnClassic;
}

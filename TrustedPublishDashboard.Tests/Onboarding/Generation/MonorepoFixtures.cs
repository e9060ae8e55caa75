using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding.Generation;
using TrustedPublishDashboard.Onboarding.Import;

namespace TrustedPublishDashboard.Tests.Onboarding;

/// <summary>
/// Repository archives of each monorepo kind the publish workflow must handle (npm workspaces, pnpm, yarn berry, yarn
/// classic, bun, changesets, lerna), each with one package that builds into dist/ and one that publishes its sources.
/// </summary>
public static class MonorepoFixtures
{
    public const string Repo = "\"repository\": {\"type\": \"git\", \"url\": \"git+https://github.com/Octo-Org/Widgets.git\", \"directory\": \"packages/DIR\"}";

    private static string RepoOf(string dir) => Repo.Replace("DIR", dir, StringComparison.Ordinal);

    /// <summary>`@octo/widget-a` (build script, files: dist) and `widget-b` (plain sources, no build) under packages/.</summary>
    private static TestArchive Packages(TestArchive archive, string dependency = "\"^1.0.0\"") => archive
        .Package("packages/widget-a", "@octo/widget-a", $"\"scripts\": {{\"build\": \"tsc -p .\"}}, \"files\": [\"dist\"], \"main\": \"./dist/index.js\", {RepoOf("widget-a")}")
        .Package("packages/widget-b", "widget-b", $"\"dependencies\": {{\"@octo/widget-a\": {dependency}}}, \"files\": [\"src\"], {RepoOf("widget-b")}")
        .File("packages/widget-b/src/index.js", "module.exports = 1;\n");

    public static TestArchive Npm() => Packages(new TestArchive()
        .File("package.json", "{ \"name\": \"widgets-root\", \"private\": true, \"workspaces\": [\"packages/*\"] }")
        .File("package-lock.json", "{ \"lockfileVersion\": 3 }"));

    public static TestArchive Pnpm() => Packages(new TestArchive()
        .File("package.json", "{ \"name\": \"widgets-root\", \"private\": true, \"packageManager\": \"pnpm@9.12.0+sha512.abc\" }")
        .File("pnpm-workspace.yaml", "packages:\n  - 'packages/*'\n")
        .File("pnpm-lock.yaml", "lockfileVersion: '9.0'\n"), "\"workspace:^\"");

    public static TestArchive YarnBerry() => Packages(new TestArchive()
        .File("package.json", "{ \"name\": \"widgets-root\", \"private\": true, \"packageManager\": \"yarn@4.5.0\", \"workspaces\": [\"packages/*\"] }")
        .File("yarn.lock", "__metadata:\n  version: 8\n")
        .File(".yarnrc.yml", "nodeLinker: node-modules\n"), "\"workspace:^\"");

    public static TestArchive YarnClassic() => Packages(new TestArchive()
        .File("package.json", "{ \"name\": \"widgets-root\", \"private\": true, \"workspaces\": [\"packages/*\"] }")
        .File("yarn.lock", "# yarn lockfile v1\n"));

    public static TestArchive Bun() => Packages(new TestArchive()
        .File("package.json", "{ \"name\": \"widgets-root\", \"private\": true, \"workspaces\": [\"packages/*\"] }")
        .File("bun.lock", "{ \"lockfileVersion\": 1 }"), "\"workspace:*\"");

    public static TestArchive Changesets() => Packages(new TestArchive()
        .File("package.json", "{ \"name\": \"widgets-root\", \"private\": true, \"workspaces\": [\"packages/*\"], \"scripts\": {\"build\": \"tsc -b\"} }")
        .File("package-lock.json", "{ \"lockfileVersion\": 3 }")
        .File(".changeset/config.json", "{ \"baseBranch\": \"main\" }"));

    public static TestArchive Lerna() => Packages(new TestArchive()
        .File("package.json", "{ \"name\": \"widgets-root\", \"private\": true, \"workspaces\": [\"packages/*\"] }")
        .File("package-lock.json", "{ \"lockfileVersion\": 3 }")
        .File("lerna.json", "{ \"version\": \"independent\" }"));

    /// <summary>What the import stores for each package of the archive (the same calls OnboardingService makes).</summary>
    public static async Task<(PublishSetup Repository, IReadOnlyList<WorkflowPackage> Packages)> ImportAsync(TestArchive archive, ArchiveFormat format = ArchiveFormat.TarGz)
    {
        var snapshot = await archive.WithGitCommitHeader().ReadAsync(format);
        var discovery = WorkspaceDiscovery.Discover(snapshot);
        var setup = PublishSetupDetection.Detect(snapshot);
        return (setup, discovery.Packages
            .Select(p => new WorkflowPackage(p.Name, p.Path, PublishSetupDetection.ForPackage(setup, p)))
            .ToList());
    }
}

using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding.Import;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class PublishSetupDetectionTests
{
    [Theory]
    [InlineData("pnpm@9.12.0", PackageManager.Pnpm, "9.12.0")]
    [InlineData("pnpm@10.4.1+sha512.c753b6c3ad7afa13af388fa6d808035a008e30ea9993f58c6663e2bc5ff21679", PackageManager.Pnpm, "10.4.1")]
    [InlineData("yarn@4.5.0", PackageManager.YarnBerry, "4.5.0")]
    [InlineData("yarn@1.22.22", PackageManager.YarnClassic, "1.22.22")]
    [InlineData("bun@1.1.38", PackageManager.Bun, "1.1.38")]
    [InlineData("npm@11.6.2", PackageManager.Npm, "11.6.2")]
    public void FromPackageManagerField_NameAndVersion(string field, PackageManager manager, string version)
    {
        var (m, v, source) = PublishSetupDetection.FromPackageManagerField(field)!.Value;
        Assert.Equal((manager, version), (m, v));
        Assert.Equal($"packageManager \"{field}\"", source);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("deno@2.0.0")]
    public void FromPackageManagerField_AbsentOrUnknown_IsNull(string? field) => Assert.Null(PublishSetupDetection.FromPackageManagerField(field));

    // root files → manager, lock file. GitHub's archives put everything under one "repo-sha/" folder.
    [Theory]
    [InlineData("pnpm-lock.yaml", PackageManager.Pnpm, "pnpm-lock.yaml")]
    [InlineData("bun.lockb", PackageManager.Bun, "bun.lockb")]
    [InlineData("bun.lock", PackageManager.Bun, "bun.lock")]
    [InlineData("yarn.lock .yarnrc.yml", PackageManager.YarnBerry, "yarn.lock")]
    [InlineData("yarn.lock", PackageManager.YarnClassic, "yarn.lock")]
    [InlineData("package-lock.json", PackageManager.Npm, "package-lock.json")]
    [InlineData("npm-shrinkwrap.json", PackageManager.Npm, "npm-shrinkwrap.json")]
    [InlineData("README.md", PackageManager.Npm, null)]
    public async Task Detect_LockFiles_UnderTheArchivesTopFolder(string files, PackageManager manager, string? lockFile)
    {
        var archive = new TestArchive().Package("widgets-0123abc", "widgets-root", "\"private\": true, \"workspaces\": [\"packages/*\"]");
        foreach (var file in files.Split(' ')) archive.File($"widgets-0123abc/{file}", "x");
        // A lock file deeper down belongs to something else (a fixture, an example) and must not decide.
        archive.File("widgets-0123abc/examples/demo/pnpm-lock.yaml", "x");

        var setup = PublishSetupDetection.Detect(await archive.ReadAsync(ArchiveFormat.TarGz));

        Assert.Equal((manager, lockFile), (setup.Manager, setup.LockFile));
        Assert.Equal(ReleaseTool.None, setup.Tool);
    }

    [Fact]
    public async Task Detect_PackageManagerFieldOutranksTheLockFile_AndALockOfAnotherManagerIsNotFrozen()
    {
        var archive = new TestArchive()
            .Package("", "widgets-root", "\"private\": true, \"packageManager\": \"pnpm@9.12.0\"")
            .File("package-lock.json", "{}");

        var setup = PublishSetupDetection.Detect(await archive.ReadAsync(ArchiveFormat.Zip));

        Assert.Equal((PackageManager.Pnpm, "9.12.0", null), (setup.Manager, setup.ManagerVersion, setup.LockFile));
    }

    [Theory]
    [InlineData(".changeset/config.json", ReleaseTool.Changesets)]
    [InlineData("lerna.json", ReleaseTool.Lerna)]
    public async Task Detect_ReleaseTool(string file, ReleaseTool tool)
    {
        var archive = new TestArchive().Package("", "widgets-root", "\"private\": true, \"workspaces\": [\"packages/*\"], \"scripts\": {\"build\": \"tsc -b\"}")
            .File(file, "{}");

        var setup = PublishSetupDetection.Detect(await archive.ReadAsync(ArchiveFormat.TarGz));

        Assert.Equal(tool, setup.Tool);
        Assert.True(setup.RootBuild);
    }

    [Theory]
    [InlineData("dist", "dist/")]
    [InlineData("./dist/index.js", "dist/")]
    [InlineData("dist/**/*.js", "dist/")]
    [InlineData("lib", "lib/")]
    [InlineData("build/", "build/")]
    [InlineData("src", null)]
    [InlineData("index.js", null)]
    [InlineData("README.md", null)]
    public void BuildOutputOf_BuildFolders(string path, string? output) => Assert.Equal(output, PublishSetupDetection.BuildOutputOf(path));

    [Fact]
    public async Task ForPackage_BuildScriptsAndFilesPointingAtDist_MeanItBuilds()
    {
        var (_, packages) = await MonorepoFixtures.ImportAsync(MonorepoFixtures.Pnpm());
        var a = packages.Single(p => p.Name == "@octo/widget-a").Setup!;
        var b = packages.Single(p => p.Name == "widget-b").Setup!;

        Assert.Equal(["build"], a.BuildScripts);
        Assert.Equal(("dist/", true), (a.BuildOutput, a.Builds));
        Assert.Empty(b.BuildScripts);
        Assert.Equal((null, false), (b.BuildOutput, b.Builds));
    }
}

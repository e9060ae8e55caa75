using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding.Import;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class WorkspaceDiscoveryTests
{
    private const string PrivateReason = "private: true — npm never publishes it";

    private static string[] Names(WorkspaceDiscoveryResult result) => [.. result.Packages.Select(p => p.Name)];

    private static string[] Paths(WorkspaceDiscoveryResult result) => [.. result.Packages.Select(p => p.Path)];

    [Theory]
    [InlineData(ArchiveFormat.Zip)]
    [InlineData(ArchiveFormat.TarGz)]
    public async Task Discover_NpmWorkspacesArray_FindsMatchingFoldersSortedByName(ArchiveFormat format)
    {
        var result = await new TestArchive()
            .File("package.json", """{ "name": "monorepo", "private": true, "workspaces": ["packages/*", "./tools/cli/"] }""")
            .Package("packages/zeta", "zeta")
            .Package("packages/alpha", "@scope/alpha")
            .Package("packages/alpha/fixtures/inner", "not-matched")
            .Package("tools/cli", "cli")
            .Package("other", "not-listed")
            .File("packages/no-manifest/index.js", "")
            .DiscoverAsync(format);

        Assert.Equal(["@scope/alpha", "cli", "zeta"], Names(result));
        Assert.Equal(["packages/alpha", "tools/cli", "packages/zeta"], Paths(result));
        Assert.Equal(["package.json workspaces"], result.Sources);
        Assert.Equal([new SkippedPackage("", "monorepo", PrivateReason)], result.Skipped);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task Discover_YarnObjectForm_UsesItsPackagesList()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": { "packages": ["libs/*"], "nohoist": ["**/react"] } }""")
            .Package("libs/a", "a")
            .Package("packages/b", "b")
            .DiscoverAsync();

        Assert.Equal(["a"], Names(result));
        Assert.Equal(["package.json workspaces"], result.Sources);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public async Task Discover_PnpmWorkspaceYaml_UsesPackagesListWithExclusions()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "name": "root", "private": true }""")
            .File("pnpm-workspace.yaml", """
                # comment
                packages:
                  - 'packages/*'
                  - "apps/**"
                  - '!**/test/**'
                catalog:
                  react: ^18
                """)
            .Package("packages/a", "a")
            .Package("apps/web", "web")
            .Package("apps/web/test/fixture", "fixture")
            .DiscoverAsync();

        Assert.Equal(["a", "web"], Names(result));
        Assert.Equal(["pnpm-workspace.yaml"], result.Sources);
        Assert.Equal([new SkippedPackage("", "root", PrivateReason)], result.Skipped);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task Discover_PnpmWorkspaceYamlWithoutPackages_IsASinglePackageRepository()
    {
        var result = await new TestArchive()
            .Package("", "solo")
            .File("pnpm-workspace.yaml", "onlyBuiltDependencies:\n  - esbuild\n")
            .Package("packages/a", "a")
            .DiscoverAsync();

        Assert.Equal(["solo"], Names(result));
        Assert.Empty(result.Sources);
    }

    [Fact]
    public async Task Discover_LernaJsonWithPackages_UsesThem()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true }""")
            .File("lerna.json", """{ "version": "independent", "packages": ["modules/*"] }""")
            .Package("modules/m", "m")
            .Package("packages/p", "p")
            .DiscoverAsync();

        Assert.Equal(["m"], Names(result));
        Assert.Equal(["lerna.json"], result.Sources);
    }

    [Fact]
    public async Task Discover_LernaJsonWithoutPackages_DefaultsToPackagesStar()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true }""")
            .File("lerna.json", """{ "version": "1.0.0" }""")
            .Package("modules/m", "m")
            .Package("packages/p", "p")
            .DiscoverAsync();

        Assert.Equal(["p"], Names(result));
        Assert.Equal([WorkspaceDiscovery.LernaDefaultSource], result.Sources);
    }

    [Fact]
    public async Task Discover_LernaJsonWithoutPackagesNextToNpmWorkspaces_UsesOnlyTheWorkspaces()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["modules/*"] }""")
            .File("lerna.json", """{ "version": "1.0.0" }""")
            .Package("modules/m", "m")
            .Package("packages/p", "p")
            .DiscoverAsync();

        Assert.Equal(["m"], Names(result));
        Assert.Equal(["package.json workspaces"], result.Sources);
    }

    [Fact]
    public async Task Discover_SeveralSources_UnionOfTheirGlobs()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["a/*"] }""")
            .File("pnpm-workspace.yaml", "packages: ['b/*']")
            .File("lerna.json", """{ "packages": ["c/*", "a/*"] }""")
            .Package("a/one", "one")
            .Package("b/two", "two")
            .Package("c/three", "three")
            .DiscoverAsync();

        Assert.Equal(["one", "three", "two"], Names(result));
        Assert.Equal(["package.json workspaces", "pnpm-workspace.yaml", "lerna.json"], result.Sources);
    }

    [Fact]
    public async Task Discover_NestedGlobs_DoubleStarAtAnyDepthAndStarPerSegment()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/**", "apps/*/libs/*"] }""")
            .Package("packages", "packages-itself")
            .Package("packages/a", "a")
            .Package("packages/group/b", "b")
            .Package("packages/group/deep/c", "c")
            .Package("packages/.hidden", "hidden")
            .Package("apps/web/libs/ui", "ui")
            .Package("apps/web/libs/ui/nested", "too-deep")
            .Package("apps/web/ui", "not-a-lib")
            .DiscoverAsync();

        Assert.Equal(["a", "b", "c", "packages-itself", "ui"], Names(result));
    }

    [Fact]
    public async Task Discover_NegatedPattern_ExcludesWhatAnotherPatternMatched()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/*", "!packages/internal-*", "!packages/legacy"] }""")
            .Package("packages/a", "a")
            .Package("packages/internal-tools", "internal-tools")
            .Package("packages/legacy", "legacy")
            .DiscoverAsync();

        Assert.Equal(["a"], Names(result));
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public async Task Discover_BraceSet_MatchesEachAlternative()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["{packages,plugins}/*"] }""")
            .Package("packages/a", "a")
            .Package("plugins/b", "b")
            .Package("tools/c", "c")
            .DiscoverAsync();

        Assert.Equal(["a", "b"], Names(result));
    }

    [Fact]
    public async Task Discover_PrivateWorkspace_SkippedWithReason()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/*"] }""")
            .Package("packages/a", "a")
            .Package("packages/b", "b", "\"private\": true")
            .Package("packages/c", "c", "\"private\": \"true\"")
            .Package("packages/d", "d", "\"private\": false")
            .DiscoverAsync();

        Assert.Equal(["a", "d"], Names(result));
        Assert.Equal([new SkippedPackage("packages/b", "b", PrivateReason), new SkippedPackage("packages/c", "c", PrivateReason)], result.Skipped);
    }

    [Fact]
    public async Task Discover_MissingOrInvalidName_SkippedWithTheNameRuleMessage()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/*"] }""")
            .Package("packages/upper", "My-Package")
            .Package("packages/space", "my package")
            .File("packages/none/package.json", """{ "version": "1.0.0" }""")
            .File("packages/number/package.json", """{ "name": 42 }""")
            .Package("packages/ok", "ok")
            .DiscoverAsync();

        Assert.Equal(["ok"], Names(result));
        Assert.Equal(
            [
                new SkippedPackage("packages/none", null, "package.json has no \"name\""),
                new SkippedPackage("packages/number", null, "\"name\" must be a string, not a number"),
                new SkippedPackage("packages/space", "my package", PackageNames.CheckNpm("my package").Error!),
                new SkippedPackage("packages/upper", "My-Package", PackageNames.CheckNpm("My-Package").Legacy + "; if the package already exists on the registry, add it by name"),
            ],
            result.Skipped);
    }

    [Fact]
    public async Task Discover_NoWorkspaceSource_RootPackageJsonIsThePackage()
    {
        var result = await new TestArchive()
            .Package("", "solo", "\"repository\": \"github:owner/solo\"")
            .Package("examples/demo", "demo")
            .DiscoverAsync();

        var package = Assert.Single(result.Packages);
        Assert.Equal(new DiscoveredPackage("", "solo", "1.0.0", "github:owner/solo", null, null, null, null), package);
        Assert.Empty(result.Sources);
        Assert.Empty(result.Skipped);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task Discover_NoWorkspaceSourceAndPrivateRoot_RootSkipped()
    {
        var result = await new TestArchive().File("package.json", """{ "name": "app", "private": true }""").DiscoverAsync();

        Assert.Empty(result.Packages);
        Assert.Equal([new SkippedPackage("", "app", PrivateReason)], result.Skipped);
    }

    [Fact]
    public async Task Discover_NoPackageJsonAtAll_ReportsAProblem()
    {
        var result = await new TestArchive().File("README.md", "").DiscoverAsync();

        Assert.Empty(result.Packages);
        Assert.Equal(["there is no package.json at the repository root"], result.Problems);
    }

    [Theory]
    [InlineData("""{ "name": "root", "workspaces": ["packages/*"] }""", new[] { "a", "root" }, 0)]
    [InlineData("""{ "name": "root", "private": true, "workspaces": ["packages/*"] }""", new[] { "a" }, 1)]
    [InlineData("""{ "workspaces": ["packages/*"] }""", new[] { "a" }, 0)]
    public async Task Discover_WorkspaceRoot_IncludedOnlyWhenNamedAndNotPrivate(string rootJson, string[] expected, int skipped)
    {
        var result = await new TestArchive().File("package.json", rootJson).Package("packages/a", "a").DiscoverAsync();

        Assert.Equal(expected, Names(result));
        Assert.Equal(skipped, result.Skipped.Count);
    }

    [Fact]
    public void Discover_NodeModulesInSnapshot_NeverMatched()
    {
        var snapshot = new ArchiveSnapshot(
            new Dictionary<string, byte[]>
            {
                ["package.json"] = """{ "private": true, "workspaces": ["**", "node_modules/*"] }"""u8.ToArray(),
                ["packages/a/package.json"] = """{ "name": "a" }"""u8.ToArray(),
                ["node_modules/dep/package.json"] = """{ "name": "dep" }"""u8.ToArray(),
                ["packages/a/node_modules/dep2/package.json"] = """{ "name": "dep2" }"""u8.ToArray(),
            },
            new HashSet<string>(),
            [],
            4);

        var result = WorkspaceDiscovery.Discover(snapshot);

        Assert.Equal(["a"], Names(result));
    }

    [Fact]
    public async Task Discover_NodeModulesInArchive_NeverDiscovered()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["**"] }""")
            .Package("packages/a", "a")
            .Package("node_modules/dep", "dep")
            .DiscoverAsync(ArchiveFormat.TarGz);

        Assert.Equal(["a"], Names(result));
    }

    [Fact]
    public async Task Discover_RepositoryShorthandAndObject_BothRead()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/*"] }""")
            .Package("packages/a", "a", "\"repository\": \"owner/repo\"")
            .Package("packages/b", "b", """ "repository": { "type": "git", "url": "git+https://github.com/owner/repo.git", "directory": "packages/b" }""")
            .DiscoverAsync();

        Assert.Equal(("owner/repo", (string?)null), (result.Packages[0].RepositoryUrl, result.Packages[0].RepositoryDirectory));
        Assert.Equal(("git+https://github.com/owner/repo.git", "packages/b"), (result.Packages[1].RepositoryUrl, result.Packages[1].RepositoryDirectory));
    }

    [Fact]
    public async Task Discover_PublishConfig_ReadAsStrings()
    {
        var result = await new TestArchive()
            .Package("", "@scope/pkg", """ "publishConfig": { "registry": "https://registry.example.test/", "access": "public", "provenance": true, "tag": "next" }""")
            .DiscoverAsync();

        var package = Assert.Single(result.Packages);
        Assert.Equal(
            new DiscoveredPackage("", "@scope/pkg", "1.0.0", null, null, "https://registry.example.test/", "public", "next", "true"),
            package);
    }

    [Fact]
    public void ToPlanned_CarriesManifestValuesAndTheWorkspacePath()
    {
        var discovered = new DiscoveredPackage("packages/a", "@s/a", "2.1.0", "git+https://x/y.git", "packages/a", "https://r/", "public", "beta");

        Assert.Equal(new PlannedPackage("@s/a", "2.1.0", "git+https://x/y.git", "packages/a", "packages/a"), discovered.ToPlanned());
    }

    [Fact]
    public async Task Discover_SameNameTwice_SecondInPathOrderSkipped()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/*"] }""")
            .Package("packages/b-copy", "b")
            .Package("packages/a", "b")
            .DiscoverAsync();

        Assert.Equal(["packages/a"], Paths(result));
        Assert.Equal([new SkippedPackage("packages/b-copy", "b", "the name 'b' is already used by the package at 'packages/a'")], result.Skipped);
    }

    [Fact]
    public async Task Discover_ManifestOverSizeLimit_SkippedWithProblemWhileOthersAreFound()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/*"] }""")
            .Package("packages/big", "big", $"\"description\": \"{new string('x', 4096)}\"")
            .Package("packages/small", "small")
            .DiscoverAsync(ArchiveFormat.TarGz, new ArchiveLimits(MaxManifestBytes: 4096));

        Assert.Equal(["small"], Names(result));
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("packages/big", skipped.Path);
        Assert.Null(skipped.Name);
        Assert.StartsWith("packages/big/package.json is larger than 4 KiB (", skipped.Reason);
    }

    [Fact]
    public async Task Discover_BillionLaughsYaml_RejectedWithMessageWhilePackageJsonWorkspacesStillUsed()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/*"] }""")
            .File("pnpm-workspace.yaml", """
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
                packages: [*g]
                """)
            .Package("packages/a", "a")
            .DiscoverAsync();

        Assert.Equal(["a"], Names(result));
        Assert.Equal(["package.json workspaces"], result.Sources);
        Assert.Equal(["pnpm-workspace.yaml uses YAML anchors/aliases, which are not accepted"], result.Problems);
    }

    [Fact]
    public async Task Discover_YamlAliasOnlyInPackages_Rejected()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true }""")
            .File("pnpm-workspace.yaml", "base: &p packages/*\npackages:\n  - *p\n")
            .Package("packages/a", "a")
            .DiscoverAsync();

        Assert.Empty(result.Packages);
        Assert.Equal(["pnpm-workspace.yaml uses YAML anchors/aliases, which are not accepted"], result.Problems);
    }

    [Theory]
    [InlineData("packages: [unclosed", "pnpm-workspace.yaml is not valid YAML: ")]
    [InlineData("packages: 'packages/*'", "\"packages\" in pnpm-workspace.yaml must be a list of strings")]
    [InlineData("packages:\n  - [nested]\n", "\"packages\" in pnpm-workspace.yaml must be a list of strings")]
    [InlineData("- packages/*\n", "pnpm-workspace.yaml must be a mapping with a \"packages\" list")]
    [InlineData("packages: ['a/*']\n---\npackages: ['b/*']\n", "pnpm-workspace.yaml has more than one YAML document")]
    public async Task Discover_UnusablePnpmWorkspaceYaml_ProblemAndOtherSourcesContinue(string yaml, string problemStart)
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/*"] }""")
            .File("pnpm-workspace.yaml", yaml)
            .Package("packages/a", "a")
            .DiscoverAsync();

        Assert.Equal(["a"], Names(result));
        Assert.StartsWith(problemStart, Assert.Single(result.Problems));
    }

    [Fact]
    public async Task Discover_DeeplyNestedYaml_Rejected()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true }""")
            .File("pnpm-workspace.yml", "packages: ['packages/*']\nx: " + new string('[', 40) + new string(']', 40) + "\n")
            .DiscoverAsync();

        Assert.Equal(["pnpm-workspace.yml is nested more than 32 levels deep, which is not accepted"], result.Problems);
        Assert.Empty(result.Sources);
    }

    [Fact]
    public async Task Discover_YamlWithTooManyNodes_Rejected()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true }""")
            .File("pnpm-workspace.yaml", "packages:\n" + string.Concat(Enumerable.Repeat("  - x\n", 10_001)))
            .DiscoverAsync();

        Assert.Equal(["pnpm-workspace.yaml has more than 10,000 YAML nodes, which is not accepted"], result.Problems);
    }

    [Fact]
    public async Task Discover_DeeplyNestedJsonInOnePackage_ThatPackageSkippedOthersFound()
    {
        var hostile = """{ "name": "deep", "x": """ + new string('[', 1000) + new string(']', 1000) + " }";
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/*"] }""")
            .File("packages/deep/package.json", hostile)
            .Package("packages/fine", "fine")
            .DiscoverAsync();

        Assert.Equal(["fine"], Names(result));
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal(("packages/deep", (string?)null), (skipped.Path, skipped.Name));
        Assert.StartsWith("package.json is not valid JSON: ", skipped.Reason);
        Assert.Contains("depth of 64", skipped.Reason);
    }

    [Theory]
    [InlineData("{ \"name\": \"a\" // comment\n}", "package.json is not valid JSON: ")]
    [InlineData("""{ "name": "a", }""", "package.json is not valid JSON: ")]
    [InlineData("""["name", "a"]""", "package.json must be a JSON object, not an array")]
    [InlineData("\"a\"", "package.json must be a JSON object, not a string")]
    [InlineData("", "package.json is not valid JSON: ")]
    public async Task Discover_NotStrictJsonObject_PackageSkippedWithReason(string json, string reasonStart)
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/*"] }""")
            .File("packages/bad/package.json", json)
            .Package("packages/good", "good")
            .DiscoverAsync();

        Assert.Equal(["good"], Names(result));
        Assert.StartsWith(reasonStart, Assert.Single(result.Skipped).Reason);
    }

    [Fact]
    public async Task Discover_ByteOrderMark_Accepted()
    {
        var result = await new TestArchive().File("package.json", [0xEF, 0xBB, 0xBF, .. """{ "name": "bom" }"""u8.ToArray()]).DiscoverAsync();

        Assert.Equal(["bom"], Names(result));
    }

    [Fact]
    public async Task Discover_InvalidUtf8InName_PackageSkipped()
    {
        var result = await new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/*"] }""")
            .File("packages/bad/package.json", [.. """{ "name": "a"""u8.ToArray(), 0xC3, 0x28, .. "\" }"u8.ToArray()])
            .DiscoverAsync();

        Assert.StartsWith("package.json is not valid JSON: ", Assert.Single(result.Skipped).Reason);
    }

    [Fact]
    public async Task Discover_UnreadableRootPackageJson_ProblemAndPnpmStillUsed()
    {
        var result = await new TestArchive()
            .File("package.json", "{ not json")
            .File("pnpm-workspace.yaml", "packages: ['packages/*']")
            .Package("packages/a", "a")
            .DiscoverAsync();

        Assert.Equal(["a"], Names(result));
        Assert.Equal(["pnpm-workspace.yaml"], result.Sources);
        Assert.StartsWith("package.json is not valid JSON: ", Assert.Single(result.Problems));
    }

    [Theory]
    [InlineData("""{ "workspaces": "packages/*" }""", "package.json \"workspaces\" must be an array of globs or an object with a \"packages\" array, not a string")]
    [InlineData("""{ "workspaces": ["packages/*", 7] }""", "package.json \"workspaces\" must only contain strings (found a number); the others were used")]
    public async Task Discover_MalformedWorkspacesField_Problem(string rootJson, string problem)
    {
        var result = await new TestArchive().File("package.json", rootJson).Package("packages/a", "a").DiscoverAsync();

        Assert.Equal([problem], result.Problems);
    }

    [Theory]
    [InlineData("../outside/*", "the workspace pattern '../outside/*' points outside the repository")]
    [InlineData("/abs/*", "the workspace pattern '/abs/*' is an absolute path")]
    [InlineData("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}", "the workspace pattern '{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}' expands to more than 64 alternatives")]
    public async Task Discover_UnusablePattern_ProblemAndTheOtherPatternsApply(string pattern, string problem)
    {
        var result = await new TestArchive()
            .File("package.json", $$"""{ "private": true, "workspaces": ["{{pattern}}", "packages/*"] }""")
            .Package("packages/a", "a")
            .DiscoverAsync();

        Assert.Equal(["a"], Names(result));
        Assert.Equal([problem], result.Problems);
    }

    [Fact]
    public async Task Discover_GitHubTarballOfMonorepo_FindsPackagesUnderTheStrippedFolder()
    {
        var result = await new TestArchive()
            .WithGitCommitHeader()
            .Directory("owner-repo-abc1234/")
            .File("owner-repo-abc1234/package.json", """{ "private": true, "workspaces": ["packages/*"] }""")
            .Package("owner-repo-abc1234/packages/a", "a")
            .DiscoverAsync(ArchiveFormat.TarGz);

        Assert.Equal([("packages/a", "a")], result.Packages.Select(p => (p.Path, p.Name)));
    }
}

using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding.Generation;
using YamlDotNet.RepresentationModel;
using static TrustedPublishDashboard.Tests.Onboarding.OnboardingFixtures;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class WorkflowGeneratorTests
{
    private static readonly IReadOnlyList<string> Packages = ["@octo/widget-a", "widget-b"];

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            var mapping = Assert.IsType<YamlMappingNode>(node);
            Assert.True(mapping.Children.TryGetValue(new YamlScalarNode(key), out var next), $"missing key '{key}'");
            node = next!;
        }
        return node;
    }

    private static string Scalar(YamlNode node, params string[] path) => Assert.IsType<YamlScalarNode>(At(node, path)).Value!;

    private static bool Has(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next)) return false;
            node = next;
        }
        return true;
    }

    /// <summary>Every key and scalar value in the document (comments are not part of it).</summary>
    private static IEnumerable<string> AllScalars(YamlNode node) => node switch
    {
        YamlScalarNode s => [s.Value ?? ""],
        YamlSequenceNode seq => seq.Children.SelectMany(AllScalars),
        YamlMappingNode map => map.Children.SelectMany(kv => AllScalars(kv.Key).Concat(AllScalars(kv.Value))),
        _ => [],
    };

    private static IReadOnlyList<YamlMappingNode> Steps(YamlNode root, string job = "publish") =>
        ((YamlSequenceNode)At(root, "jobs", job, "steps")).Children.Cast<YamlMappingNode>().ToList();

    private static IReadOnlyList<string> Uses(YamlNode root, string job = "publish") =>
        Steps(root, job).Where(s => Has(s, "uses")).Select(s => Scalar(s, "uses")).ToList();

    private static IReadOnlyList<string> Runs(YamlNode root, string job = "publish") =>
        Steps(root, job).Where(s => Has(s, "run")).Select(s => Scalar(s, "run")).ToList();

    /// <summary>No step or job hands npm a token: no NODE_AUTH_TOKEN/NPM_TOKEN in any env, no secrets, no setup-node registry-url.</summary>
    private static void AssertNoToken(string content, YamlMappingNode root)
    {
        foreach (var job in ((YamlMappingNode)At(root, "jobs")).Children.Values.Cast<YamlMappingNode>())
        {
            var envs = new List<YamlNode>();
            if (job.Children.TryGetValue(new YamlScalarNode("env"), out var jobEnv)) envs.Add(jobEnv);
            envs.AddRange(((YamlSequenceNode)job.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>()
                .Where(st => st.Children.ContainsKey(new YamlScalarNode("env"))).Select(st => st.Children[new YamlScalarNode("env")]));
            foreach (var env in envs.Cast<YamlMappingNode>())
            {
                Assert.DoesNotContain(env.Children.Keys, k => k.ToString().Contains("TOKEN", StringComparison.OrdinalIgnoreCase));
            }
        }
        Assert.DoesNotContain("secrets.", content);
        Assert.DoesNotContain("registry-url:", content);
        Assert.DoesNotContain("pull_request_target", AllScalars(root));
        Assert.DoesNotContain('\r', content);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("npm publish")]
    public void GitHubActions_ParsesAsYaml_PublishJobAndProbeJob(string? environment)
    {
        var artifact = WorkflowGenerator.GitHubActions(GitHub(environment), Packages);
        var root = Parse(artifact.Content);

        Assert.Equal(".github/workflows/release.yml", artifact.FileName);
        Assert.Equal(Packages, artifact.Packages);
        Assert.Equal("published", Assert.IsType<YamlScalarNode>(Assert.Single(((YamlSequenceNode)At(root, "on", "release", "types")).Children)).Value);
        Assert.Equal("boolean", Scalar(root, "on", "workflow_dispatch", "inputs", "probe", "type"));
        Assert.Equal("false", Scalar(root, "on", "workflow_dispatch", "inputs", "probe", "default"));
        Assert.Equal(["contents"], ((YamlMappingNode)At(root, "permissions")).Children.Keys.Select(k => k.ToString()));
        Assert.Equal("read", Scalar(root, "permissions", "contents"));
        Assert.Equal(["publish", "probe"], ((YamlMappingNode)At(root, "jobs")).Children.Keys.Select(k => k.ToString()));
        Assert.Equal("ubuntu-latest", Scalar(root, "jobs", "publish", "runs-on"));
        Assert.Equal("${{ !inputs.probe }}", Scalar(root, "jobs", "publish", "if"));
        Assert.Equal("write", Scalar(root, "jobs", "publish", "permissions", "id-token"));
        Assert.Equal("read", Scalar(root, "jobs", "publish", "permissions", "contents"));
        Assert.Equal(2, ((YamlMappingNode)At(root, "jobs", "publish", "permissions")).Children.Count);
        if (environment is null) Assert.False(Has(root, "jobs", "publish", "environment"));
        else Assert.Equal(environment, Scalar(root, "jobs", "publish", "environment"));

        var steps = Steps(root);
        Assert.Equal("actions/checkout@v4", Scalar(steps[0], "uses"));
        Assert.Equal("actions/setup-node@v4", Scalar(steps[1], "uses"));
        Assert.Equal("24", Scalar(steps[1], "with", "node-version"));
        var runs = Runs(root);
        Assert.Equal(["npm install -g npm@^11.15.0", "npm ci"], runs.Take(2));
        var publish = Assert.Single(runs.Skip(2));
        Assert.Contains("publish_new '@octo/widget-a' '.'", publish);
        Assert.DoesNotContain("--workspaces", publish);
        AssertNoToken(artifact.Content, root);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("npm")]
    public void GitHubActions_ProbeJob_RunsOnlyWhenProbing_WithIdTokenAndTheSameEnvironment(string? environment)
    {
        var artifact = WorkflowGenerator.GitHubActions(GitHub(environment), Packages);
        var root = Parse(artifact.Content);

        Assert.Equal("${{ inputs.probe }}", Scalar(root, "jobs", "probe", "if"));
        Assert.Equal("ubuntu-latest", Scalar(root, "jobs", "probe", "runs-on"));
        var permissions = (YamlMappingNode)At(root, "jobs", "probe", "permissions");
        Assert.Equal(["id-token"], permissions.Children.Keys.Select(k => k.ToString()));
        Assert.Equal("write", Scalar(permissions, "id-token"));
        if (environment is null) Assert.False(Has(root, "jobs", "probe", "environment"));
        else Assert.Equal(environment, Scalar(root, "jobs", "probe", "environment"));
        Assert.Equal(["actions/setup-node@v4", "actions/upload-artifact@v4"], Uses(root, "probe"));
        var probe = Steps(root, "probe").Single(s => Has(s, "run"));
        Assert.Equal("[\"@octo/widget-a\",\"widget-b\"]", Scalar(probe, "env", TrustProbeScript.PackagesVariable));
        Assert.Equal("release.yml", Scalar(probe, "env", TrustProbeScript.WorkflowVariable));
        Assert.Equal(environment is not null, Has(probe, "env", TrustProbeScript.EnvironmentVariable));
        Assert.DoesNotContain("npm publish", Scalar(probe, "run"));
        var upload = Steps(root, "probe").Single(s => Has(s, "uses") && Scalar(s, "uses") == "actions/upload-artifact@v4");
        Assert.Equal(("trust-probe-report", "trust-probe-report.json"), (Scalar(upload, "with", "name"), Scalar(upload, "with", "path")));
        Assert.Contains("gh workflow run release.yml -f probe=true", artifact.Content);
        // GitHub would evaluate an expression opener inside the script.
        Assert.DoesNotContain("${{", TrustProbeScript.Source);
    }

    [Fact]
    public void GitHubActions_CommentsSayWhy()
    {
        var content = WorkflowGenerator.GitHubActions(GitHub(), Packages).Content;
        Assert.Contains("must equal the workflow file name configured", content);
        Assert.Contains("Job-level permissions REPLACE the workflow-level ones", content);
        Assert.Contains("No registry-url here", content);
        Assert.Contains("#   @octo/widget-a\n", content);
    }

    [Theory]
    [InlineData("publish.yaml", ".github/workflows/publish.yaml")]
    [InlineData(null, ".github/workflows/release.yml")]
    public void GitHubActions_FileNameIsTheConfiguredWorkflowFile(string? file, string expected) =>
        Assert.Equal(expected, WorkflowGenerator.GitHubActions(GitHub() with { WorkflowFile = file }, Packages).FileName);

    [Fact]
    public void GitHubActions_EnvironmentWithYamlSpecials_StaysOneString()
    {
        var root = Parse(WorkflowGenerator.GitHubActions(GitHub("prod: #1 \"x\""), Packages).Content);
        Assert.Equal("prod: #1 \"x\"", Scalar(root, "jobs", "publish", "environment"));
        Assert.Equal("prod: #1 \"x\"", Scalar(root, "jobs", "probe", "environment"));
    }

    [Fact]
    public void GitHubActions_TwoEnvironmentsInOneFile_OnePublishAndOneProbeJobEach_EachWithItsPackages()
    {
        var lanes = new[]
        {
            new PublishLane(null, [new WorkflowPackage("widget-b", "packages/widget-b")]),
            new PublishLane("npm", [new WorkflowPackage("@octo/widget-a", "packages/widget-a")]),
        };
        var root = Parse(WorkflowGenerator.GitHubActions(GitHub(), lanes, coversRepository: true).Content);

        Assert.Equal(["publish-no-environment", "probe-no-environment", "publish-npm", "probe-npm"], ((YamlMappingNode)At(root, "jobs")).Children.Keys.Select(k => k.ToString()));
        Assert.Equal("npm", Scalar(root, "jobs", "publish-npm", "environment"));
        Assert.Equal("npm", Scalar(root, "jobs", "probe-npm", "environment"));
        Assert.False(Has(root, "jobs", "publish-no-environment", "environment"));
        Assert.Contains("publish_new '@octo/widget-a'", Runs(root, "publish-npm").Last());
        Assert.DoesNotContain("widget-b", Runs(root, "publish-npm").Last());
        Assert.Equal("[\"widget-b\"]", Scalar(Steps(root, "probe-no-environment").Single(s => Has(s, "run")), "env", TrustProbeScript.PackagesVariable));
    }

    public static TheoryData<string> Kinds => new() { "npm", "pnpm", "yarn-berry", "yarn-classic", "bun", "changesets", "lerna" };

    private static TestArchive Fixture(string kind) => kind switch
    {
        "npm" => MonorepoFixtures.Npm(),
        "pnpm" => MonorepoFixtures.Pnpm(),
        "yarn-berry" => MonorepoFixtures.YarnBerry(),
        "yarn-classic" => MonorepoFixtures.YarnClassic(),
        "bun" => MonorepoFixtures.Bun(),
        "changesets" => MonorepoFixtures.Changesets(),
        _ => MonorepoFixtures.Lerna(),
    };

    // kind → (actions used by the publish job, the run steps before the publish step, what the publish step must run).
    private static (string[] Uses, string[] Runs, string[] Publish) Expected(string kind) => kind switch
    {
        "npm" => (["actions/checkout@v4", "actions/setup-node@v4"],
            ["npm install -g npm@^11.15.0", "npm ci", "npm run build --workspaces --if-present"],
            ["npm view \"$name@$version\" version", "(cd \"$dir\" && npm publish --access public)", "publish_new '@octo/widget-a' 'packages/widget-a'", "publish_new 'widget-b' 'packages/widget-b'"]),
        "pnpm" => (["actions/checkout@v4", "pnpm/action-setup@v4", "actions/setup-node@v4"],
            ["npm install -g npm@^11.15.0", "pnpm install --frozen-lockfile", "pnpm -r --if-present run build"],
            ["pnpm -r --filter '@octo/widget-a' --filter 'widget-b' publish --access public --no-git-checks"]),
        "yarn-berry" => (["actions/checkout@v4", "actions/setup-node@v4"],
            ["npm install -g npm@^11.15.0", "corepack enable", "yarn install --immutable", "yarn workspaces foreach --all --topological run build"],
            ["yarn pack --out \"$pack_dir/package.tgz\"", "npm publish \"$pack_dir\"/*.tgz --access public", "npm view \"$name@$version\" version"]),
        "yarn-classic" => (["actions/checkout@v4", "actions/setup-node@v4"],
            ["npm install -g npm@^11.15.0", "corepack enable", "yarn install --frozen-lockfile", "yarn --cwd packages/widget-a run build"],
            ["(cd \"$dir\" && npm publish --access public)", "npm view \"$name@$version\" version"]),
        "bun" => (["actions/checkout@v4", "oven-sh/setup-bun@v2", "actions/setup-node@v4"],
            ["npm install -g npm@^11.15.0", "bun install --frozen-lockfile", "bun run --filter '*' build"],
            ["bun pm pack --destination \"$pack_dir\"", "npm publish \"$pack_dir\"/*.tgz --access public", "npm view \"$name@$version\" version"]),
        "changesets" => (["actions/checkout@v4", "actions/setup-node@v4"],
            ["npm install -g npm@^11.15.0", "npm ci", "npm run build"],
            ["npx changeset publish"]),
        _ => (["actions/checkout@v4", "actions/setup-node@v4"],
            ["npm install -g npm@^11.15.0", "npm ci", "npm run build --workspaces --if-present"],
            ["npx lerna publish from-package --yes"]),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GitHubActions_FixtureMonorepo_SetupInstallBuildAndPublishOfItsPackageManager(string kind)
    {
        var (_, packages) = await MonorepoFixtures.ImportAsync(Fixture(kind));
        Assert.Equal(["@octo/widget-a", "widget-b"], packages.Select(p => p.Name));
        var artifact = WorkflowGenerator.GitHubActions(GitHub("npm"), packages);
        var root = Parse(artifact.Content);
        var (uses, runs, publish) = Expected(kind);

        Assert.Equal(uses, Uses(root));
        var all = Runs(root);
        Assert.Equal(runs, all.SkipLast(1));
        foreach (var expected in publish) Assert.Contains(expected, all[^1]);
        Assert.DoesNotContain("npm publish --workspaces", artifact.Content);
        Assert.Equal("write", Scalar(root, "jobs", "publish", "permissions", "id-token"));
        Assert.Equal("npm", Scalar(root, "jobs", "publish", "environment"));
        Assert.Equal("npm", Scalar(root, "jobs", "probe", "environment"));
        AssertNoToken(artifact.Content, root);
        if (kind == "pnpm") Assert.False(Has(Steps(root)[1], "with"), "pnpm/action-setup reads packageManager itself; a version as well makes it fail");
        if (kind == "bun") Assert.Equal("latest", Scalar(Steps(root)[1], "with", "bun-version"));
    }

    [Fact]
    public async Task GitHubActions_ReleaseToolButOnlySomeOfTheRepository_PublishesOnlyItsPackages()
    {
        var (_, packages) = await MonorepoFixtures.ImportAsync(MonorepoFixtures.Changesets());
        var root = Parse(WorkflowGenerator.GitHubActions(GitHub(), packages.Where(p => p.Name == "widget-b").ToList(), coversRepository: false).Content);

        var publish = Runs(root)[^1];
        Assert.DoesNotContain("changeset publish", publish);
        Assert.Contains("publish_new 'widget-b' 'packages/widget-b'", publish);
        Assert.DoesNotContain("widget-a", publish);
    }

    /// <summary>The generated publish step, run by bash over the fixture's folders with a fake npm: versions already on the registry are skipped and a refused package does not stop the others.</summary>
    [Fact]
    public async Task PublishScript_SkipsPublishedVersions_AndGoesOnPastAFailure_ThenFails()
    {
        var (_, packages) = await MonorepoFixtures.ImportAsync(MonorepoFixtures.Npm());
        var third = new WorkflowPackage("widget-c", "packages/widget-c", packages[0].Setup);
        var script = string.Join("\n", WorkflowGenerator.PublishScript(PackageManagerCommands.For(PackageManager.Npm), [.. packages, third]));
        using var sandbox = new ScriptSandbox();
        foreach (var (dir, name) in new[] { ("widget-a", "@octo/widget-a"), ("widget-b", "widget-b"), ("widget-c", "widget-c") })
        {
            Directory.CreateDirectory(Path.Combine(sandbox.Directory, "packages", dir));
            File.WriteAllText(Path.Combine(sandbox.Directory, "packages", dir, "package.json"), $"{{\"name\":\"{name}\",\"version\":\"1.2.0\"}}");
        }
        // npm view prints the version only for widget-b@1.2.0; publishing @octo/widget-a is refused (E403).
        File.WriteAllText(Path.Combine(sandbox.Directory, "bin", "npm"), """
            #!/usr/bin/env bash
            echo "npm $* in ${PWD##*/}" >> "$FAKE_LOG"
            case "$1" in
              view) [ "$2" = "widget-b@1.2.0" ] && echo 1.2.0; exit 0 ;;
              publish) [ "${PWD##*/}" = widget-a ] && { echo "npm error code E403" >&2; exit 1; }; exit 0 ;;
            esac
            """.ReplaceLineEndings("\n") + "\n");

        var (code, output, error) = sandbox.Run(script);

        Assert.Equal(1, code);
        Assert.Contains("widget-b@1.2.0 is already on the registry; skipped", output);
        Assert.Contains("Not published: @octo/widget-a", error);
        var log = sandbox.LogText;
        Assert.Contains("npm publish --access public in widget-a", log);
        Assert.Contains("npm publish --access public in widget-c", log);
        Assert.DoesNotContain("in widget-b\nnpm publish", log);
        Assert.DoesNotContain("publish --access public in widget-b", log);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4873/", "npm:127.0.0.1:4873")]
    [InlineData("https://registry.example.test/", "npm:registry.example.test")]
    [InlineData("https://registry.example.test:8443/npm/", "npm:registry.example.test:8443")]
    public void GitLabCi_ParsesAsYaml_IdTokensForRegistryAndSigstore(string registry, string audience)
    {
        var artifact = WorkflowGenerator.GitLabCi(GitLab(), registry, Packages);
        var root = Parse(artifact.Content);

        Assert.Equal(".gitlab-ci.yml", artifact.FileName);
        Assert.Equal(["publish"], root.Children.Keys.Select(k => k.ToString()));
        Assert.Equal("node:24", Scalar(root, "publish", "image"));
        var rule = Assert.IsType<YamlMappingNode>(Assert.Single(((YamlSequenceNode)At(root, "publish", "rules")).Children));
        Assert.Equal("$CI_COMMIT_TAG", Scalar(rule, "if"));
        Assert.Equal(audience, Scalar(root, "publish", "id_tokens", "NPM_ID_TOKEN", "aud"));
        Assert.Equal("sigstore", Scalar(root, "publish", "id_tokens", "SIGSTORE_ID_TOKEN", "aud"));
        var script = ((YamlSequenceNode)At(root, "publish", "script")).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        Assert.Equal(["npm install -g npm@^11.15.0", "npm ci"], script.Take(2));
        Assert.Contains("publish_new '@octo/widget-a' '.'", script[^1]);
        Assert.DoesNotContain("npm publish --workspaces", string.Join("\n", script));
        Assert.False(Has(root, "publish", "environment"));
        var variables = ((YamlMappingNode)At(root, "publish", "variables")).Children.Keys.Select(k => k.ToString()).ToList();
        Assert.DoesNotContain(variables, v => v.Contains("TOKEN", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(AllScalars(root), s => s.Contains("NODE_AUTH_TOKEN", StringComparison.Ordinal) || s.Contains("NPM_TOKEN", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("pnpm", "npm install -g pnpm@10|corepack enable", "pnpm install --frozen-lockfile", "pnpm -r --if-present run build", "pnpm -r --filter '@octo/widget-a' --filter 'widget-b' publish")]
    [InlineData("yarn-berry", "corepack enable", "yarn install --immutable", "yarn workspaces foreach --all --topological run build", "yarn pack --out")]
    [InlineData("bun", "npm install -g bun@latest", "bun install --frozen-lockfile", "bun run --filter '*' build", "bun pm pack --destination")]
    [InlineData("npm", null, "npm ci", "npm run build --workspaces --if-present", "(cd \"$dir\" && npm publish --access public)")]
    public async Task GitLabCi_FixtureMonorepo_SameCommandsPerPackageManager(string kind, string? setup, string install, string build, string publish)
    {
        var (_, packages) = await MonorepoFixtures.ImportAsync(Fixture(kind));
        var root = Parse(WorkflowGenerator.GitLabCi(GitLab(), RegistryUrl, packages).Content);
        var script = ((YamlSequenceNode)At(root, "publish", "script")).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

        Assert.Equal("npm install -g npm@^11.15.0", script[0]);
        if (setup is not null) Assert.Contains(script[1], setup.Split('|'));
        Assert.Equal([install, build], script.Skip(setup is null ? 1 : 2).Take(2));
        Assert.Contains(publish, script[^1]);
        Assert.DoesNotContain("--workspaces --access", script[^1]);
        if (script[^1].Contains("publish_new", StringComparison.Ordinal))
        {
            var (code, error) = ScriptSandbox.SyntaxCheck(script[^1]);
            Assert.True(code == 0, error);
        }
    }

    [Fact]
    public void GitLabCi_EnvironmentAndCustomFileName()
    {
        var artifact = WorkflowGenerator.GitLabCi(GitLab("production") with { CiFile = "publish.yml" }, RegistryUrl, Packages);
        Assert.Equal("publish.yml", artifact.FileName);
        Assert.Equal("production", Scalar(Parse(artifact.Content), "publish", "environment"));
    }

    [Fact]
    public void Generators_WrongProvider_Throw()
    {
        Assert.Throws<ArgumentException>(() => WorkflowGenerator.GitHubActions(GitLab(), Packages));
        Assert.Throws<ArgumentException>(() => WorkflowGenerator.GitLabCi(GitHub(), RegistryUrl, Packages));
    }
}

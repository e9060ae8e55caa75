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

    private static IReadOnlyList<YamlMappingNode> Steps(YamlNode root) =>
        ((YamlSequenceNode)At(root, "jobs", "publish", "steps")).Children.Cast<YamlMappingNode>().ToList();

    [Theory]
    [InlineData(null)]
    [InlineData("npm publish")]
    public void GitHubActions_ParsesAsYaml_MinimalOidcPublishJob(string? environment)
    {
        var artifact = WorkflowGenerator.GitHubActions(GitHub(environment), Packages);
        var root = Parse(artifact.Content);

        Assert.Equal(".github/workflows/release.yml", artifact.FileName);
        Assert.Equal(Packages, artifact.Packages);
        Assert.Equal("published", Assert.IsType<YamlScalarNode>(Assert.Single(((YamlSequenceNode)At(root, "on", "release", "types")).Children)).Value);
        Assert.True(Has(root, "on", "workflow_dispatch"));
        Assert.Equal(["contents"], ((YamlMappingNode)At(root, "permissions")).Children.Keys.Select(k => k.ToString()));
        Assert.Equal("read", Scalar(root, "permissions", "contents"));
        Assert.Equal(["publish"], ((YamlMappingNode)At(root, "jobs")).Children.Keys.Select(k => k.ToString()));
        Assert.Equal("ubuntu-latest", Scalar(root, "jobs", "publish", "runs-on"));
        Assert.Equal("write", Scalar(root, "jobs", "publish", "permissions", "id-token"));
        Assert.Equal("read", Scalar(root, "jobs", "publish", "permissions", "contents"));
        Assert.Equal(2, ((YamlMappingNode)At(root, "jobs", "publish", "permissions")).Children.Count);
        if (environment is null) Assert.False(Has(root, "jobs", "publish", "environment"));
        else Assert.Equal(environment, Scalar(root, "jobs", "publish", "environment"));

        var steps = Steps(root);
        Assert.Equal("actions/checkout@v4", Scalar(steps[0], "uses"));
        Assert.Equal("actions/setup-node@v4", Scalar(steps[1], "uses"));
        Assert.Equal("24", Scalar(steps[1], "with", "node-version"));
        Assert.Equal(["npm install -g npm@^11.5.1", "npm ci", "npm publish --workspaces --access public"],
            steps.Skip(2).Select(s => Scalar(s, "run")));
    }

    [Fact]
    public void GitHubActions_NoTokenAnywhere_NoRegistryUrl_NoPullRequestTarget()
    {
        var content = WorkflowGenerator.GitHubActions(GitHub("prod"), Packages).Content;
        var scalars = AllScalars(Parse(content)).ToList();
        Assert.DoesNotContain(scalars, s => s.Contains("NODE_AUTH_TOKEN", StringComparison.Ordinal));
        Assert.DoesNotContain(scalars, s => s.Contains("registry-url", StringComparison.Ordinal));
        Assert.DoesNotContain(scalars, s => s.Contains("pull_request_target", StringComparison.Ordinal));
        Assert.DoesNotContain("secrets.", content);
        Assert.DoesNotContain("${{", content);
        Assert.DoesNotContain("registry-url:", content);
        Assert.DoesNotContain('\r', content);
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
        Assert.Equal(["npm install -g npm@^11.5.1", "npm ci", "npm publish --workspaces --access public"],
            ((YamlSequenceNode)At(root, "publish", "script")).Children.Select(c => ((YamlScalarNode)c).Value));
        Assert.False(Has(root, "publish", "environment"));
        var variables = ((YamlMappingNode)At(root, "publish", "variables")).Children.Keys.Select(k => k.ToString()).ToList();
        Assert.DoesNotContain(variables, v => v.Contains("TOKEN", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(AllScalars(root), s => s.Contains("NODE_AUTH_TOKEN", StringComparison.Ordinal) || s.Contains("NPM_TOKEN", StringComparison.Ordinal));
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

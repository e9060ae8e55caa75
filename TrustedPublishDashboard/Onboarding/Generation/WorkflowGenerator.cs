using System.Text;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding.Planning;

namespace TrustedPublishDashboard.Onboarding.Generation;

/// <summary>
/// CI files that publish a workspace with trusted publishing and nothing else: no token, minimal permissions, one publish
/// job. Each line that trusted publishing depends on carries a comment saying why (REGISTRY-FACTS "Publishing from CI").
/// YAML is written as text so the comments survive; values a person typed are YAML-quoted.
/// </summary>
public static class WorkflowGenerator
{
    public const string YamlMediaType = "application/yaml";
    public const string DefaultWorkflowFile = "release.yml";
    public const string DefaultGitLabCiFile = ".gitlab-ci.yml";

    /// <summary>Trusted publishing needs npm ≥ 11.5.1; Node 24 images may still carry an older npm 11.</summary>
    public const string NpmUpgrade = "npm install -g npm@^11.5.1";

    public const string PublishCommand = "npm publish --workspaces --access public";

    public static GeneratedArtifact GitHubActions(PublisherPlan plan, IReadOnlyList<string> packages)
    {
        if (plan.Provider != Provider.GitHub) throw new ArgumentException($"A GitHub Actions workflow needs a GitHub plan, not {plan.Provider.DisplayName()}.", nameof(plan));
        var file = string.IsNullOrWhiteSpace(plan.WorkflowFile) ? DefaultWorkflowFile : plan.WorkflowFile.Trim();
        var y = new YamlBuilder();
        y.Line("# Publishes the npm packages of this repository with trusted publishing (OIDC): no npm token is stored anywhere.");
        y.Line($"# The file name must stay \"{Comment(file)}\": it must equal the workflow file name configured in each package's");
        y.Line("# trusted publisher (npm compares it exactly; .yml and .yaml differ, and a reusable workflow counts as its caller).");
        if (!string.IsNullOrWhiteSpace(plan.Owner) && !string.IsNullOrWhiteSpace(plan.Repository))
        {
            y.Line($"# Trusted publisher: repository {Comment(plan.Owner.Trim())}/{Comment(plan.Repository.Trim())}, workflow {Comment(file)}" +
                (string.IsNullOrEmpty(plan.Environment) ? ", no environment." : $", environment {Comment(plan.Environment)}."));
        }
        PackageList(y, packages);
        y.Line("name: Publish to npm");
        y.Line();
        y.Line("on:");
        y.Line("  release:");
        y.Line("    types: [published]");
        y.Line("  # By hand, e.g. to retry a failed publish. (Never pull_request_target: it runs with the base repository's rights.)");
        y.Line("  workflow_dispatch:");
        y.Line();
        y.Line("# Every job starts read-only; only the publish job below may request an OIDC token.");
        y.Line("permissions:");
        y.Line("  contents: read");
        y.Line();
        y.Line("jobs:");
        y.Line("  publish:");
        y.Line("    # npm accepts OIDC tokens from GitHub-hosted runners only; self-hosted runners are refused.");
        y.Line("    runs-on: ubuntu-latest");
        if (!string.IsNullOrEmpty(plan.Environment))
        {
            y.Line("    # Must equal the environment in the trusted publisher, letter case included.");
            y.Line($"    environment: {YamlQuote(plan.Environment)}");
        }
        y.Line("    # Job-level permissions REPLACE the workflow-level ones, so contents: read is repeated here.");
        y.Line("    permissions:");
        y.Line("      contents: read");
        y.Line("      # Lets npm request the OIDC ID token it exchanges for a short-lived publish token.");
        y.Line("      id-token: write");
        y.Line("    steps:");
        y.Line("      - uses: actions/checkout@v4");
        y.Line("        with:");
        y.Line("          # The publish job needs no Git credentials afterwards.");
        y.Line("          persist-credentials: false");
        y.Line("      - uses: actions/setup-node@v4");
        y.Line("        # No registry-url here: it writes an .npmrc with a NODE_AUTH_TOKEN placeholder that shadows OIDC.");
        y.Line("        with:");
        y.Line("          # Trusted publishing needs Node >= 22.14; Node 24 comes with npm 11.");
        y.Line("          node-version: '24'");
        y.Line("      # Trusted publishing needs npm >= 11.5.1, and Node 24 may ship an older npm 11.");
        y.Line($"      - run: {NpmUpgrade}");
        y.Line("      - run: npm ci");
        y.Line("      # Publishes every workspace package (npm skips private ones). npm finds the OIDC token itself; provenance is");
        y.Line("      # added automatically for public repositories. Do not add NODE_AUTH_TOKEN or an .npmrc token: it would be used instead.");
        y.Line("      # A repository without workspaces publishes its one package with: npm publish --access public");
        y.Line($"      - run: {PublishCommand}");
        return new GeneratedArtifact($".github/workflows/{file}", YamlMediaType, y.ToString(), "GitHub Actions publish workflow",
            $"Commit as .github/workflows/{file} (the name the trusted publisher names) and publish a GitHub release to publish.", packages.ToList());
    }

    public static GeneratedArtifact GitLabCi(PublisherPlan plan, string registryUrl, IReadOnlyList<string> packages)
    {
        if (plan.Provider != Provider.GitLab) throw new ArgumentException($"A GitLab CI file needs a GitLab plan, not {plan.Provider.DisplayName()}.", nameof(plan));
        var file = string.IsNullOrWhiteSpace(plan.CiFile) ? DefaultGitLabCiFile : plan.CiFile.Trim();
        var registry = ScriptGenerator.NormalizeRegistry(registryUrl);
        var audience = $"npm:{RegistryHost(registry)}";
        var y = new YamlBuilder();
        y.Line("# Publishes the npm packages of this project with trusted publishing (OIDC) when a tag is pushed: no npm token");
        y.Line($"# is stored anywhere. The file name must stay \"{Comment(file)}\": it must equal the CI file configured in each");
        y.Line("# package's trusted publisher. Use GitLab.com shared runners.");
        PackageList(y, packages);
        y.Line("publish:");
        y.Line("  stage: deploy");
        y.Line("  # Trusted publishing needs Node >= 22.14; Node 24 comes with npm 11.");
        y.Line("  image: node:24");
        y.Line("  rules:");
        y.Line("    - if: $CI_COMMIT_TAG");
        if (!string.IsNullOrEmpty(plan.Environment))
        {
            y.Line("  # Must equal the environment in the trusted publisher, letter case included.");
            y.Line($"  environment: {YamlQuote(plan.Environment)}");
        }
        y.Line("  variables:");
        y.Line("    # The registry the ID token's audience names.");
        y.Line($"    npm_config_registry: {YamlQuote(registry)}");
        y.Line("  id_tokens:");
        y.Line("    # npm reads NPM_ID_TOKEN and exchanges it for a short-lived publish token; the audience names the registry.");
        y.Line("    NPM_ID_TOKEN:");
        y.Line($"      aud: {YamlQuote(audience)}");
        y.Line("    # Lets npm sign provenance with Sigstore.");
        y.Line("    SIGSTORE_ID_TOKEN:");
        y.Line("      aud: sigstore");
        y.Line("  script:");
        y.Line("    # Trusted publishing needs npm >= 11.5.1, and Node 24 may ship an older npm 11.");
        y.Line($"    - {NpmUpgrade}");
        y.Line("    - npm ci");
        y.Line("    # Publishes every workspace package (npm skips private ones). Do not add an npm token variable: it would be used instead of OIDC.");
        y.Line("    # A project without workspaces publishes its one package with: npm publish --access public");
        y.Line($"    - {PublishCommand}");
        return new GeneratedArtifact(file, YamlMediaType, y.ToString(), "GitLab CI publish job",
            $"Commit as {file} (the file the trusted publisher names) and push a tag to publish.", packages.ToList());
    }

    /// <summary>The registry's host as an OIDC audience names it: host, plus the port when it is not the scheme's default.</summary>
    public static string RegistryHost(string registryUrl)
    {
        var uri = new Uri(ScriptGenerator.NormalizeRegistry(registryUrl));
        return uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
    }

    private static void PackageList(YamlBuilder y, IReadOnlyList<string> packages)
    {
        if (packages.Count == 0) return;
        y.Line("# Packages:");
        foreach (var name in packages) y.Line($"#   {Comment(name)}");
    }

    /// <summary>A YAML double-quoted scalar (always valid, whatever the value).</summary>
    public static string YamlQuote(string value)
    {
        var b = new StringBuilder("\"");
        foreach (var c in value)
        {
            b.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return b.Append('"').ToString();
    }

    private static string Comment(string text) => text.ReplaceLineEndings(" ");

    private sealed class YamlBuilder
    {
        private readonly StringBuilder text = new();

        public void Line(string line = "") => text.Append(line).Append('\n');

        public override string ToString() => text.ToString();
    }
}

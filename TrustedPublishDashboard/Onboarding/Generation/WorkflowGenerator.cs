using System.Text;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding.Planning;

namespace TrustedPublishDashboard.Onboarding.Generation;

/// <summary>
/// CI files that publish a workspace with trusted publishing and nothing else: no token, minimal permissions, one publish
/// job. Each line that trusted publishing depends on carries a comment saying why (REGISTRY-FACTS "Publishing from CI").
/// YAML is written as text so the comments survive; values a person typed are YAML-quoted.
/// </summary>
/// <summary>A package a workflow publishes: its name, its folder in the repository ("" = root, null = unknown) and how its repository builds.</summary>
public sealed record WorkflowPackage(string Name, string? Directory = null, PublishSetup? Setup = null);

/// <summary>The packages of one workflow file that share one environment (one publish job and one probe job).</summary>
public sealed record PublishLane(string? Environment, IReadOnlyList<WorkflowPackage> Packages);

/// <summary>
/// CI files that publish a workspace with trusted publishing and nothing else: no token, minimal permissions, one publish
/// job per environment, and (GitHub) a trust-probe job run by hand with `probe=true`. The install, build and publish
/// commands follow the repository's package manager (<see cref="PackageManagerCommands"/>); npm ≥ 11.15 always does the
/// upload, so the OIDC exchange is npm's whoever packs. Only versions not yet on the registry are published and a failure
/// of one package does not stop the others. Each line that trusted publishing depends on carries a comment saying why
/// (REGISTRY-FACTS "Publishing from CI"). YAML is written as text so the comments survive; values a person typed are quoted.
/// </summary>
public static class WorkflowGenerator
{
    public const string YamlMediaType = "application/yaml";
    public const string DefaultWorkflowFile = "release.yml";
    public const string DefaultGitLabCiFile = ".gitlab-ci.yml";

    /// <summary>npm ≥ 11.15 (REGISTRY-FACTS: 11.5.1 for OIDC publishing, 11.15 for the trust commands and staged-publish fixes); Node 24 may ship an older npm 11.</summary>
    public const string NpmUpgrade = "npm install -g npm@^11.15.0";

    public const string NodeVersion = "24";

    /// <summary>A GitHub Actions workflow for packages of unknown layout (the old signature): npm, each package at the root when alone.</summary>
    public static GeneratedArtifact GitHubActions(PublisherPlan plan, IReadOnlyList<string> packages) =>
        GitHubActions(plan, packages.Select(n => new WorkflowPackage(n, packages.Count == 1 ? "" : null)).ToList());

    public static GeneratedArtifact GitHubActions(PublisherPlan plan, IReadOnlyList<WorkflowPackage> packages, bool coversRepository = true) =>
        GitHubActions(plan, [new PublishLane(NullIfEmpty(plan.Environment), packages)], coversRepository);

    /// <param name="plan">The publisher: owner, repository and workflow file (its environment is each lane's).</param>
    /// <param name="lanes">One per environment; all of the same workflow file.</param>
    /// <param name="coversRepository">The workflow publishes every package of its repository, so a release tool may publish them all.</param>
    public static GeneratedArtifact GitHubActions(PublisherPlan plan, IReadOnlyList<PublishLane> lanes, bool coversRepository)
    {
        if (plan.Provider != Provider.GitHub) throw new ArgumentException($"A GitHub Actions workflow needs a GitHub plan, not {plan.Provider.DisplayName()}.", nameof(plan));
        if (lanes.Count == 0 || lanes.Any(l => l.Packages.Count == 0)) throw new ArgumentException("A workflow needs at least one package in each lane.", nameof(lanes));
        var file = string.IsNullOrWhiteSpace(plan.WorkflowFile) ? DefaultWorkflowFile : plan.WorkflowFile.Trim();
        var all = lanes.SelectMany(l => l.Packages).ToList();
        var setup = RepositorySetup(all);
        var commands = PackageManagerCommands.For(setup.Manager);
        var y = new YamlBuilder();
        y.Line("# Publishes npm packages of this repository with trusted publishing (OIDC): no npm token is stored anywhere.");
        y.Line($"# The file name must stay \"{Comment(file)}\": it must equal the workflow file name configured in each package's");
        y.Line("# trusted publisher (npm compares it exactly; .yml and .yaml differ, and a reusable workflow counts as its caller).");
        if (!string.IsNullOrWhiteSpace(plan.Owner) && !string.IsNullOrWhiteSpace(plan.Repository))
        {
            var environments = lanes.Select(l => l.Environment is null ? "no environment" : $"environment {Comment(l.Environment)}");
            y.Line($"# Trusted publisher: repository {Comment(plan.Owner.Trim())}/{Comment(plan.Repository.Trim())}, workflow {Comment(file)}, {string.Join(" / ", environments)}.");
        }
        y.Line($"# Package manager: {setup.Manager.DisplayName()} (from {Comment(setup.ManagerSource)}).");
        y.Line("# To check the trust configuration of these packages without publishing, run it by hand with probe=true:");
        y.Line($"#   gh workflow run {Comment(file)} -f probe=true");
        y.Line("# and paste the report printed in the probe job's log (or its trust-probe-report artifact) into the dashboard's Verify tab.");
        PackageList(y, all.Select(p => p.Name).ToList());
        y.Line("name: Publish to npm");
        y.Line();
        y.Line("on:");
        y.Line("  release:");
        y.Line("    types: [published]");
        y.Line("  # By hand, e.g. to retry a failed publish or to probe. (Never pull_request_target: it runs with the base repository's rights.)");
        y.Line("  workflow_dispatch:");
        y.Line("    inputs:");
        y.Line("      probe:");
        y.Line("        description: Check each package's trusted publisher with the registry's OIDC exchange; publishes nothing");
        y.Line("        type: boolean");
        y.Line("        default: false");
        y.Line();
        y.Line("# Every job starts read-only; only the jobs below that need one may request an OIDC token.");
        y.Line("permissions:");
        y.Line("  contents: read");
        y.Line();
        y.Line("jobs:");
        var multiple = lanes.Count > 1;
        foreach (var lane in lanes)
        {
            var suffix = multiple ? "-" + Slug(lane.Environment ?? "no-environment") : "";
            PublishJob(y, "publish" + suffix, lane, setup, commands, coversRepository && !multiple);
            ProbeJob(y, "probe" + suffix, lane, file, multiple ? $"{TrustProbeScript.ArtifactName}{suffix}" : TrustProbeScript.ArtifactName);
        }
        return new GeneratedArtifact($".github/workflows/{file}", YamlMediaType, y.ToString(), $"GitHub Actions publish workflow ({file})",
            $"Commit as .github/workflows/{file} in {RepositoryName(plan)} (the name the trusted publisher names) and publish a GitHub release to publish; " +
            $"run it with probe=true (gh workflow run {file} -f probe=true) to check the trust configuration without publishing.",
            all.Select(p => p.Name).ToList());
    }

    private static void PublishJob(YamlBuilder y, string id, PublishLane lane, PublishSetup setup, PackageManagerCommands commands, bool coversRepository)
    {
        y.Line($"  {id}:");
        y.Line("    # Not when started with probe=true: probing never publishes.");
        y.Line("    if: ${{ !inputs.probe }}");
        y.Line("    # npm accepts OIDC tokens from GitHub-hosted runners only; self-hosted runners are refused.");
        y.Line("    runs-on: ubuntu-latest");
        Environment(y, lane.Environment);
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
        switch (setup.Manager)
        {
            case PackageManager.Pnpm:
                y.Line("      - uses: pnpm/action-setup@v4");
                if (setup.ManagerVersion is null)
                {
                    y.Line("        # package.json has no packageManager field, so the pnpm version is given here.");
                    y.Line("        with:");
                    y.Line("          version: 10");
                }
                else
                {
                    y.Line($"        # No version: the action reads packageManager (pnpm@{Comment(setup.ManagerVersion)}) from package.json.");
                }
                break;
            case PackageManager.Bun:
                y.Line("      - uses: oven-sh/setup-bun@v2");
                y.Line("        with:");
                y.Line($"          bun-version: {YamlQuote(setup.ManagerVersion ?? "latest")}");
                break;
        }
        y.Line("      - uses: actions/setup-node@v4");
        y.Line("        # No registry-url here: it writes an .npmrc with a NODE_AUTH_TOKEN placeholder that shadows OIDC. No cache either:");
        y.Line("        # a cache shared with other workflows is a way into the publish job.");
        y.Line("        with:");
        y.Line("          # Trusted publishing needs Node >= 22.14; Node 24 comes with npm 11.");
        y.Line($"          node-version: '{NodeVersion}'");
        y.Line("      # npm does the OIDC exchange and the upload whichever manager installs and packs: it must be >= 11.15.");
        y.Line($"      - run: {NpmUpgrade}");
        if (setup.Manager is PackageManager.YarnBerry or PackageManager.YarnClassic)
        {
            y.Line("      # Yarn comes from corepack, at the version package.json's packageManager (or .yarnrc.yml's yarnPath) names.");
            y.Line("      - run: corepack enable");
        }
        foreach (var (comment, command) in InstallAndBuild(setup, commands, lane.Packages)) Run(y, "      ", comment, command);
        Publish(y, "      ", setup, commands, lane.Packages, coversRepository, github: true);
    }

    private static void ProbeJob(YamlBuilder y, string id, PublishLane lane, string file, string artifactName)
    {
        y.Line();
        y.Line($"  {id}:");
        y.Line("    # Only when started by hand with probe=true. For each package it asks the registry for a publish token the way npm");
        y.Line("    # does (the OIDC exchange) and reports 201 (a trusted publisher matches this workflow) or 404 (none does). It");
        y.Line("    # publishes nothing and drops any token it is given. Same file and environment as the publish job: npm checks both.");
        y.Line("    if: ${{ inputs.probe }}");
        y.Line("    runs-on: ubuntu-latest");
        Environment(y, lane.Environment);
        y.Line("    permissions:");
        y.Line("      # The probe requests the same OIDC ID token a publish would. No checkout: it reads nothing from the repository.");
        y.Line("      id-token: write");
        y.Line("    steps:");
        y.Line("      - uses: actions/setup-node@v4");
        y.Line("        with:");
        y.Line($"          node-version: '{NodeVersion}'");
        y.Line("      - name: Probe trusted publishing (publishes nothing)");
        y.Line("        env:");
        y.Line($"          {TrustProbeScript.PackagesVariable}: {YamlQuote(System.Text.Json.JsonSerializer.Serialize(lane.Packages.Select(p => p.Name), Planning.PlanValidator.ReadableJson))}");
        y.Line($"          {TrustProbeScript.WorkflowVariable}: {YamlQuote(file)}");
        if (lane.Environment is not null) y.Line($"          {TrustProbeScript.EnvironmentVariable}: {YamlQuote(lane.Environment)}");
        y.Line("        run: |");
        y.Line($"          cat > \"$RUNNER_TEMP/trust-probe.mjs\" <<'{TrustProbeScript.HeredocDelimiter}'");
        foreach (var line in TrustProbeScript.Source.ReplaceLineEndings("\n").Split('\n'))
        {
            y.Line(line.Length == 0 ? "" : "          " + line);
        }
        y.Line($"          {TrustProbeScript.HeredocDelimiter}");
        y.Line("          node \"$RUNNER_TEMP/trust-probe.mjs\"");
        y.Line("      - uses: actions/upload-artifact@v4");
        y.Line("        with:");
        y.Line($"          name: {artifactName}");
        y.Line($"          path: {TrustProbeScript.ReportFile}");
    }

    private static void Environment(YamlBuilder y, string? environment)
    {
        if (environment is null) return;
        y.Line("    # Must equal the environment in the trusted publisher, letter case included.");
        y.Line($"    environment: {YamlQuote(environment)}");
    }

    /// <summary>The setup the packages' repository was imported with (the first that has one), or npm with nothing known.</summary>
    public static PublishSetup RepositorySetup(IReadOnlyList<WorkflowPackage> packages) =>
        packages.Select(p => p.Setup).FirstOrDefault(s => s is not null)
        ?? new PublishSetup { ManagerSource = "not imported from a repository archive; npm assumed", LockFile = "package-lock.json" };

    /// <summary>The install and build commands, each with the comment that says why.</summary>
    public static IReadOnlyList<(string Comment, string Command)> InstallAndBuild(PublishSetup setup, PackageManagerCommands commands, IReadOnlyList<WorkflowPackage> packages)
    {
        var steps = new List<(string, string)>();
        steps.Add(setup.LockFile is null
            ? ($"There is no lock file, so the install cannot be frozen: commit one and use {commands.FrozenInstall}.", commands.Install)
            : ($"Installs exactly {setup.LockFile}; fails when it is out of date rather than publishing something untested.", commands.FrozenInstall));
        if (BuildCommand(setup, commands, packages) is { } build) steps.Add(build);
        return steps;
    }

    private static (string, string)? BuildCommand(PublishSetup setup, PackageManagerCommands commands, IReadOnlyList<WorkflowPackage> packages)
    {
        if (setup.RootBuild) return ("Builds what the packages publish (the root build script), so no tarball goes out empty.", string.Format(System.Globalization.CultureInfo.InvariantCulture, commands.Run, "build"));
        var building = packages.Where(p => p.Setup?.Builds == true).ToList();
        if (building.Count == 0) return null;
        var why = "Builds what the packages publish (" + string.Join(", ", building.Take(3).Select(p => p.Name + ": " +
            (p.Setup!.BuildScripts.Count > 0 ? string.Join("/", p.Setup.BuildScripts) + " script" : $"publishes {p.Setup.BuildOutput}"))) +
            (building.Count > 3 ? ", …" : "") + "), so no tarball goes out empty.";
        var withBuildScript = building.Where(p => p.Setup!.BuildScripts.Contains("build")).ToList();
        if (packages.All(p => p.Directory == "")) return withBuildScript.Count == 0 ? null : (why, string.Format(System.Globalization.CultureInfo.InvariantCulture, commands.Run, "build"));
        if (commands.BuildAll is { } all) return (why, all);
        // Yarn 1 has no "run where present": each package with a build script is built in turn.
        return withBuildScript.Count == 0 ? null
            : (why, string.Join(" && ", withBuildScript.Select(p => $"yarn --cwd {Planning.NpmTrustCommands.Arg(DirectoryOf(p))} run build")));
    }

    private static void Publish(YamlBuilder y, string indent, PublishSetup setup, PackageManagerCommands commands, IReadOnlyList<WorkflowPackage> packages, bool coversRepository, bool github)
    {
        var tool = setup.Tool;
        if (tool != ReleaseTool.None && coversRepository)
        {
            var (why, command) = tool == ReleaseTool.Changesets
                ? ("changeset publish publishes each package whose version is not on the registry yet (run it after the version PR is merged).", $"{commands.Exec} changeset publish")
                : ("lerna publish from-package publishes each package whose version is not on the registry yet; Lerna >= 9 is needed for OIDC.", $"{commands.Exec} lerna publish from-package --yes");
            Step(y, indent, why + " npm finds the OIDC token itself. Do not add NODE_AUTH_TOKEN or an .npmrc token: it would be used instead.", command, github);
            return;
        }
        var toolNote = tool == ReleaseTool.None ? "" : $" ({tool.DisplayName()} is not used here: it would publish the repository's other packages too, which another publisher owns.)";
        if (commands.Pack == PackMode.PnpmRecursive)
        {
            var filters = string.Join(" ", packages.Select(p => "--filter " + Planning.NpmTrustCommands.ShellQuote(p.Name)));
            Step(y, indent, "pnpm publishes each listed package whose version is not on the registry yet (and rewrites workspace: ranges); it hands the" +
                " upload to npm, which does the OIDC exchange. Do not add NODE_AUTH_TOKEN or an .npmrc token: it would be used instead." + toolNote,
                $"pnpm -r {filters} publish --access public --no-git-checks", github);
            return;
        }
        y.Line($"{indent}# Publishes each package whose version is not on the registry yet, and goes on past a failure so one refused");
        y.Line($"{indent}# package does not stop the others (the job fails at the end, naming them). npm finds the OIDC token itself;");
        y.Line($"{indent}# provenance is added automatically for public repositories. Do not add NODE_AUTH_TOKEN or an .npmrc token.{toolNote}");
        if (packages.Any(p => p.Directory is null))
            y.Line($"{indent}# Packages added by name are assumed at the repository root: import the repository archive for their folders.");
        if (github)
        {
            y.Line($"{indent}- shell: bash");
            y.Line($"{indent}  run: |");
        }
        else
        {
            y.Line($"{indent}- |");
        }
        var body = indent + (github ? "    " : "  ");
        foreach (var line in PublishScript(commands, packages)) y.Line(line.Length == 0 ? "" : body + line);
    }

    /// <summary>The bash that publishes the versions not on the registry yet, one package at a time.</summary>
    public static IReadOnlyList<string> PublishScript(PackageManagerCommands commands, IReadOnlyList<WorkflowPackage> packages)
    {
        var lines = new List<string>
        {
            "set -uo pipefail",
            "failed=()",
            "publish_new() {",
            "  local name=$1 dir=$2 version published pack_dir",
            "  shift 2",
            "  version=$(node -p 'require(process.argv[1]).version' \"$PWD/$dir/package.json\") || { failed+=(\"$name\"); return; }",
            "  # npm view prints the version when it is on the registry, nothing when it is not.",
            "  published=$(npm view \"$name@$version\" version 2>/dev/null || true)",
            "  if [ \"$published\" = \"$version\" ]; then echo \"$name@$version is already on the registry; skipped\"; return; fi",
        };
        switch (commands.Pack)
        {
            case PackMode.NpmInFolder:
                lines.Add("  (cd \"$dir\" && npm publish --access public) || failed+=(\"$name\")");
                break;
            default:
                var pack = commands.Pack == PackMode.YarnPack ? "yarn pack --out \"$pack_dir/package.tgz\"" : "bun pm pack --destination \"$pack_dir\"";
                lines.AddRange(
                [
                    "  # npm publishing a tarball runs no lifecycle scripts: the package's own prepare/prepublishOnly run first.",
                    "  for script in \"$@\"; do (cd \"$dir\" && " + string.Format(System.Globalization.CultureInfo.InvariantCulture, commands.Run, "\"$script\"") + ") || { failed+=(\"$name\"); return; }; done",
                    "  pack_dir=$(mktemp -d)",
                    $"  # {(commands.Pack == PackMode.YarnPack ? "yarn pack" : "bun pm pack")} rewrites workspace: ranges to real versions; npm uploads the tarball (and does the OIDC exchange).",
                    $"  (cd \"$dir\" && {pack}) && npm publish \"$pack_dir\"/*.tgz --access public || failed+=(\"$name\")",
                ]);
                break;
        }
        lines.Add("}");
        foreach (var p in packages)
        {
            var extra = commands.Pack is PackMode.YarnPack or PackMode.BunPack
                ? string.Concat((p.Setup?.BuildScripts ?? []).Where(s => s is "prepare" or "prepublishOnly").Select(s => " " + s))
                : "";
            lines.Add($"publish_new {Planning.NpmTrustCommands.ShellQuote(p.Name)} {Planning.NpmTrustCommands.ShellQuote(DirectoryOf(p))}{extra}");
        }
        lines.Add("if [ ${#failed[@]} -gt 0 ]; then echo \"Not published: ${failed[*]}\" >&2; exit 1; fi");
        return lines;
    }

    private static string DirectoryOf(WorkflowPackage p) => string.IsNullOrEmpty(p.Directory) ? "." : Planning.PlanValidator.NormalizeDirectory(p.Directory) is { Length: > 0 } d ? d : ".";

    private static void Run(YamlBuilder y, string indent, string comment, string command)
    {
        foreach (var line in Wrap(comment)) y.Line($"{indent}# {line}");
        y.Line($"{indent}- run: {RunScalar(command)}");
    }

    private static void Step(YamlBuilder y, string indent, string comment, string command, bool github)
    {
        if (github)
        {
            Run(y, indent, comment, command);
            return;
        }
        foreach (var line in Wrap(comment)) y.Line($"{indent}# {line}");
        y.Line($"{indent}- {RunScalar(command)}");
    }

    private static void RunGitLab(YamlBuilder y, string comment, string command)
    {
        foreach (var line in Wrap(comment)) y.Line($"    # {line}");
        y.Line($"    - {RunScalar(command)}");
    }

    /// <summary>A command as a YAML scalar: plain when nothing in it means something to YAML, else double-quoted.</summary>
    public static string RunScalar(string command) =>
        command.Length > 0 && char.IsAsciiLetter(command[0]) && !command.Contains(": ", StringComparison.Ordinal) && !command.Contains(" #", StringComparison.Ordinal)
            && !command.EndsWith(':') && command.All(c => c >= ' ' && c != '"' && c != '\\')
            ? command
            : YamlQuote(command);

    private static IEnumerable<string> Wrap(string text)
    {
        var line = new StringBuilder();
        foreach (var word in Comment(text).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + word.Length + 1 > 110)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }

    private static string Slug(string value)
    {
        var slug = new string(value.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return slug.Length == 0 ? "env" : slug;
    }

    private static string RepositoryName(PublisherPlan plan) =>
        string.IsNullOrWhiteSpace(plan.Owner) || string.IsNullOrWhiteSpace(plan.Repository) ? "the repository" : $"{plan.Owner.Trim()}/{plan.Repository.Trim()}";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public static GeneratedArtifact GitLabCi(PublisherPlan plan, string registryUrl, IReadOnlyList<string> packages) =>
        GitLabCi(plan, registryUrl, packages.Select(n => new WorkflowPackage(n, packages.Count == 1 ? "" : null)).ToList());

    public static GeneratedArtifact GitLabCi(PublisherPlan plan, string registryUrl, IReadOnlyList<WorkflowPackage> packages, bool coversRepository = true)
    {
        if (plan.Provider != Provider.GitLab) throw new ArgumentException($"A GitLab CI file needs a GitLab plan, not {plan.Provider.DisplayName()}.", nameof(plan));
        var file = string.IsNullOrWhiteSpace(plan.CiFile) ? DefaultGitLabCiFile : plan.CiFile.Trim();
        var registry = ScriptGenerator.NormalizeRegistry(registryUrl);
        var audience = $"npm:{RegistryHost(registry)}";
        var setup = RepositorySetup(packages);
        var commands = PackageManagerCommands.For(setup.Manager);
        var y = new YamlBuilder();
        y.Line("# Publishes npm packages of this project with trusted publishing (OIDC) when a tag is pushed: no npm token");
        y.Line($"# is stored anywhere. The file name must stay \"{Comment(file)}\": it must equal the CI file configured in each");
        y.Line("# package's trusted publisher. Use GitLab.com shared runners.");
        y.Line($"# Package manager: {setup.Manager.DisplayName()} (from {Comment(setup.ManagerSource)}).");
        PackageList(y, packages.Select(p => p.Name).ToList());
        y.Line("publish:");
        y.Line("  stage: deploy");
        y.Line("  # Trusted publishing needs Node >= 22.14; Node 24 comes with npm 11.");
        y.Line($"  image: node:{NodeVersion}");
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
        RunGitLab(y, "npm does the OIDC exchange and the upload whichever manager installs and packs: it must be >= 11.15.", NpmUpgrade);
        switch (setup.Manager)
        {
            case PackageManager.Pnpm:
                RunGitLab(y, "pnpm at the version package.json's packageManager names (corepack reads it).",
                    setup.ManagerVersion is null ? "npm install -g pnpm@10" : "corepack enable");
                break;
            case PackageManager.YarnBerry or PackageManager.YarnClassic:
                RunGitLab(y, "Yarn comes from corepack, at the version package.json's packageManager (or .yarnrc.yml's yarnPath) names.", "corepack enable");
                break;
            case PackageManager.Bun:
                RunGitLab(y, "Bun installs and packs; npm still uploads (Bun cannot publish with OIDC).", "npm install -g bun@" + (setup.ManagerVersion ?? "latest"));
                break;
        }
        foreach (var (comment, command) in InstallAndBuild(setup, commands, packages)) RunGitLab(y, comment, command);
        Publish(y, "    ", setup, commands, packages, coversRepository, github: false);
        return new GeneratedArtifact(file, YamlMediaType, y.ToString(), "GitLab CI publish job",
            $"Commit as {file} (the file the trusted publisher names) and push a tag to publish.", packages.Select(p => p.Name).ToList());
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

using System.Text;
using System.Text.Json;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding.Planning;
using static TrustedPublishDashboard.Onboarding.Planning.NpmTrustCommands;

namespace TrustedPublishDashboard.Onboarding.Generation;

/// <summary>
/// Bash scripts a maintainer runs on their own machine for the steps npm only allows with a person's 2FA or a token:
/// bootstrap placeholders, configure trust, require OIDC only, collect trust lists. Each returns null when no package needs
/// it. Scripts are re-runnable: finished packages are skipped. Pure string building; LF line endings.
/// </summary>
public static class ScriptGenerator
{
    public const string ShellMediaType = "text/x-shellscript";

    /// <summary>Seconds between npm trust/access calls: npm rate-limits bulk changes (REGISTRY-FACTS: pace ~2 s, ≈ 80 per 5-minute 2FA window).</summary>
    public const int PaceSeconds = 2;

    public const string TrustProgressFile = ".trust-progress";
    public const string OidcOnlyProgressFile = ".oidc-only-progress";

    private const string PlaceholderVersion = "0.0.0";
    private const string PlaceholderDescription = "Placeholder reserved for trusted publishing";

    /// <summary>
    /// Publishes a 0.0.0 placeholder for each package the registry does not have (<see cref="PlannedPackage.Exists"/> == false):
    /// npm has no pending trusted publishers, so a name must exist before trust can be configured.
    /// </summary>
    public static GeneratedArtifact? Bootstrap(IReadOnlyList<PlannedPackage> packages, string registryUrl)
    {
        var missing = packages.Where(p => p.Exists == false).ToList();
        if (missing.Count == 0) return null;
        var registry = NormalizeRegistry(registryUrl);
        var authKey = NerfDart(registry);
        var names = missing.Select(p => p.Name).ToList();

        var s = new ScriptBuilder();
        s.Line("#!/usr/bin/env bash");
        s.Line($"# Bootstrap: publish a placeholder {PlaceholderVersion} for {Count(names.Count)} that the registry does not have yet.");
        s.Line("#");
        s.Line("# Why: npm can only configure a trusted publisher for a package that exists (there are no pending publishers),");
        s.Line("# so each new name is published once, by you, before trust is configured. Real releases then come from CI.");
        s.Line("#");
        s.Line("# Before you run it:");
        s.Line("#   1. Create a short-lived GRANULAR ACCESS TOKEN on the registry website (Access Tokens -> Generate New Token");
        s.Line("#      -> Granular Access Token): permissions \"Read and write\", limited to these packages (for names that do not");
        s.Line("#      exist yet: to their scope, or \"All packages\"), expiring in 1 day. Do not use a classic or automation token.");
        s.Line("#   2. Run it with the token in the environment, for this script only:");
        s.Line("#        NPM_TOKEN=npm_xxxxxxxx bash bootstrap-placeholders.sh");
        s.Line("#      The token goes into a temporary npm user config (NPM_CONFIG_USERCONFIG=$(mktemp)) that is removed on exit;");
        s.Line("#      your ~/.npmrc is not read or changed. The file holds ${NPM_TOKEN}, which npm expands, not the token itself.");
        s.Line("#   3. Afterwards DELETE THE TOKEN: `npm token list` then `npm token revoke <id>`, or on the website");
        s.Line("#      (Access Tokens -> Delete). Then mark \"Bootstrap token deleted\" in the dashboard.");
        s.Line("#");
        s.Line("# Safe to re-run: a package that already exists on the registry is skipped. Stops at the first failure.");
        s.Line("#");
        s.Line("# Packages:");
        foreach (var name in names) s.Line($"#   {Comment(name)}");
        s.Line("set -euo pipefail");
        s.Line();
        s.Line($"REGISTRY={ShellQuote(registry)}");
        s.Line(": \"${NPM_TOKEN:?Set NPM_TOKEN to the short-lived granular access token (see the instructions at the top of this script)}\"");
        s.Line("export NPM_TOKEN");
        s.Line();
        s.Line("NPM_CONFIG_USERCONFIG=$(mktemp)");
        s.Line("export NPM_CONFIG_USERCONFIG");
        s.Line("work_dir=$(mktemp -d)");
        s.Line("cleanup() { rm -f \"$NPM_CONFIG_USERCONFIG\"; rm -rf \"$work_dir\"; }");
        s.Line("trap cleanup EXIT");
        s.Line("chmod 600 \"$NPM_CONFIG_USERCONFIG\"");
        s.Line("# Single quotes on purpose: npm expands ${NPM_TOKEN} when it reads the file, so the token is never written to disk.");
        s.Line($"printf '%s\\n' {ShellQuote(authKey + ":_authToken=${NPM_TOKEN}")} > \"$NPM_CONFIG_USERCONFIG\"");
        s.Line();
        s.Line("publish_placeholder() {");
        s.Line("  local name=$1 dir=$2");
        s.Line("  if npm view \"$name\" name --registry \"$REGISTRY\" >/dev/null 2>&1; then");
        s.Line("    echo \"Skipping $name: it already exists on $REGISTRY\"");
        s.Line("    return 0");
        s.Line("  fi");
        s.Line($"  echo \"Publishing placeholder $name@{PlaceholderVersion}\"");
        s.Line("  # --access public: scoped names are private (and refused without a paid plan) unless published as public.");
        s.Line("  if ! (cd \"$dir\" && npm publish --access public --registry \"$REGISTRY\"); then");
        s.Line("    echo \"Failed to publish the placeholder for $name; stopping. Fix the cause and re-run (published packages are skipped).\" >&2");
        s.Line("    exit 1");
        s.Line("  fi");
        s.Line("}");
        var index = 0;
        foreach (var package in missing)
        {
            index++;
            s.Line();
            s.Line($"# {Comment(package.Name)}");
            s.Line($"dir=\"$work_dir/{index}\"");
            s.Line("mkdir -p \"$dir\"");
            s.Line($"printf '%s\\n' {ShellQuote(PlaceholderManifest(package))} > \"$dir/package.json\"");
            s.Line($"printf '%s\\n' {ShellQuote(PlaceholderReadme(package.Name))} > \"$dir/README.md\"");
            s.Line($"publish_placeholder {ShellQuote(package.Name)} \"$dir\"");
        }
        s.Line();
        s.Line("echo \"Done. Now DELETE the bootstrap token (npm token revoke <id>, or on the website) and configure trust.\"");

        return new GeneratedArtifact("bootstrap-placeholders.sh", ShellMediaType, s.ToString(), "Bootstrap placeholders",
            $"Publishes a {PlaceholderVersion} placeholder for {Count(names.Count)} not on the registry yet, with a short-lived granular token you delete afterwards.",
            names);
    }

    /// <summary>The placeholder's package.json: name, 0.0.0, a description saying why it exists, and the repository when package.json named one.</summary>
    public static string PlaceholderManifest(PlannedPackage package)
    {
        var manifest = new Dictionary<string, object>
        {
            ["name"] = package.Name,
            ["version"] = PlaceholderVersion,
            ["description"] = PlaceholderDescription,
        };
        if (RepositoryUrl.Parse(package.RepositoryUrl) is { } repo)
        {
            var repository = new Dictionary<string, string> { ["type"] = "git", ["url"] = repo.CanonicalUrl };
            var directory = PlanValidator.NormalizeDirectory(package.RepositoryDirectory ?? package.WorkspacePath);
            if (directory.Length > 0) repository["directory"] = directory;
            manifest["repository"] = repository;
        }
        return JsonSerializer.Serialize(manifest, new JsonSerializerOptions(PlanValidator.ReadableJson) { WriteIndented = true }).ReplaceLineEndings("\n");
    }

    private static string PlaceholderReadme(string name) => string.Join('\n',
        $"# {name}",
        "",
        $"This {PlaceholderVersion} version is a placeholder. It contains no code.",
        "",
        "It was published once to reserve the name so that trusted publishing (OIDC) can be configured:",
        "npm can only configure a trusted publisher for a package that already exists.",
        "Real releases are published from CI without a token. Do not install this version.");

    /// <summary>npm's `npm trust` commands need npm ≥ 11.15 (npm 11.19's `npm help trust` says so).</summary>
    public const string MinimumTrustNpm = "11.15.0";

    /// <summary>The old signature: every package is created (none replaced).</summary>
    public static GeneratedArtifact? Trust(IReadOnlyList<(PlannedPackage Package, PublisherPlan Publisher)> packages) =>
        Trust(packages.Select(p => new TrustChange(p.Package, p.Publisher)).ToList());

    /// <summary>
    /// Configures the trusted publisher of each package (one `npm trust …` call each), paced, resumable through a progress
    /// file. A package whose last verification failed is replaced: its wrong configuration(s) are revoked
    /// (`npm trust revoke --id`) and the plan's is created, after ONE confirmation for all of them (npm cannot edit a
    /// connection). Other packages are created, skipped when `npm trust list` already shows a configuration. Stops at the
    /// first failure.
    /// </summary>
    public static GeneratedArtifact? Trust(IReadOnlyList<TrustChange> packages)
    {
        if (packages.Count == 0) return null;
        var names = packages.Select(p => p.Package.Name).ToList();
        var replaced = packages.Where(p => p.Replace).ToList();
        var s = new ScriptBuilder();
        s.Line("#!/usr/bin/env bash");
        s.Line($"# Configure npm trusted publishing (OIDC) for {Count(names.Count)}.");
        s.Line("#");
        s.Line($"# Needs npm >= {MinimumTrustNpm} (the `npm trust` command): npm install -g npm@latest");
        s.Line("# Log in first (`npm login`) as a maintainer with write access; trust changes need your account's 2FA");
        s.Line("# (tokens that bypass 2FA are refused). At the first 2FA prompt choose \"skip 2FA for 5 minutes\": with the");
        s.Line($"# {PaceSeconds}-second pause between packages about 80 packages fit in one window; npm asks again after it.");
        s.Line("#");
        if (replaced.Count > 0)
        {
            s.Line($"# {Count(replaced.Count)} failed verification: the script REVOKES the configuration npm reported and creates the");
            s.Line("# plan's (a connection cannot be edited). It asks once before changing any of them (TRUST_YES=1 answers yes):");
            foreach (var change in replaced) s.Line($"#   {Comment(change.Describe())}");
            s.Line("#");
        }
        s.Line("# Safe to re-run: changed packages are recorded in the progress file (TRUST_PROGRESS_FILE, default");
        s.Line($"# {TrustProgressFile}) and skipped, and so is a new package whose `npm trust list` already shows a configuration");
        s.Line("# (check it against the plan in the dashboard). Stops at the first failure.");
        s.Line("# --allow-publish: without it npm creates a stage-only connection that cannot publish directly.");
        s.Line("set -euo pipefail");
        s.Line();
        s.Line($"PROGRESS_FILE=\"${{TRUST_PROGRESS_FILE:-{TrustProgressFile}}}\"");
        s.Line("touch \"$PROGRESS_FILE\"");
        RequireNpm(s, MinimumTrustNpm, "npm trust");
        if (replaced.Count > 0)
        {
            s.Line();
            s.Line("echo \"These packages failed verification; their trust configuration will be replaced:\"");
            foreach (var change in replaced) s.Line($"echo {ShellQuote("  " + change.Describe())}");
            s.Line("if [ \"${TRUST_YES:-}\" != 1 ]; then");
            s.Line($"  read -r -p \"Revoke and re-create the trust configuration of {Count(replaced.Count)}? [y/N] \" answer || answer=");
            s.Line("  case \"$answer\" in");
            s.Line("    y|Y|yes|YES) ;;");
            s.Line("    *) echo \"Nothing was changed.\" >&2; exit 1 ;;");
            s.Line("  esac");
            s.Line("fi");
        }
        s.Line();
        s.Line("first=1");
        s.Line("pace() {");
        s.Line($"  if [ \"$first\" -eq 0 ]; then sleep {PaceSeconds}; fi");
        s.Line("  first=0");
        s.Line("}");
        s.Line("configure() {");
        s.Line("  local name=$1 existing");
        s.Line("  shift");
        s.Line("  if grep -Fxq -- \"$name\" \"$PROGRESS_FILE\"; then");
        s.Line("    echo \"Skipping $name: already configured (recorded in $PROGRESS_FILE)\"");
        s.Line("    return 0");
        s.Line("  fi");
        s.Line("  pace");
        s.Line("  existing=$(npm trust list \"$name\" --json 2>/dev/null || true)");
        s.Line("  if grep -Eq '\"type\"[[:space:]]*:[[:space:]]*\"(github|gitlab|circleci)\"' <<<\"$existing\"; then");
        s.Line("    echo \"Skipping $name: npm trust list already shows a configuration (compare it with the plan in the dashboard)\"");
        s.Line("    printf '%s\\n' \"$name\" >> \"$PROGRESS_FILE\"");
        s.Line("    return 0");
        s.Line("  fi");
        s.Line("  if ! \"$@\"; then");
        s.Line("    echo \"Failed to configure trust for $name\" >&2");
        s.Line("    exit 1");
        s.Line("  fi");
        s.Line("  printf '%s\\n' \"$name\" >> \"$PROGRESS_FILE\"");
        s.Line("  echo \"Configured trust for $name\"");
        s.Line("}");
        if (replaced.Count > 0)
        {
            s.Line("# replace <name> <id>... -- <npm trust command>: revokes each id, then creates. Recorded with the ids, so a package");
            s.Line("# configured by an earlier run is still replaced.");
            s.Line("replace() {");
            s.Line("  local name=$1 key id");
            s.Line("  shift");
            s.Line("  key=\"replaced $name\"");
            s.Line("  for id in \"$@\"; do [ \"$id\" = -- ] && break; key=\"$key $id\"; done");
            s.Line("  if grep -Fxq -- \"$key\" \"$PROGRESS_FILE\"; then");
            s.Line("    echo \"Skipping $name: already replaced (recorded in $PROGRESS_FILE)\"");
            s.Line("    return 0");
            s.Line("  fi");
            s.Line("  while [ \"$1\" != -- ]; do");
            s.Line("    pace");
            s.Line("    if ! npm trust revoke \"$name\" --id \"$1\"; then");
            s.Line("      echo \"Failed to revoke trust configuration $1 of $name\" >&2");
            s.Line("      exit 1");
            s.Line("    fi");
            s.Line("    echo \"Revoked trust configuration $1 of $name\"");
            s.Line("    shift");
            s.Line("  done");
            s.Line("  shift");
            s.Line("  pace");
            s.Line("  if ! \"$@\"; then");
            s.Line("    echo \"Failed to configure trust for $name (its old configuration is already revoked: re-run to create it)\" >&2");
            s.Line("    exit 1");
            s.Line("  fi");
            s.Line("  printf '%s\\n' \"$key\" \"$name\" >> \"$PROGRESS_FILE\"");
            s.Line("  echo \"Replaced the trust configuration of $name\"");
            s.Line("}");
        }
        s.Line();
        foreach (var change in packages)
        {
            var command = NpmTrustCommands.Configure(change.Package.Name, change.Publisher);
            s.Line(change.Replace
                ? $"replace {ShellQuote(change.Package.Name)}{string.Concat(change.RevokeIds.Select(id => " " + NpmTrustCommands.Arg(id)))} -- {command}"
                : $"configure {ShellQuote(change.Package.Name)} {command}");
        }
        s.Line();
        s.Line("echo \"Done. Verify with the collect-trust-lists script (or the release workflow with probe=true) and paste the output into the dashboard.\"");
        return new GeneratedArtifact("configure-trust.sh", ShellMediaType, s.ToString(), "Configure trusted publishing",
            $"Runs npm trust for {Count(names.Count)}, {PaceSeconds} s apart; re-run after an interruption and finished packages are skipped." +
            (replaced.Count == 0 ? "" : $" {Count(replaced.Count)} failed verification and will be replaced (revoke, then create) after one confirmation."), names)
        {
            Changes = packages.Select(p => p.Describe()).ToList(),
        };
    }

    /// <summary>
    /// Sets "require 2FA and disallow tokens" (`npm access set mfa=publish`) per package, paced and resumable. npm has no way to
    /// read the setting back, so the dashboard records the maintainer's confirmation.
    /// </summary>
    public static GeneratedArtifact? RequireOidcOnly(IReadOnlyList<string> packages)
    {
        if (packages.Count == 0) return null;
        var s = new ScriptBuilder();
        s.Line("#!/usr/bin/env bash");
        s.Line($"# Require 2FA and disallow tokens for publishing {Count(packages.Count)} (npm access set mfa=publish).");
        s.Line("#");
        s.Line("# ######################################################################################################");
        s.Line("# NOTE: npm offers NO way to read this setting back (it is not in the package metadata and has no read");
        s.Line("# endpoint). The dashboard cannot verify it: after this script succeeds, confirm the step in the dashboard,");
        s.Line("# which records who confirmed it and when.");
        s.Line("# ######################################################################################################");
        s.Line("#");
        s.Line("# Run this after trust is configured (and ideally after a first publish from CI): from then on only");
        s.Line("# trusted publishing or a person with 2FA can publish; every token, including automation tokens, is refused.");
        s.Line("# Log in first (`npm login`); each change needs 2FA. At the first prompt choose \"skip 2FA for 5 minutes\".");
        s.Line($"# Safe to re-run: finished packages are recorded in OIDC_ONLY_PROGRESS_FILE (default {OidcOnlyProgressFile})");
        s.Line("# and skipped. Stops at the first failure.");
        s.Line("set -euo pipefail");
        s.Line();
        s.Line($"PROGRESS_FILE=\"${{OIDC_ONLY_PROGRESS_FILE:-{OidcOnlyProgressFile}}}\"");
        s.Line("touch \"$PROGRESS_FILE\"");
        s.Line();
        s.Line("first=1");
        s.Line("require_oidc_only() {");
        s.Line("  local name=$1");
        s.Line("  shift");
        s.Line("  if grep -Fxq -- \"$name\" \"$PROGRESS_FILE\"; then");
        s.Line("    echo \"Skipping $name: already done (recorded in $PROGRESS_FILE)\"");
        s.Line("    return 0");
        s.Line("  fi");
        s.Line($"  if [ \"$first\" -eq 0 ]; then sleep {PaceSeconds}; fi");
        s.Line("  first=0");
        s.Line("  if ! \"$@\"; then");
        s.Line("    echo \"Failed to require 2FA and disallow tokens for $name\" >&2");
        s.Line("    exit 1");
        s.Line("  fi");
        s.Line("  printf '%s\\n' \"$name\" >> \"$PROGRESS_FILE\"");
        s.Line("  echo \"Publishing $name now requires 2FA or trusted publishing\"");
        s.Line("}");
        s.Line();
        foreach (var name in packages) s.Line($"require_oidc_only {ShellQuote(name)} {NpmTrustCommands.RequireOidcOnly(name)}");
        s.Line();
        s.Line("echo \"Done. npm cannot report this setting: confirm the OIDC-only step in the dashboard.\"");
        return new GeneratedArtifact("require-oidc-only.sh", ShellMediaType, s.ToString(), "Require OIDC only",
            $"Sets mfa=publish (2FA required, tokens refused) for {Count(packages.Count)}. npm cannot report this setting, so confirm it in the dashboard afterwards.",
            packages.ToList());
    }

    /// <summary>Prints one JSON line per package, `{"package":"…","trust":&lt;npm trust list --json&gt;}`, to paste into the dashboard.</summary>
    public static GeneratedArtifact? CollectTrustLists(IReadOnlyList<string> packages)
    {
        if (packages.Count == 0) return null;
        var s = new ScriptBuilder();
        s.Line("#!/usr/bin/env bash");
        s.Line($"# Collect the trusted-publisher configuration of {Count(packages.Count)} for the dashboard to compare with the plan.");
        s.Line("#");
        s.Line($"# Needs npm >= {MinimumTrustNpm} and a login (`npm login`). Run:  bash collect-trust-lists.sh > trust-lists.jsonl");
        s.Line("# then paste the contents of trust-lists.jsonl into the dashboard. Each line is");
        s.Line("#   {\"package\":\"<name>\",\"trust\":[<the objects npm trust list --json printed>]}  (null when it printed nothing)");
        s.Line("# or, when npm fails for a package, {\"package\":\"<name>\",\"error\":\"…\"}. Progress goes to stderr.");
        s.Line("set -euo pipefail");
        RequireNpm(s, MinimumTrustNpm, "npm trust list");
        s.Line();
        s.Line("first=1");
        s.Line("collect() {");
        s.Line("  local name=$1 name_json=$2 out status");
        s.Line($"  if [ \"$first\" -eq 0 ]; then sleep {PaceSeconds}; fi");
        s.Line("  first=0");
        s.Line("  echo \"Reading trust configuration of $name\" >&2");
        s.Line("  status=0");
        s.Line("  out=$(npm trust list \"$name\" --json 2>/dev/null) || status=$?");
        s.Line("  if [ \"$status\" -ne 0 ]; then");
        s.Line("    printf '{\"package\":%s,\"error\":\"npm trust list failed with exit code %s\"}\\n' \"$name_json\" \"$status\"");
        s.Line("    return 0");
        s.Line("  fi");
        s.Line("  # npm prints nothing both when there is no configuration and when the read failed: say so, never \"none\".");
        s.Line("  if [ -z \"$(printf '%s' \"$out\" | tr -d '[:space:]')\" ]; then");
        s.Line("    printf '{\"package\":%s,\"trust\":null}\\n' \"$name_json\"");
        s.Line("    return 0");
        s.Line("  fi");
        s.Line("  # JSON strings cannot hold raw line breaks, so joining the lines keeps the documents intact; npm prints one object per");
        s.Line("  # configuration, one after another, so they become one list.");
        s.Line("  out=$(printf '%s' \"$out\" | tr -d '\\r\\n' | sed 's/}[[:space:]]*{/},{/g')");
        s.Line("  case \"$out\" in \\[*) ;; *) out=\"[$out]\" ;; esac");
        s.Line("  printf '{\"package\":%s,\"trust\":%s}\\n' \"$name_json\" \"$out\"");
        s.Line("}");
        s.Line();
        foreach (var name in packages) s.Line($"collect {ShellQuote(name)} {ShellQuote(PlanValidator.JsonString(name))}");
        return new GeneratedArtifact("collect-trust-lists.sh", ShellMediaType, s.ToString(), "Collect trust lists",
            $"Prints npm trust list --json for {Count(packages.Count)} as JSON lines to paste into the dashboard.", packages.ToList());
    }

    private static void RequireNpm(ScriptBuilder s, string minimum, string why)
    {
        s.Line();
        s.Line("npm_version=$(npm --version)");
        s.Line($"if ! printf '%s\\n%s\\n' {minimum} \"$npm_version\" | sort -V -C; then");
        s.Line($"  echo \"{why} needs npm >= {minimum}, this machine has npm $npm_version. Nothing was changed. Upgrade with: npm install -g npm@latest\" >&2");
        s.Line("  exit 1");
        s.Line("fi");
    }

    /// <summary>The registry URL with a trailing slash; must be an absolute http(s) URL (it comes from configuration, not a person).</summary>
    public static string NormalizeRegistry(string registryUrl)
    {
        if (!Uri.TryCreate(registryUrl?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"The registry URL '{registryUrl}' is not an absolute http(s) URL.", nameof(registryUrl));
        }
        var text = uri.GetLeftPart(UriPartial.Path);
        return text.EndsWith('/') ? text : text + "/";
    }

    /// <summary>npm's config key for a registry's credentials: `//host[:port]/path/` (scheme dropped).</summary>
    public static string NerfDart(string registryUrl)
    {
        var uri = new Uri(NormalizeRegistry(registryUrl));
        var port = uri.IsDefaultPort ? "" : $":{uri.Port}";
        return $"//{uri.Host}{port}{uri.AbsolutePath}";
    }

    private static string Count(int n) => n == 1 ? "1 package" : $"{n} packages";

    private static string Comment(string text) => text.ReplaceLineEndings(" ");

    private sealed class ScriptBuilder
    {
        private readonly StringBuilder text = new();

        public void Line(string line = "") => text.Append(line).Append('\n');

        public override string ToString() => text.ToString();
    }
}

/// <summary>
/// One package the trust script changes. <paramref name="Replace"/>: its last verification failed, so the configuration(s)
/// <paramref name="RevokeIds"/> are revoked before the plan's is created (none known: it is created next to what exists).
/// </summary>
public sealed record TrustChange(PlannedPackage Package, PublisherPlan Publisher, IReadOnlyList<string> RevokeIds, bool Replace = false, string? Reason = null)
{
    public TrustChange(PlannedPackage package, PublisherPlan publisher) : this(package, publisher, [], false) { }

    /// <summary>What the script does to the package, in a sentence (shown on the Scripts page and in the script).</summary>
    public string Describe()
    {
        var target = Publisher.Provider switch
        {
            Provider.GitHub => $"{Publisher.Owner?.Trim()}/{Publisher.Repository?.Trim()}, {Publisher.WorkflowFile?.Trim()}",
            Provider.GitLab => $"{Publisher.ProjectPath?.Trim()}, {Publisher.CiFile?.Trim()}",
            _ => $"CircleCI project {Publisher.ProjectId?.Trim()}",
        } + (string.IsNullOrEmpty(Publisher.Environment) || Publisher.Provider == Provider.CircleCI ? "" : $", environment {Publisher.Environment}");
        var create = $"create {Publisher.Provider.DisplayName()} ({target})";
        if (!Replace) return $"{Package.Name}: {create}";
        return RevokeIds.Count == 0
            ? $"{Package.Name}: verification failed{(Reason is null ? "" : $" ({Reason})")}; no configuration id is known, so nothing is revoked: {create}"
            : $"{Package.Name}: verification failed{(Reason is null ? "" : $" ({Reason})")}; revoke {string.Join(", ", RevokeIds)}, then {create}";
    }
}

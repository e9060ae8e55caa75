using System.Text.Json;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding.Generation;
using TrustedPublishDashboard.Onboarding.Verification;
using static TrustedPublishDashboard.Tests.Onboarding.OnboardingFixtures;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class ScriptGeneratorTests
{
    private static readonly IReadOnlyList<PlannedPackage> Mixed =
    [
        Package("@octo/new-a", exists: false),
        Package("@octo/old", exists: true),
        Package("new-b", url: null, directory: null, workspace: "", exists: false),
        Package("unchecked", exists: null),
    ];

    private static IReadOnlyList<(PlannedPackage, PublisherPlan)> TrustInput(params string[] names) =>
        names.Select(n => (Package(n), GitHub("prod"))).ToList();

    public static TheoryData<string> AllScripts() => new()
    {
        nameof(ScriptGenerator.Bootstrap),
        nameof(ScriptGenerator.Trust),
        nameof(ScriptGenerator.RequireOidcOnly),
        nameof(ScriptGenerator.CollectTrustLists),
    };

    private static GeneratedArtifact Generate(string which) => which switch
    {
        nameof(ScriptGenerator.Bootstrap) => ScriptGenerator.Bootstrap(Mixed, RegistryUrl)!,
        nameof(ScriptGenerator.Trust) => ScriptGenerator.Trust(TrustInput("@octo/a", "it's-odd", "c"))!,
        nameof(ScriptGenerator.RequireOidcOnly) => ScriptGenerator.RequireOidcOnly(["@octo/a", "b"])!,
        nameof(ScriptGenerator.CollectTrustLists) => ScriptGenerator.CollectTrustLists(["@octo/a", "b"])!,
        _ => throw new ArgumentOutOfRangeException(nameof(which)),
    };

    [Theory]
    [MemberData(nameof(AllScripts))]
    public void EveryScript_BashStrictMode_LfOnly_PassesBashSyntaxCheck(string which)
    {
        var script = Generate(which);
        Assert.StartsWith("#!/usr/bin/env bash\n", script.Content);
        Assert.Contains("\nset -euo pipefail\n", script.Content);
        Assert.DoesNotContain('\r', script.Content);
        Assert.Equal("text/x-shellscript", script.MediaType);
        var (code, error) = ScriptSandbox.SyntaxCheck(script.Content);
        Assert.True(code == 0, $"bash -n failed: {error}");
    }

    [Fact]
    public void NothingToDo_EveryGeneratorReturnsNull()
    {
        Assert.Null(ScriptGenerator.Bootstrap([Package(exists: true), Package("x", exists: null)], RegistryUrl));
        Assert.Null(ScriptGenerator.Bootstrap([], RegistryUrl));
        Assert.Null(ScriptGenerator.Trust(new List<TrustChange>()));
        Assert.Null(ScriptGenerator.RequireOidcOnly([]));
        Assert.Null(ScriptGenerator.CollectTrustLists([]));
    }

    [Fact]
    public void Bootstrap_OnlyPackagesTheRegistryLacks()
    {
        var script = ScriptGenerator.Bootstrap(Mixed, RegistryUrl)!;
        Assert.Equal(["@octo/new-a", "new-b"], script.Packages);
        Assert.Contains("publish_placeholder '@octo/new-a' \"$dir\"", script.Content);
        Assert.Contains("publish_placeholder 'new-b' \"$dir\"", script.Content);
        Assert.DoesNotContain("@octo/old", script.Content);
        Assert.DoesNotContain("unchecked", script.Content);
    }

    [Fact]
    public void Bootstrap_Instructions_GranularShortLivedTokenInTempUserconfig_DeletedAfterwards()
    {
        var content = ScriptGenerator.Bootstrap(Mixed, RegistryUrl)!.Content;
        Assert.Contains("GRANULAR ACCESS TOKEN", content);
        Assert.Contains("\"Read and write\"", content);
        Assert.Contains("expiring in 1 day", content);
        Assert.Contains("DELETE THE TOKEN", content);
        Assert.Contains("npm token revoke <id>", content);
        Assert.Contains("\nNPM_CONFIG_USERCONFIG=$(mktemp)\n", content);
        Assert.Contains("printf '%s\\n' '//127.0.0.1:4873/:_authToken=${NPM_TOKEN}' > \"$NPM_CONFIG_USERCONFIG\"", content);
        Assert.Contains("\ntrap cleanup EXIT\n", content);
        Assert.Contains("\nREGISTRY='http://127.0.0.1:4873/'\n", content);
        Assert.Contains("npm view \"$name\" name --registry \"$REGISTRY\"", content);
        Assert.Contains("npm publish --access public --registry \"$REGISTRY\"", content);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4873/", "//127.0.0.1:4873/")]
    [InlineData("http://127.0.0.1:4873", "//127.0.0.1:4873/")]
    [InlineData("https://registry.example.test/", "//registry.example.test/")]
    [InlineData("https://registry.example.test:443/npm", "//registry.example.test/npm/")]
    public void NerfDart_HostPortAndPath(string registry, string expected) => Assert.Equal(expected, ScriptGenerator.NerfDart(registry));

    [Theory]
    [InlineData("registry.example.test")]
    [InlineData("ftp://registry.example.test/")]
    [InlineData("")]
    public void Bootstrap_RegistryNotAnHttpUrl_Throws(string registry) =>
        Assert.Throws<ArgumentException>(() => ScriptGenerator.Bootstrap(Mixed, registry));

    [Fact]
    public void PlaceholderManifest_NameVersionDescriptionAndRepository()
    {
        using var withRepo = JsonDocument.Parse(ScriptGenerator.PlaceholderManifest(Package("@octo/new-a", url: "git@github.com:Octo-Org/Widgets.git")));
        var root = withRepo.RootElement;
        Assert.Equal("@octo/new-a", root.GetProperty("name").GetString());
        Assert.Equal("0.0.0", root.GetProperty("version").GetString());
        Assert.Equal("Placeholder reserved for trusted publishing", root.GetProperty("description").GetString());
        Assert.Equal("git+https://github.com/Octo-Org/Widgets.git", root.GetProperty("repository").GetProperty("url").GetString());
        Assert.Equal("packages/widget-a", root.GetProperty("repository").GetProperty("directory").GetString());

        using var withoutRepo = JsonDocument.Parse(ScriptGenerator.PlaceholderManifest(Package("new-b", url: null)));
        Assert.False(withoutRepo.RootElement.TryGetProperty("repository", out _));
    }

    [Fact]
    public void Bootstrap_Run_PublishesMissingOnes_SkipsExisting_RemovesTheUserconfig()
    {
        using var sandbox = new ScriptSandbox();
        var script = ScriptGenerator.Bootstrap([Package("@octo/new-a", exists: false), Package("new-b", exists: false)], RegistryUrl)!;

        var (code, output, error) = sandbox.Run(script.Content, new Dictionary<string, string> { ["NPM_TOKEN"] = "npm_secret", ["FAKE_EXISTING"] = "new-b" });

        Assert.True(code == 0, error);
        var log = sandbox.LogText;
        Assert.Contains("published \"name\": \"@octo/new-a\"", log);
        Assert.DoesNotContain("published \"name\": \"new-b\"", log);
        Assert.Contains("npm publish --access public --registry http://127.0.0.1:4873/", log);
        Assert.Contains("content=//127.0.0.1:4873/:_authToken=${NPM_TOKEN}", log);
        Assert.DoesNotContain("npm_secret", log);
        Assert.Contains("Skipping new-b: it already exists", output);
        var userconfig = log.Split("userconfig=")[1].Split(' ')[0];
        Assert.False(File.Exists(userconfig), "the temporary userconfig must be removed on exit");
    }

    [Fact]
    public void Bootstrap_RunWithoutToken_StopsBeforeAnyNpmCall()
    {
        using var sandbox = new ScriptSandbox();
        var (code, _, error) = sandbox.Run(ScriptGenerator.Bootstrap(Mixed, RegistryUrl)!.Content);
        Assert.NotEqual(0, code);
        Assert.Contains("NPM_TOKEN", error);
        Assert.Equal("", sandbox.LogText);
    }

    [Fact]
    public void Trust_OneConfigurePerPackage_PacedAndResumable()
    {
        var content = ScriptGenerator.Trust(TrustInput("@octo/a", "b"))!.Content;
        Assert.Contains("configure '@octo/a' npm trust github '@octo/a' --file release.yml --repo Octo-Org/Widgets --env prod --allow-publish -y\n", content);
        Assert.Contains("configure 'b' npm trust github 'b' --file release.yml --repo Octo-Org/Widgets --env prod --allow-publish -y\n", content);
        Assert.Contains("sleep 2", content);
        Assert.Contains("PROGRESS_FILE=\"${TRUST_PROGRESS_FILE:-.trust-progress}\"", content);
        Assert.Contains("grep -Fxq -- \"$name\" \"$PROGRESS_FILE\"", content);
        Assert.Contains("npm trust list \"$name\" --json", content);
        Assert.Contains("echo \"Failed to configure trust for $name\" >&2", content);
        Assert.Contains("skip 2FA for 5 minutes", content);
        Assert.Contains("about 80 packages", content);
        Assert.Contains("npm >= 11.15", content);
        Assert.DoesNotContain("11.10", content);
    }

    [Fact]
    public void Trust_Run_StopsAtFirstFailure_ThenResumesWithoutRedoingFinishedPackages()
    {
        using var sandbox = new ScriptSandbox();
        var script = ScriptGenerator.Trust(TrustInput("@octo/a", "already", "c", "d"))!.Content;

        var first = sandbox.Run(script, new Dictionary<string, string> { ["FAKE_FAIL"] = "c", ["FAKE_CONFIGURED"] = "already" });

        Assert.Equal(1, first.ExitCode);
        Assert.Contains("Failed to configure trust for c", first.Error);
        Assert.Equal(["@octo/a", "already"], File.ReadAllLines(Path.Combine(sandbox.Directory, ".trust-progress")));
        var log = sandbox.LogText;
        Assert.Contains("npm trust github @octo/a --file release.yml", log);
        Assert.DoesNotContain("npm trust github already", log);
        Assert.DoesNotContain("npm trust github d", log);
        Assert.Contains("sleep 2", log);

        File.Delete(sandbox.Log);
        var second = sandbox.Run(script);

        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("Skipping @octo/a: already configured", second.Output);
        var rerun = sandbox.LogText;
        Assert.DoesNotContain("@octo/a", rerun);
        Assert.Contains("npm trust github c ", rerun);
        Assert.Contains("npm trust github d ", rerun);
        Assert.Equal(["@octo/a", "already", "c", "d"], File.ReadAllLines(Path.Combine(sandbox.Directory, ".trust-progress")));
    }

    [Fact]
    public void Trust_Run_OldNpm_Refused()
    {
        using var sandbox = new ScriptSandbox();
        var run = sandbox.Run(ScriptGenerator.Trust(TrustInput("a"))!.Content, new Dictionary<string, string> { ["FAKE_NPM_VERSION"] = "11.14.2" });
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("npm trust needs npm >= 11.15.0, this machine has npm 11.14.2. Nothing was changed. Upgrade with: npm install -g npm@latest", run.Error);
        Assert.DoesNotContain("npm trust", sandbox.LogText);
    }

    [Fact]
    public void CollectTrustLists_OldNpm_Refused()
    {
        using var sandbox = new ScriptSandbox();
        var run = sandbox.Run(ScriptGenerator.CollectTrustLists(["a"])!.Content, new Dictionary<string, string> { ["FAKE_NPM_VERSION"] = "11.12.0" });
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("needs npm >= 11.15.0, this machine has npm 11.12.0", run.Error);
        Assert.DoesNotContain("npm trust", sandbox.LogText);
    }

    private static IReadOnlyList<TrustChange> WithFailedVerifications() =>
    [
        new TrustChange(Package("@octo/a"), GitHub("prod")),
        new TrustChange(Package("b"), GitHub("prod"), ["cfg-1"], Replace: true, Reason: "workflow-file differs"),
        new TrustChange(Package("c"), GitHub("prod"), ["cfg-2", "cfg-3"], Replace: true),
    ];

    [Fact]
    public void Trust_FailedVerification_ListsEachChange_ForTheScriptsPage()
    {
        var script = ScriptGenerator.Trust(WithFailedVerifications())!;
        Assert.Equal(
        [
            "@octo/a: create GitHub Actions (Octo-Org/Widgets, release.yml, environment prod)",
            "b: verification failed (workflow-file differs); revoke cfg-1, then create GitHub Actions (Octo-Org/Widgets, release.yml, environment prod)",
            "c: verification failed; revoke cfg-2, cfg-3, then create GitHub Actions (Octo-Org/Widgets, release.yml, environment prod)",
        ], script.Changes);
        Assert.Contains("2 packages failed verification and will be replaced (revoke, then create) after one confirmation", script.Description);
        Assert.Contains("replace 'b' cfg-1 -- npm trust github 'b' --file release.yml", script.Content);
        Assert.Contains("replace 'c' cfg-2 cfg-3 -- npm trust github 'c'", script.Content);
        Assert.Contains("configure '@octo/a' npm trust github '@octo/a'", script.Content);
        var (code, error) = ScriptSandbox.SyntaxCheck(script.Content);
        Assert.True(code == 0, error);
    }

    [Fact]
    public void Trust_Run_FailedVerification_RevokesThenCreates_AfterOneConfirmation_EvenWhenAConfigurationExists()
    {
        using var sandbox = new ScriptSandbox();
        // b was configured by an earlier run (progress file) and npm lists a configuration for it: the old script skipped it.
        File.WriteAllText(Path.Combine(sandbox.Directory, ".trust-progress"), "b\n");
        var script = ScriptGenerator.Trust(WithFailedVerifications())!.Content;

        var run = sandbox.Run("exec < <(echo y)\n" + script, new Dictionary<string, string> { ["FAKE_CONFIGURED"] = "b c" });

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Single(run.Output.Split('\n'), l => l.Contains("These packages failed verification", StringComparison.Ordinal));
        var log = sandbox.LogText.Split('\n').Where(l => l.StartsWith("npm trust", StringComparison.Ordinal)).ToList();
        Assert.Equal(
        [
            "npm trust list @octo/a --json",
            "npm trust github @octo/a --file release.yml --repo Octo-Org/Widgets --env prod --allow-publish -y",
            "npm trust revoke b --id cfg-1",
            "npm trust github b --file release.yml --repo Octo-Org/Widgets --env prod --allow-publish -y",
            "npm trust revoke c --id cfg-2",
            "npm trust revoke c --id cfg-3",
            "npm trust github c --file release.yml --repo Octo-Org/Widgets --env prod --allow-publish -y",
        ], log);

        // Re-running changes nothing: the replacements are recorded with the ids they revoked.
        File.Delete(sandbox.Log);
        var again = sandbox.Run("exec < <(echo y)\n" + script, new Dictionary<string, string> { ["FAKE_CONFIGURED"] = "b c" });
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.DoesNotContain(sandbox.LogText.Split('\n'), l => l.StartsWith("npm trust", StringComparison.Ordinal) && l != "npm trust list @octo/a --json");
    }

    [Fact]
    public void Trust_Run_FailedVerification_NotConfirmed_ChangesNothing()
    {
        using var sandbox = new ScriptSandbox();
        var run = sandbox.Run("exec </dev/null\n" + ScriptGenerator.Trust(WithFailedVerifications())!.Content);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Nothing was changed.", run.Error);
        Assert.DoesNotContain("npm trust", sandbox.LogText);
    }

    [Fact]
    public void RequireOidcOnly_MfaPublishPerPackage_PacedResumable_SaysItCannotBeReadBack()
    {
        var content = ScriptGenerator.RequireOidcOnly(["@octo/a", "b"])!.Content;
        Assert.Contains("require_oidc_only '@octo/a' npm access set mfa=publish '@octo/a'\n", content);
        Assert.Contains("require_oidc_only 'b' npm access set mfa=publish 'b'\n", content);
        Assert.Contains("sleep 2", content);
        Assert.Contains("${OIDC_ONLY_PROGRESS_FILE:-.oidc-only-progress}", content);
        Assert.Contains("NOTE: npm offers NO way to read this setting back", content);

        using var sandbox = new ScriptSandbox();
        var run = sandbox.Run(content, new Dictionary<string, string> { ["FAKE_FAIL"] = "b" });
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Failed to require 2FA and disallow tokens for b", run.Error);
        Assert.Equal(["@octo/a"], File.ReadAllLines(Path.Combine(sandbox.Directory, ".oidc-only-progress")));
    }

    [Fact]
    public void CollectTrustLists_Run_PrintsOneParsableJsonLinePerPackage()
    {
        using var sandbox = new ScriptSandbox();
        var script = ScriptGenerator.CollectTrustLists(["@octo/a", "b"])!;
        var run = sandbox.Run(script.Content, new Dictionary<string, string> { ["FAKE_CONFIGURED"] = "b" });

        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["{\"package\":\"@octo/a\",\"trust\":[]}", "{\"package\":\"b\",\"trust\":[{\"id\":\"x\",\"type\":\"github\"}]}"], lines);
        Assert.Contains("sleep 2", sandbox.LogText);
    }

    /// <summary>npm's real shape: one pretty-printed object per configuration one after another, and nothing when there is none.</summary>
    [Fact]
    public void CollectTrustLists_NpmsFlattenedObjects_BecomeOneList_AndEmptyOutputIsNullNotNone()
    {
        using var sandbox = new ScriptSandbox();
        var npm = Path.Combine(sandbox.Directory, "real-npm");
        Directory.CreateDirectory(npm);
        File.WriteAllText(Path.Combine(npm, "npm"), """
            #!/usr/bin/env bash
            case "$1" in
              --version) echo 11.15.0 ;;
              trust) if [ "$3" = a ]; then
                       printf '{\n  "id": "1",\n  "type": "github",\n  "file": "release.yml",\n  "repository": "o/r",\n  "permissions": ["createPackage", "createStagedPackage"]\n}\n'
                       printf '{\n  "id": "2",\n  "type": "github",\n  "file": "nightly.yml",\n  "repository": "o/r",\n  "permissions": ["createStagedPackage"]\n}\n'
                     fi ;;
            esac
            exit 0
            """.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(npm, "npm"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var run = sandbox.Run(ScriptGenerator.CollectTrustLists(["a", "b"])!.Content,
            new Dictionary<string, string> { ["PATH"] = npm + ":" + Path.Combine(sandbox.Directory, "bin") + ":" + Environment.GetEnvironmentVariable("PATH") });

        Assert.True(run.ExitCode == 0, run.Error);
        var parsed = TrustListParser.Parse(run.Output);
        Assert.Empty(parsed.Problems);
        Assert.Equal(["1", "2"], parsed.ByPackage["a"].Select(c => c.Id));
        Assert.Equal(["b"], parsed.Unreadable.Keys);
        Assert.Contains("{\"package\":\"b\",\"trust\":null}", run.Output);
    }
}

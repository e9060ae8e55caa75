using System.Diagnostics;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Tests.Onboarding;

/// <summary>Plans and packages shared by the onboarding planning, generation and verification tests.</summary>
public static class OnboardingFixtures
{
    public const string RegistryUrl = "http://127.0.0.1:4873/";
    public const string PipelineA = "3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
    public const string PipelineB = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";

    public static PublisherPlan GitHub(string? environment = null) => new()
    {
        Provider = Provider.GitHub,
        Owner = "Octo-Org",
        Repository = "Widgets",
        WorkflowFile = "release.yml",
        Environment = environment,
    };

    public static PublisherPlan GitLab(string? environment = null) => new()
    {
        Provider = Provider.GitLab,
        ProjectPath = "grp/sub/proj",
        CiFile = ".gitlab-ci.yml",
        Environment = environment,
    };

    public static PublisherPlan CircleCi() => new()
    {
        Provider = Provider.CircleCI,
        OrgId = "11111111-2222-4333-8444-555555555555",
        ProjectId = "66666666-7777-4888-9999-aaaaaaaaaaaa",
        PipelineDefinitionIds = $"{PipelineA}, {PipelineB}",
        VcsOrigin = "github.com/Octo-Org/Widgets",
    };

    public static PlannedPackage Package(string name = "@octo/widget-a", string? url = "git+https://github.com/Octo-Org/Widgets.git",
        string? directory = "packages/widget-a", string? workspace = "packages/widget-a", bool? exists = true, PublisherOverride? overrides = null) =>
        new(name, "1.0.0", url, directory, workspace, exists, overrides);
}

/// <summary>Runs bash on generated scripts: a syntax check, or a run against fake `npm` and `sleep` commands on PATH.</summary>
public sealed class ScriptSandbox : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "tpd-scripts-" + Guid.NewGuid().ToString("N"));

    public string Log => Path.Combine(Directory, "npm.log");

    // Logs every call; `view` succeeds only for names in FAKE_EXISTING; `trust list` prints FAKE_TRUST_LIST_<n> for the
    // n-th listed package (else []); commands on FAKE_FAIL fail; publish logs the package name and the userconfig.
    private const string FakeNpm = """
        #!/usr/bin/env bash
        echo "npm $*" >> "$FAKE_LOG"
        case "$1" in
          --version) echo "${FAKE_NPM_VERSION:-11.19.0}" ;;
          view) for n in $FAKE_EXISTING; do [ "$n" = "$2" ] && { echo "$2"; exit 0; }; done; exit 1 ;;
          publish)
            echo "published $(grep -o '"name": *"[^"]*"' package.json | head -1) userconfig=$NPM_CONFIG_USERCONFIG content=$(cat "$NPM_CONFIG_USERCONFIG")" >> "$FAKE_LOG"
            [ -f README.md ] || exit 3 ;;
          trust)
            if [ "$2" = list ]; then
              for n in $FAKE_CONFIGURED; do [ "$n" = "$3" ] && { echo '[{"id":"x","type":"github"}]'; exit 0; }; done
              echo '[]'; exit 0
            fi
            for n in $FAKE_FAIL; do [ "$n" = "$3" ] && exit 1; done ;;
          access) for n in $FAKE_FAIL; do [ "$n" = "$4" ] && exit 1; done ;;
        esac
        exit 0
        """;

    public ScriptSandbox()
    {
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "bin"));
        WriteExecutable(Path.Combine(Directory, "bin", "npm"), FakeNpm);
        WriteExecutable(Path.Combine(Directory, "bin", "sleep"), "#!/usr/bin/env bash\necho \"sleep $*\" >> \"$FAKE_LOG\"\n");
    }

    /// <summary>`bash -n`: the exit code and stderr.</summary>
    public static (int ExitCode, string Error) SyntaxCheck(string script)
    {
        var file = Path.Combine(Path.GetTempPath(), "tpd-syntax-" + Guid.NewGuid().ToString("N") + ".sh");
        File.WriteAllText(file, script);
        try
        {
            var (code, _, error) = RunProcess("bash", ["-n", file], null, null);
            return (code, error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs the script in the sandbox with the fakes first on PATH.</summary>
    public (int ExitCode, string Output, string Error) Run(string script, IReadOnlyDictionary<string, string>? environment = null)
    {
        var file = Path.Combine(Directory, "script.sh");
        File.WriteAllText(file, script);
        var env = new Dictionary<string, string>
        {
            ["PATH"] = Path.Combine(Directory, "bin") + ":" + Environment.GetEnvironmentVariable("PATH"),
            ["FAKE_LOG"] = Log,
            ["HOME"] = Directory,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) env[key] = value;
        return RunProcess("bash", [file], Directory, env);
    }

    public string LogText => File.Exists(Log) ? File.ReadAllText(Log) : "";

    public static (int ExitCode, string Output, string Error) RunProcess(string program, IReadOnlyList<string> args, string? workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        start.Environment.Remove("NPM_TOKEN");
        start.Environment.Remove("NPM_CONFIG_USERCONFIG");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within 60 s");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    private static void WriteExecutable(string path, string content)
    {
        File.WriteAllText(path, content.ReplaceLineEndings("\n") + "\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

using System.Reflection;
using System.Text;

namespace TrustedPublishDashboard.Cli;

/// <summary>Where a command writes, whether it may colour its output, and when to stop.</summary>
public sealed record CliConsole(TextWriter Stdout, TextWriter Stderr, bool Colour, CancellationToken Cancel);

/// <summary>A headless command: its name, one line for the command list, its full usage, and how it runs.</summary>
public sealed record CliCommand(string Name, string Summary, string Usage, Func<string[], CliConsole, Task<int>> RunAsync);

/// <summary>
/// The command line in one place: which commands exist, the usage text (every command and its options), the version,
/// and the choice between a command, help, the version and starting the dashboard. Every command builds its services
/// with <see cref="CliHost"/>.
/// </summary>
public static class CommandLine
{
    public const string ProductName = "TrustedPublishDashboard";

    public static IReadOnlyList<CliCommand> Commands { get; } =
    [
        new("audit", "audit npm packages from the registry, without a database (exit 0 when all are compliant)", AuditCommand.Usage,
            (args, c) => AuditCommand.RunAsync(args, c.Stdout, c.Stderr, c.Colour, c.Cancel)),
        new("poll", "poll every tracked npm package once into the database, as the npm-poll job does", PollCommand.Usage,
            (args, c) => PollCommand.RunAsync(args, c.Stdout, c.Stderr, c.Cancel)),
        new("seed", "add (or remove) generated sample packages in the database", SeedCommand.Usage,
            (args, c) => SeedCommand.RunAsync(args, c.Stdout, c.Stderr, c.Cancel)),
        new("alerts", "add a webhook channel, list the channels, deliver due alerts once", AlertsCommand.Usage,
            (args, c) => AlertsCommand.RunAsync(args, c.Stdout, c.Stderr, c.Cancel)),
    ];

    private static readonly string[] HelpFlags = ["--help", "-h"];

    private const string VersionFlag = "--version";

    /// <summary>The assembly's informational version (the build's version, with the commit when the build knew it).</summary>
    public static string Version =>
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CommandLine).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>Everything the binary does: serving, each command with its options, help and version.</summary>
    public static string Usage
    {
        get
        {
            var text = new StringBuilder();
            text.AppendLine($"""
                usage: {ProductName} [--urls URL] [--<Section>:<Key>=<value>...]  start the dashboard (the default)
                       {ProductName} <command> [options]                       run one command headless; no web server starts
                       {ProductName} help [command] | --help | -h              print this text, or one command's
                       {ProductName} --version                                 print the version

                  --urls URL    where the dashboard listens (default {Auth.BindGuard.DefaultUrl}; loopback only unless sign-in is configured)
                  --<Section>:<Key>=<value>
                                any setting of appsettings.json, e.g. --ConnectionStrings:Dashboard="Data Source=/data/dashboard.db"

                commands:
                """);
            var width = Commands.Max(c => c.Name.Length) + 2;
            foreach (var command in Commands) text.AppendLine($"  {command.Name.PadRight(width)}{command.Summary}");
            foreach (var command in Commands)
            {
                text.AppendLine();
                text.Append(command.Usage.TrimEnd()).AppendLine();
            }
            return text.ToString();
        }
    }

    public static CliCommand? Find(string name) => Commands.FirstOrDefault(c => c.Name == name);

    /// <summary>
    /// True when <paramref name="args"/> start the dashboard: no command, only options, and none of them asks for help
    /// or the version.
    /// </summary>
    public static bool StartsServer(string[] args) =>
        args is [] || (args[0].StartsWith('-') && !args.Any(a => HelpFlags.Contains(a) || a == VersionFlag));

    /// <summary>
    /// Runs what <paramref name="args"/> ask for, other than starting the dashboard (<see cref="StartsServer"/>).
    /// Exit codes: the command's own; 0 for help and version; 2 for an unknown command; 130 when cancelled.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        if (args is []) return await UnknownAsync("", console);
        if (args is ["help"] || args[0].StartsWith('-') && args.Any(a => HelpFlags.Contains(a)))
        {
            await console.Stdout.WriteAsync(Usage);
            return 0;
        }
        if (args is ["help", var topic, ..])
        {
            if (Find(topic) is not { } about) return await UnknownAsync(topic, console);
            await console.Stdout.WriteLineAsync(about.Usage.TrimEnd());
            return 0;
        }
        if (args.Contains(VersionFlag) && args[0].StartsWith('-'))
        {
            await console.Stdout.WriteLineAsync($"{ProductName} {Version}");
            return 0;
        }
        if (Find(args[0]) is not { } command) return await UnknownAsync(args[0], console);
        try
        {
            return await command.RunAsync(args[1..], console);
        }
        catch (OperationCanceledException) when (console.Cancel.IsCancellationRequested)
        {
            await console.Stderr.WriteLineAsync(command.Name + ": cancelled");
            return 130;
        }
    }

    private static async Task<int> UnknownAsync(string name, CliConsole console)
    {
        await console.Stderr.WriteLineAsync(
            $"Unknown command '{name}'. Commands: {string.Join(", ", Commands.Select(c => c.Name))}; with no command (or only --options) the dashboard starts.");
        return 2;
    }
}

using System.Reflection;
using TrustedPublishDashboard.Cli;

namespace TrustedPublishDashboard.Tests.Cli;

public sealed class CommandLineTests
{
    private static async Task<(int Code, string Stdout, string Stderr)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, new CliConsole(stdout, stderr, Colour: false, default));
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("--urls", "http://127.0.0.1:5999", "--help")]
    public async Task Help_PrintsEveryCommandAndItsOptions_ExitsZero(params string[] args)
    {
        Assert.False(CommandLine.StartsServer(args), "help must not start the dashboard");

        var (code, stdout, stderr) = await Run(args);

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.StartsWith("usage: TrustedPublishDashboard", stdout);
        Assert.Contains("--urls", stdout);
        Assert.Contains("--version", stdout);
        foreach (var command in CommandLine.Commands)
        {
            Assert.Contains($"  {command.Name} ", stdout);
            Assert.Contains(command.Usage.TrimEnd(), stdout);
        }
        // A sample of each command's options, so the usage is not only the command names.
        foreach (var option in new[] { "--format json|table", "--npm-registry URL", "--packages N", "--clear", "add-webhook", "--min-severity" })
            Assert.Contains(option, stdout);
    }

    [Fact]
    public async Task Version_PrintsTheInformationalVersion_ExitsZero()
    {
        Assert.False(CommandLine.StartsServer(["--version"]));
        var expected = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        var (code, stdout, stderr) = await Run("--version");

        Assert.Equal(0, code);
        Assert.Equal($"TrustedPublishDashboard {expected}", stdout.TrimEnd());
        Assert.Equal("", stderr);
    }

    [Theory]
    [InlineData("audit")]
    [InlineData("poll")]
    [InlineData("seed")]
    [InlineData("alerts")]
    public async Task HelpForACommand_PrintsItsUsage_AsDoesTheCommandsOwnHelpFlag(string name)
    {
        var usage = CommandLine.Find(name)!.Usage.TrimEnd();

        var viaHelp = await Run("help", name);
        var viaFlag = await Run(name, "--help");
        var viaShortFlag = await Run(name, "-h");

        Assert.Equal((0, usage), (viaHelp.Code, viaHelp.Stdout.TrimEnd()));
        Assert.Equal((0, usage), (viaFlag.Code, viaFlag.Stdout.TrimEnd()));
        Assert.Equal((0, usage), (viaShortFlag.Code, viaShortFlag.Stdout.TrimEnd()));
        Assert.Equal("", viaFlag.Stderr);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("help", "bogus")]
    public async Task UnknownCommand_KeepsTheMessage_ExitsTwo(params string[] args)
    {
        var (code, stdout, stderr) = await Run(args);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal("Unknown command 'bogus'. Commands: audit, poll, seed, alerts; with no command (or only --options) the dashboard starts.", stderr.TrimEnd());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(true, "--urls", "http://127.0.0.1:5999")]
    [InlineData(true, "--ConnectionStrings:Dashboard=Data Source=x.db")]
    [InlineData(false, "audit", "npm:left-pad")]
    [InlineData(false, "bogus")]
    [InlineData(false, "-h")]
    public void StartsServer_OnlyWithoutACommandHelpOrVersion(bool serves, params string[] args) => Assert.Equal(serves, CommandLine.StartsServer(args));

    [Fact]
    public async Task Command_CancelledByTheUser_ExitsOneThirty()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var stderr = new StringWriter();

        var code = await CommandLine.RunAsync(["audit", "--npm-registry", "http://127.0.0.1:9/", "npm:cancelled"], new CliConsole(new StringWriter(), stderr, false, cancel.Token));

        Assert.Equal(130, code);
        Assert.Contains("audit: cancelled", stderr.ToString());
    }
}

using System.Diagnostics;
using System.Globalization;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Packages;

namespace TrustedPublishDashboard.Cli;

/// <summary><c>seed [--packages N] [--versions M] [--clear]</c>: fills the configured database with sample data (marked as sample).</summary>
public static class SeedCommand
{
    public const string Usage = """
        usage: TrustedPublishDashboard seed [--packages N] [--versions M] [--clear]

          adds generated sample npm packages, marked as sample, to the database named by ConnectionStrings:Dashboard

          --packages         how many packages, 1-1000000 (default 100)
          --versions         versions per package, 1-10000 (default 20)
          --clear            removes all sample packages first (and, alone, only removes them)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct,
        Action<IConfigurationBuilder>? configure = null)
    {
        int packages = 100, versions = 20;
        var clear = false;
        var onlyClear = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--packages" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out packages) && packages is >= 1 and <= 1_000_000:
                    i++;
                    onlyClear = false;
                    break;
                case "--versions" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out versions) && versions is >= 1 and <= 10_000:
                    i++;
                    onlyClear = false;
                    break;
                case "--clear":
                    clear = true;
                    break;
                case "-h" or "--help":
                    await stdout.WriteLineAsync(Usage);
                    return 0;
                default:
                    await stderr.WriteLineAsync($"seed: '{args[i]}' is not understood (or its value is out of range)\n{Usage}");
                    return 2;
            }
        }

        await using var provider = CliHost.Build(configure);
        try
        {
            await provider.GetRequiredService<MigrationRunner>().ApplyAsync(ct);
        }
        catch (StartupConfigurationException ex)
        {
            await stderr.WriteLineAsync("seed: " + ex.Message);
            return 2;
        }
        var sample = provider.GetRequiredService<SampleWorkspace>();
        if (clear) await stderr.WriteLineAsync($"seed: removed {await sample.RemoveAsync(ct)} sample package(s)");
        if (clear && onlyClear) return 0;

        var clock = Stopwatch.StartNew();
        var added = await sample.LoadAsync(packages, versions,
            new Progress<SampleWorkspace.Progress>(p => stderr.WriteLine($"seed: {p.Done}/{p.Total} package(s), {clock.Elapsed.TotalSeconds:0.0} s")), ct);
        await stdout.WriteLineAsync($"seeded {added} sample package(s) with {versions} version(s) each in {clock.Elapsed.TotalSeconds:0.0} s ({provider.GetRequiredService<IDbConnectionFactory>().Description})");
        return 0;
    }
}

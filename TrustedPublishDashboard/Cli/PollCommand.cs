using System.Globalization;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Registries.Npm;

namespace TrustedPublishDashboard.Cli;

/// <summary>
/// <c>poll [--npm-registry URL] [--concurrency N] [npm:&lt;name&gt;...]</c>: one poll of every tracked npm package into the
/// configured database, headless (for cron, CI and benchmarks). Names given are added to the tracked packages first.
/// Exit 0 when every package was fetched, 1 when some failed, 2 on usage or configuration errors.
/// </summary>
public static class PollCommand
{
    public const string Usage = """
        usage: TrustedPublishDashboard poll [--npm-registry URL] [--concurrency N] [npm:<name>...]

          polls every tracked npm package once into the database named by ConnectionStrings:Dashboard
          (default Data Source=data/dashboard.db), as the npm-poll job does; prints a JSON summary on stdout

          npm:<name>         a package to track (added to the tracked packages first)
          --npm-registry     registry base URL (default: Registries:Npm:BaseUrl, else `npm config get registry`)
          --concurrency      packages fetched at once, 1-64 (default Registries:Npm:Concurrency, 8)

        exit codes: 0 every package fetched, 1 some failed, 2 usage or configuration error
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct,
        Action<IConfigurationBuilder>? configure = null)
    {
        string? registry = null;
        int? concurrency = null;
        var names = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    await stdout.WriteLineAsync(Usage);
                    return 0;
                case "--npm-registry" when i + 1 < args.Length:
                    registry = args[++i];
                    break;
                case "--concurrency" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 64:
                    concurrency = n;
                    i++;
                    break;
                case var a when a.StartsWith('-'):
                    await stderr.WriteLineAsync($"poll: unknown or incomplete option '{a}'\n{Usage}");
                    return 2;
                default:
                    names.Add(args[i]);
                    break;
            }
        }

        await using var provider = CliHost.Build(builder =>
        {
            configure?.Invoke(builder);
            if (concurrency is { } c)
                builder.AddInMemoryCollection([new("Registries:Npm:Concurrency", c.ToString(CultureInfo.InvariantCulture))]);
        });

        try
        {
            var locator = provider.GetRequiredService<NpmRegistryLocator>();
            if (registry is not null) locator.Override = registry;
            await locator.GetBaseUrlAsync(ct);
            await provider.GetRequiredService<MigrationRunner>().ApplyAsync(ct);
        }
        catch (Exception ex) when (ex is RegistryConfigurationException or StartupConfigurationException)
        {
            await stderr.WriteLineAsync("poll: " + ex.Message);
            return 2;
        }

        var specs = names.Select((n, i) => PackageSpecParser.ParseLine(i + 1, n)).ToList();
        if (specs.FirstOrDefault(s => s.Package is null || s.Package.Registry != Registry.Npm) is { } bad)
        {
            await stderr.WriteLineAsync($"poll: '{bad.Text}': {bad.Error ?? "poll reads npm packages only for now"}");
            return 2;
        }
        await provider.GetRequiredService<PackageRepository>().AddAsync(specs.Select(s => s.Package!).ToList(), null, ct);

        var summary = await provider.GetRequiredService<PollService>().PollAsync(Registry.Npm, "cli", null, ct);
        await stdout.WriteLineAsync(
            $"{{\"packages\":{summary.Total},\"outcome\":\"{summary.Outcome}\",\"ok\":{summary.Ok},\"unchanged\":{summary.Unchanged},\"notPublished\":{summary.NotPublished},\"failed\":{summary.Failed}," +
            $"\"requests\":{summary.Requests},\"bytes\":{summary.Bytes},\"notModified\":{summary.NotModified},\"seconds\":{summary.Duration.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)}}}");
        await stderr.WriteLineAsync("poll: " + summary);
        return summary.Failed == 0 ? 0 : 1;
    }
}

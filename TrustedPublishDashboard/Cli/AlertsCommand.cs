using TrustedPublishDashboard.Alerts;
using TrustedPublishDashboard.Alerts.Channels;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Cli;

/// <summary>
/// <c>alerts add-webhook|list|dispatch</c>: headless alert administration for automation (provisioning a webhook
/// channel, one delivery pass). Secrets are encrypted with the same Data Protection key ring as the dashboard.
/// Exit 0 on success, 1 when a delivery failed, 2 on usage or configuration errors.
/// </summary>
public static class AlertsCommand
{
    public const string Usage = """
        usage: TrustedPublishDashboard alerts add-webhook --name NAME --url URL [--key KEY] [--min-severity info|warning|medium|high|critical] [--no-digest]
               TrustedPublishDashboard alerts list
               TrustedPublishDashboard alerts dispatch

          add-webhook  adds a webhook channel (a signing key is generated when --key is not given, and printed)
          list         prints the channels (without secrets)
          dispatch     delivers due alerts once, like the alert-dispatch job
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct,
        Action<IConfigurationBuilder>? configure = null)
    {
        if (args is [])
        {
            await stderr.WriteLineAsync(Usage);
            return 2;
        }
        if (args is ["-h" or "--help", ..])
        {
            await stdout.WriteLineAsync(Usage);
            return 0;
        }
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--no-digest":
                    flags.Add(args[i]);
                    break;
                case "--name" or "--url" or "--key" or "--min-severity" when i + 1 < args.Length:
                    options[args[i]] = args[++i];
                    break;
                default:
                    await stderr.WriteLineAsync($"alerts: unknown or incomplete option '{args[i]}'\n{Usage}");
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
            await stderr.WriteLineAsync("alerts: " + ex.Message);
            return 2;
        }
        var channels = provider.GetRequiredService<AlertChannelService>();
        // The command line runs on this machine as its operator (Actor.CommandLine), like local-only mode's administrator.
        var actor = Actor.CommandLine;

        switch (args[0])
        {
            case "add-webhook":
            {
                var severity = AlertSeverity.Medium;
                if (options.TryGetValue("--min-severity", out var s) && !AlertSeverities.TryParse(s, out severity))
                {
                    await stderr.WriteLineAsync($"alerts: '{s}' is not a severity (info, warning, medium, high, critical)");
                    return 2;
                }
                var (id, error) = await channels.SaveAsync(actor, null, new ChannelInput
                {
                    Kind = ChannelKinds.Webhook, Name = options.GetValueOrDefault("--name") ?? "", Url = options.GetValueOrDefault("--url"),
                    Secret = options.GetValueOrDefault("--key"), MinSeverity = severity, SendDigest = !flags.Contains("--no-digest"),
                }, ct);
                if (error is not null)
                {
                    await stderr.WriteLineAsync("alerts: " + error);
                    return 2;
                }
                await stdout.WriteLineAsync($"{{\"id\":{id},\"signingKey\":\"{await channels.RevealSigningKeyAsync(actor, id!.Value, ct)}\"}}");
                return 0;
            }
            case "list":
                foreach (var c in await channels.ListAsync(ct))
                    await stdout.WriteLineAsync($"{c.Id}\t{c.Kind}\t{c.Name}\t{(c.Enabled ? "enabled" : "disabled")}\t>={c.MinSeverity}\t{c.Target()}");
                return 0;
            case "dispatch":
            {
                var summary = await provider.GetRequiredService<AlertDispatcher>().DispatchAsync(ct);
                await stderr.WriteLineAsync("alerts: " + summary);
                // Without a web server there is no listening address to link to: say so rather than send links that lead nowhere.
                var links = provider.GetRequiredService<AlertLinks>();
                await stderr.WriteLineAsync(links.DashboardUrl is { } dashboard
                    ? $"alerts: links in the alerts point to {dashboard}"
                    : $"alerts: no dashboard link in the alerts sent: set {AlertLinks.DashboardUrlKey} (e.g. https://dashboard.example.org/) so each alert links to its page");
                return summary.Failed == 0 ? 0 : 1;
            }
            default:
                await stderr.WriteLineAsync($"alerts: unknown subcommand '{args[0]}'\n{Usage}");
                return 2;
        }
    }
}

using TrustedPublishDashboard.Alerts.Channels;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Alerts;

/// <summary>What the Alerts and Settings pages do: list, acknowledge, mute, and test a channel.</summary>
public sealed class AlertService(AlertRepository alerts, AlertChannelStore channels, AlertDispatcher dispatcher)
{
    public sealed record MuteDuration(string Label, TimeSpan Duration);

    public static IReadOnlyList<MuteDuration> MuteDurations { get; } =
    [
        new("1 day", TimeSpan.FromDays(1)),
        new("7 days", TimeSpan.FromDays(7)),
        new("30 days", TimeSpan.FromDays(30)),
    ];

    public Task<int> AcknowledgeAsync(IReadOnlyCollection<long> ids, string actor, CancellationToken ct) =>
        alerts.AcknowledgeAsync(ids, actor, DateTimeOffset.UtcNow, ct);

    /// <summary>Mutes the alert's package (scope "package") or its kind (scope "kind") for a period: alerts raised meanwhile are recorded, not delivered.</summary>
    public async Task<string?> MuteAsync(AlertRow alert, string scope, TimeSpan duration, string actor, CancellationToken ct)
    {
        if (duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(365)) return "Mute for between a minute and a year.";
        var now = DateTimeOffset.UtcNow;
        switch (scope)
        {
            case "package" when alert.Package.Length > 0:
                await alerts.MuteAsync("package", alert.Registry, alert.Package, null, now + duration, actor, now, ct);
                return null;
            case "kind":
                await alerts.MuteAsync("kind", null, null, alert.Kind, now + duration, actor, now, ct);
                return null;
            default:
                return "This alert is not about a package: mute its kind instead.";
        }
    }

    /// <summary>Sends a clearly labelled test alert through one channel now, outside the outbox.</summary>
    public async Task<DeliveryResult> SendTestAsync(long channelId, CancellationToken ct)
    {
        if (await channels.GetAsync(channelId, ct) is not { } row) return DeliveryResult.Final("The channel no longer exists.");
        if (channels.Channel(row.Kind) is not { } sender) return DeliveryResult.Final($"Unknown channel kind {row.Kind}.");
        var settings = channels.Settings(row);
        if (settings.Secret is null && row.HasSecret)
            return DeliveryResult.Final("The channel's secret cannot be decrypted (the Data Protection keys changed): enter it again.");
        var message = new AlertMessage("test-" + Guid.NewGuid().ToString("n"), "test", AlertSeverity.Info, "npm", "example-package", "1.0.0",
            "Test alert from TrustedPublishDashboard",
            $"This is a test of the channel \"{row.Name}\". Real alerts look like this one, with the package, version and what to do.",
            dispatcher.DashboardUrl is { } url ? new Uri(url, "alerts").ToString() : null, DateTimeOffset.UtcNow);
        return await sender.SendAsync(settings, message, ct);
    }
}

using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Alerts;

/// <summary>Where links in delivered alerts point: <see cref="DashboardUrlKey"/>, else the address the dashboard listens on.</summary>
public sealed class AlertLinks(IConfiguration configuration, Web.ListenAddresses? listen = null)
{
    public const string DashboardUrlKey = "Alerts:DashboardUrl";

    /// <summary>The dashboard's base address ending with '/', or null when neither is known (the CLI without the setting).</summary>
    public Uri? DashboardUrl =>
        (configuration[DashboardUrlKey] is { Length: > 0 } configured ? configured : listen?.Current.FirstOrDefault()) is { } url
        && Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var u) ? u : null;

    /// <summary>Whether <see cref="DashboardUrl"/> is the configured address (rather than the listening one).</summary>
    public bool IsConfigured => configuration[DashboardUrlKey] is { Length: > 0 };

    /// <summary>An absolute link to a dashboard page (e.g. "alerts"), or null.</summary>
    public string? To(string relative) => DashboardUrl is { } baseUrl ? new Uri(baseUrl, relative).ToString() : null;

    /// <summary>The page an alert is about: the package's detail page, or the Alerts page for the digest and registry alerts.</summary>
    public string? For(AlertRow alert) =>
        To(alert.Kind == Domain.AlertKinds.Digest || alert.Package.Length == 0 ? "alerts" : PackageLinks.Detail(alert.Registry, alert.Package));
}

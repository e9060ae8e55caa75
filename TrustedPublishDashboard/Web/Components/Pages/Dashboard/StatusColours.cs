using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Web.Theme;

namespace TrustedPublishDashboard.Web.Components.Pages.Dashboard;

/// <summary>
/// The one mapping from a compliance status code to how it looks on the dashboard: the tile's tone and the colour its
/// stripe and its chart line share (<see cref="DashboardTheme"/>'s status colours).
/// </summary>
public static class StatusColours
{
    public static string? Of(string? status) => status switch
    {
        "compliant" => DashboardTheme.Compliant,
        "non-compliant" => DashboardTheme.NonCompliant,
        "unknown" => DashboardTheme.Unknown,
        "error" => DashboardTheme.Error,
        "pending" => DashboardTheme.Pending,
        "not-published" => DashboardTheme.NotPublished,
        "sample" => DashboardTheme.Sample,
        _ => null,
    };

    /// <summary>The Tile tone (colour of the number, from the theme's palette so it stays readable in dark mode).</summary>
    public static string Tone(DashboardTile tile) => tile.Status switch
    {
        "compliant" => "success",
        "non-compliant" => "danger",
        "error" => "warning",
        "unknown" or "pending" or "not-published" => "muted",
        _ when tile.Alarm => "danger",
        _ when tile.Key == "packages" => "plain",
        _ => "muted",
    };

    /// <summary>The chart's palette: one colour per series, in series order.</summary>
    public static string[] Palette(ComplianceTrend trend) => trend.Series.Select(s => Of(s.Status) ?? DashboardTheme.Unknown).ToArray();
}

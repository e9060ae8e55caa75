using MudBlazor;

namespace TrustedPublishDashboard.Web.Theme;

/// <summary>
/// The dashboard's palette, one place for both themes. Status colours carry meaning and are the same everywhere
/// (tiles, chips, chart): compliant green, non-compliant red, unknown grey, drift orange, error amber, not published blue. Dark-theme
/// text and link colours are chosen for contrast on the dark surfaces (links were dark blue on near-black before).
/// </summary>
public static class DashboardTheme
{
    public const string CookieName = "tpd-theme";

    public const string Compliant = "#2e7d32";
    public const string NonCompliant = "#c62828";
    public const string Unknown = "#757575";
    public const string Drift = "#ef6c00";
    public const string Error = "#f9a825";
    public const string Pending = "#90a4ae";
    /// <summary>Waiting for its first publish: neither good nor bad yet, so a calm blue.</summary>
    public const string NotPublished = "#1e88e5";
    /// <summary>The chart's series of generated sample packages, kept apart from the real distribution.</summary>
    public const string Sample = "#b39ddb";

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#00897b",
            AppbarBackground = "#283593",
            Success = Compliant,
            Error = NonCompliant,
            Warning = Drift,
            Info = "#0277bd",
            Background = "#f5f6fa",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9fa8da",
            // Dark text on the light primary: white on lavender was unreadable on filled buttons.
            PrimaryContrastText = "#10142b",
            SecondaryContrastText = "#0b2420",
            Secondary = "#80cbc4",
            AppbarBackground = "#1a1f3a",
            Success = "#66bb6a",
            Error = "#ef5350",
            Warning = "#ffa726",
            Info = "#4fc3f7",
            Background = "#15171c",
            Surface = "#1e2128",
            DrawerBackground = "#1a1c22",
            TextPrimary = "rgba(255,255,255,0.90)",
            TextSecondary = "rgba(255,255,255,0.68)",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "6px" },
    };

    /// <summary>The theme a cookie value asks for; anything else is light.</summary>
    public static bool IsDark(string? cookie) => string.Equals(cookie, "dark", StringComparison.Ordinal);
}

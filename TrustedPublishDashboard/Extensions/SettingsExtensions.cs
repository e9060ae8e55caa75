using TrustedPublishDashboard.Settings;

namespace TrustedPublishDashboard.Extensions;

public static class SettingsExtensions
{
    /// <summary>The Settings page's service (the alert channels on that page are the alerts area's).</summary>
    public static IServiceCollection AddDashboardSettings(this IServiceCollection services)
    {
        services.AddSingleton<SettingsService>();
        return services;
    }
}

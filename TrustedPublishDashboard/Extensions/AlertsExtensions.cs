using TrustedPublishDashboard.Alerts;

namespace TrustedPublishDashboard.Extensions;

public static class AlertsExtensions
{
    /// <summary>Channels, the outbox dispatcher, the digest and the pages' service (the outbox itself is written by the poll).</summary>
    public static IServiceCollection AddDashboardAlerts(this IServiceCollection services)
    {
        services.AddAlertChannels();
        services.AddSingleton<AlertChannelStore>();
        services.AddSingleton<AlertDispatcher>();
        services.AddSingleton<DigestService>();
        services.AddSingleton<AlertService>();
        return services;
    }
}

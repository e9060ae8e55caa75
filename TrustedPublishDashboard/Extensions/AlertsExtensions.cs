using TrustedPublishDashboard.Alerts;
using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Extensions;

public static class AlertsExtensions
{
    /// <summary>
    /// Channels, their repository and service, the outbox dispatcher, the digest and the pages' service. The outbox's
    /// own repository (<see cref="AlertRepository"/>) is registered with the data layer: the poll writes it.
    /// </summary>
    public static IServiceCollection AddDashboardAlerts(this IServiceCollection services)
    {
        services.AddAlertChannels();
        services.AddSingleton<AlertChannelRepository>();
        services.AddSingleton<AlertDeliveryRepository>();
        services.AddSingleton<DigestRepository>();
        services.AddSingleton<AlertLinks>();
        services.AddSingleton<AlertChannelService>();
        services.AddSingleton<AlertDispatcher>();
        services.AddSingleton<DigestService>();
        services.AddSingleton<AlertService>();
        return services;
    }
}

using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using TrustedPublishDashboard.Alerts.Channels;

namespace TrustedPublishDashboard.Extensions;

public static class AlertChannelsExtensions
{
    /// <summary>The alert channels (webhook, Slack, email) as <see cref="IAlertChannel"/> singletons, and their guarded HTTP client.</summary>
    public static IServiceCollection AddAlertChannels(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(AlertHttp.HttpClientName, client =>
            {
                // The channels bound each attempt themselves (AlertHttp.RequestTimeout) so a timeout becomes a retry result.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(AlertHttp.CreateHandler)
            // The default request logging writes the full URL, and a Slack webhook URL is a secret.
            .RemoveAllLoggers();
        services.AddSingleton<IAlertChannel, WebhookChannel>();
        services.AddSingleton<IAlertChannel, SlackChannel>();
        services.AddSingleton<IAlertChannel>(_ => new EmailChannel(Dns.GetHostAddressesAsync));
        return services;
    }
}

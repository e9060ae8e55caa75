using System.Net;
using TrustedPublishDashboard.Registries;
using TrustedPublishDashboard.Registries.Npm;

namespace TrustedPublishDashboard.Extensions;

public static class RegistriesExtensions
{
    public const string HttpClientName = "registries";

    /// <summary>The registry clients and their HTTP stack. Used by the web app and by the headless CLI alike.</summary>
    public static IServiceCollection AddDashboardRegistries(this IServiceCollection services)
    {
        services.AddHttpClient(HttpClientName, client =>
            {
                // Timeouts are per attempt and per body (RegistryHttpOptions), not one global limit.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("TrustedPublishDashboard/0.1 (+trusted-publishing audit)");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                MaxConnectionsPerServer = 32,
                // RegistryHttp follows redirects itself, only within the registry's origin (the handler would follow them anywhere).
                AllowAutoRedirect = false,
            });
        services.AddSingleton(sp => RegistryHttpOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => new RegistryHttp(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), sp.GetRequiredService<RegistryHttpOptions>()));
        services.AddSingleton<NpmRegistryLocator>();
        services.AddSingleton<IRegistryEndpointSource>(sp => sp.GetRequiredService<NpmRegistryLocator>());
        services.AddSingleton(sp => NpmOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<NpmRegistryClient>();
        services.AddSingleton<NpmSearchClient>();
        services.AddSingleton<IRegistryClient>(sp => sp.GetRequiredService<NpmRegistryClient>());
        return services;
    }
}

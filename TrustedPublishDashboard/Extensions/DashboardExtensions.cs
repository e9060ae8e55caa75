using Microsoft.Extensions.DependencyInjection.Extensions;
using TrustedPublishDashboard.Monitoring;

namespace TrustedPublishDashboard.Extensions;

public static class DashboardExtensions
{
    /// <summary>The dashboard (home) page's service; it reads what the data area stores.</summary>
    public static IServiceCollection AddDashboardOverview(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DashboardService>();
        return services;
    }
}

using TrustedPublishDashboard.Packages;
using TrustedPublishDashboard.Web.Api;

namespace TrustedPublishDashboard.Extensions;

public static class PackagesExtensions
{
    /// <summary>The compliance grid and the package detail: their services, the paste importer and the sample workspace.</summary>
    public static IServiceCollection AddDashboardPackages(this IServiceCollection services)
    {
        services.AddSingleton<PackageImportService>();
        services.AddSingleton<SampleWorkspace>();
        services.AddSingleton<PackagesService>();
        services.AddSingleton<PackageDetailService>();
        services.AddSingleton<FindingTriageService>();
        return services;
    }

    /// <summary>The JSON API under /api/v1 (list, exports, one package, poll runs) and the README badges.</summary>
    public static WebApplication MapDashboardPackages(this WebApplication app)
    {
        app.MapPackagesApi();
        app.MapBadges(app.Configuration);
        return app;
    }
}

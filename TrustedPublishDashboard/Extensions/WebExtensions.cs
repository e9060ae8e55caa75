using Radzen;
using TrustedPublishDashboard.Web.Components;
using TrustedPublishDashboard.Web.Api;
using TrustedPublishDashboard.Web.Health;

namespace TrustedPublishDashboard.Extensions;

public static class WebExtensions
{
    public const string ThemeCookie = "tpd-theme";

    public static IServiceCollection AddDashboardWeb(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddRadzenComponents();
        services.AddDashboardDataProtection();
        services.AddSingleton<Web.ListenAddresses>();
        services.AddRadzenCookieThemeService(o =>
        {
            o.Name = ThemeCookie;
            o.Duration = TimeSpan.FromDays(365);
        });
        services.AddProblemDetails();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<SchedulerHealthCheck>("scheduler");
        return services;
    }

    public static WebApplication MapDashboardWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapHealthChecks("/healthz", HealthResponse.Options).AllowAnonymous();
        app.MapStaticAssets().AllowAnonymous();
        app.MapPackagesApi();
        app.MapDashboardOnboarding();
        app.MapAlertsApi();
        app.MapBadges(app.Configuration);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}

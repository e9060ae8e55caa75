using MudBlazor.Services;
using TrustedPublishDashboard.Web.Components;
using TrustedPublishDashboard.Web.Api;
using TrustedPublishDashboard.Web.Health;
using TrustedPublishDashboard.Web.Security;

namespace TrustedPublishDashboard.Extensions;

public static class WebExtensions
{
    public static IServiceCollection AddDashboardWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRazorComponents().AddInteractiveServerComponents().AddHubOptions(o =>
        {
            // A paste (PasteLimit.MaxBytes) travels as one message; JSON escaping can double quote-heavy text. Above
            // that app.js clears the box with a message instead of letting the connection drop. Only loopback
            // same-origin clients reach the hub (RequestGuardMiddleware), so the larger buffer is not a remote lever.
            o.MaximumReceiveMessageSize = 3L * Web.Components.Shared.PasteLimit.MaxBytes;
        });
        services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight;
            o.SnackbarConfiguration.VisibleStateDuration = 6000;
        });
        services.AddSingleton<Web.ListenAddresses>();
        // Read at composition so a bad Web:AllowedHosts refuses the start with its message.
        services.AddSingleton(HostPolicy.From(configuration));
        services.AddProblemDetails();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<SchedulerHealthCheck>("scheduler");
        return services;
    }

    public static WebApplication MapDashboardWeb(this WebApplication app)
    {
        // Before anything else answers: a foreign Host or Origin gets a refusal, not a page, a file or a circuit.
        app.UseMiddleware<RequestGuardMiddleware>();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }
        // Every API error has a body: binding failures (take=abc) and other empty 4xx/5xx answers become problem details.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapHealthChecks("/healthz", HealthResponse.Options).AllowAnonymous();
        app.MapStaticAssets().AllowAnonymous();
        app.MapDashboardPackages();
        app.MapDashboardOnboarding();
        app.MapAlertsApi();
        // The guard sends the whole Content-Security-Policy (frame-ancestors 'none' included); Blazor's own header would be a second one.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}

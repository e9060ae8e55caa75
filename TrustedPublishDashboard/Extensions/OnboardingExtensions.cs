using TrustedPublishDashboard.Onboarding;
using TrustedPublishDashboard.Web.Api;

namespace TrustedPublishDashboard.Extensions;

public static class OnboardingExtensions
{
    /// <summary>The wizard's service (the plan repository and the verifier are data services shared with the poll).</summary>
    public static IServiceCollection AddDashboardOnboarding(this IServiceCollection services)
    {
        services.AddSingleton<OnboardingService>();
        return services;
    }

    public static WebApplication MapDashboardOnboarding(this WebApplication app)
    {
        app.MapOnboardingApi();
        return app;
    }
}

using Microsoft.AspNetCore.Authentication;
using TrustedPublishDashboard.Auth;

namespace TrustedPublishDashboard.Extensions;

public static class AuthExtensions
{
    /// <summary>Local-only sign-in: every page requires the (local) user; health checks stay anonymous.</summary>
    public static IServiceCollection AddDashboardAuth(this IServiceCollection services, AuthMode mode)
    {
        services.AddSingleton(mode);
        services.AddAuthentication(LocalOnlyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, LocalOnlyAuthenticationHandler>(LocalOnlyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddScoped<CurrentUser>();
        return services;
    }
}

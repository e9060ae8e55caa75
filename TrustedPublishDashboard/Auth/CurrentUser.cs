using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace TrustedPublishDashboard.Auth;

/// <summary>What a person may do. Roles map to permissions in one place (<see cref="Actor.Can"/>).</summary>
public enum Permission
{
    /// <summary>Every read: pages, grid, detail, exports, JSON API, badges.</summary>
    View,
    /// <summary>Changing what is tracked and onboarded: add/remove/move packages, re-check, onboarding plans and steps, acknowledging alerts.</summary>
    Maintain,
    /// <summary>Settings, alert channels and their secrets, mutes, running jobs by hand.</summary>
    Administer,
}

/// <summary>The person (or process) acting: who is recorded, and what they may do.</summary>
public sealed record Actor(string Name, IReadOnlySet<string> Roles)
{
    public const string AdministratorRole = AuthMode.AdministratorRole;
    public const string MaintainerRole = "Maintainer";
    public const string ViewerRole = "Viewer";

    /// <summary>The command line runs on this machine as its operator: the same rights as local-only mode.</summary>
    public static Actor CommandLine { get; } = new("cli", new HashSet<string>(StringComparer.Ordinal) { AdministratorRole });

    public static Actor Anonymous { get; } = new("anonymous", new HashSet<string>(StringComparer.Ordinal));

    public bool Can(Permission permission) => permission switch
    {
        Permission.View => Roles.Contains(AdministratorRole) || Roles.Contains(MaintainerRole) || Roles.Contains(ViewerRole),
        Permission.Maintain => Roles.Contains(AdministratorRole) || Roles.Contains(MaintainerRole),
        Permission.Administer => Roles.Contains(AdministratorRole),
        _ => false,
    };

    /// <summary>The one authorization check every data-changing service method passes (Blazor event handlers skip endpoint authorization).</summary>
    public void Require(Permission permission)
    {
        if (!Can(permission)) throw new AccessDeniedException(this, permission);
    }

    public static Actor From(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true } identity) return Anonymous;
        var roles = user.FindAll(identity is ClaimsIdentity ci ? ci.RoleClaimType : ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return new Actor(identity.Name ?? "unknown", roles);
    }
}

/// <summary>A service was asked to do something the acting user may not do. Pages hide such actions; this is the backstop.</summary>
public sealed class AccessDeniedException(Actor actor, Permission permission)
    : Exception($"{actor.Name} may not do this: it needs the {permission} permission.")
{
    public Actor Actor { get; } = actor;

    public Permission Permission { get; } = permission;
}

/// <summary>
/// Who is acting, for pages (the circuit's authentication state) and endpoints (the request's user) alike: the one
/// place that answers "who is this". Scoped: one per circuit or request.
/// </summary>
public sealed class CurrentUser(IHttpContextAccessor http, AuthenticationStateProvider? authentication = null)
{
    public async Task<Actor> GetAsync()
    {
        if (authentication is not null)
        {
            try
            {
                return Actor.From((await authentication.GetAuthenticationStateAsync()).User);
            }
            catch (InvalidOperationException)
            {
                // Outside a circuit (an API request) the provider has no state: the request's user is the answer.
            }
        }
        return Actor.From(http.HttpContext?.User);
    }
}

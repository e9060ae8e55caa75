using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace TrustedPublishDashboard.Auth;

/// <summary>Local-only mode: the person at this machine is the administrator. Requests from elsewhere are refused.</summary>
public sealed class LocalOnlyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, AuthMode mode) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LocalOnly";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var remote = Context.Connection.RemoteIpAddress;
        // No address: an in-process test server or a Unix socket, both local by construction.
        var isLocal = remote is null || System.Net.IPAddress.IsLoopback(remote);
        if (!isLocal && !mode.RemoteWithoutSignIn)
            return Task.FromResult(AuthenticateResult.Fail("local-only mode accepts requests from this machine only"));

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, AuthMode.LocalUserName),
            new Claim(ClaimTypes.Role, AuthMode.AdministratorRole),
        ], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Response.WriteAsync("This dashboard runs in local-only mode and accepts requests from this machine only.");
    }
}

using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Auth;

/// <summary>How people sign in, decided once at start-up from configuration.</summary>
public sealed record AuthMode(bool LocalOnly, bool RemoteWithoutSignIn, IReadOnlyList<string> ListenUrls)
{
    public const string OidcAuthorityKey = "Auth:Oidc:Authority";
    public const string AllowRemoteKey = "Auth:AllowRemoteWithoutSignIn";
    public const string LocalUserName = "local-admin";
    public const string AdministratorRole = "Administrator";

    /// <summary>
    /// Reads the sign-in settings and refuses a configuration that would expose an unauthenticated administrator
    /// to the network. Throws <see cref="StartupConfigurationException"/> with what to configure.
    /// </summary>
    public static AuthMode FromConfiguration(IConfiguration configuration)
    {
        var urls = BindGuard.ConfiguredUrls(configuration);
        if (urls.Count == 0) urls = [BindGuard.DefaultUrl];

        if (!string.IsNullOrWhiteSpace(configuration[OidcAuthorityKey]))
        {
            throw new StartupConfigurationException(
                $"{OidcAuthorityKey} is set, but this version of TrustedPublishDashboard does not include OIDC sign-in yet. " +
                "Remove the Auth:Oidc settings to run in local-only mode on 127.0.0.1.");
        }

        var allowRemote = configuration.GetValue(AllowRemoteKey, false);
        var exposed = urls.Where(u => !BindGuard.IsLoopback(u)).ToList();
        if (exposed.Count > 0 && !allowRemote)
        {
            throw new StartupConfigurationException(
                $"Refusing to listen on {string.Join(", ", exposed)}: no identity provider is configured, so everyone who can reach " +
                "the dashboard would be its administrator. Either listen on loopback only (e.g. --urls " + BindGuard.DefaultUrl +
                $"), or configure sign-in with an identity provider ({OidcAuthorityKey}, Auth:Oidc:ClientId), or — only behind a " +
                $"boundary you control, such as a container port published to the host's 127.0.0.1 — set {AllowRemoteKey}=true.");
        }
        return new AuthMode(LocalOnly: true, RemoteWithoutSignIn: exposed.Count > 0, urls);
    }
}

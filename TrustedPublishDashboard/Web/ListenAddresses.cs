using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TrustedPublishDashboard.Auth;

namespace TrustedPublishDashboard.Web;

/// <summary>Where the dashboard actually listens (after binding, so port 0 shows the real port); the configured URLs before that.</summary>
public sealed class ListenAddresses(IServer server, AuthMode mode)
{
    public IReadOnlyList<string> Current =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses is { Count: > 0 } bound ? bound.ToList() : mode.ListenUrls;

    public override string ToString() => string.Join(", ", Current);
}

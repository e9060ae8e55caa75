using System.Net;

namespace TrustedPublishDashboard.Auth;

/// <summary>
/// Decides whether the configured listen addresses are safe for local-only mode. Without an identity provider
/// every request is treated as the administrator, so the app may only listen where nobody else can reach it.
/// </summary>
public static class BindGuard
{
    public const string DefaultUrl = "http://127.0.0.1:5180";

    /// <summary>The addresses Kestrel will listen on, from the same settings Kestrel reads.</summary>
    public static IReadOnlyList<string> ConfiguredUrls(IConfiguration configuration)
    {
        var urls = new List<string>();
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url) urls.Add(url);
        }
        if (urls.Count > 0) return urls; // Kestrel endpoints, when present, replace the other settings.

        if (configuration["urls"] is { Length: > 0 } list)
            urls.AddRange(list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        // ASPNETCORE_HTTP_PORTS / HTTPS_PORTS bind every interface (container images set them).
        if (urls.Count == 0)
        {
            foreach (var (key, scheme) in new[] { ("http_ports", "http"), ("https_ports", "https") })
            {
                if (configuration[key] is { Length: > 0 } ports)
                    urls.AddRange(ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"{scheme}://*:{p}"));
            }
        }
        return urls;
    }

    /// <summary>True when the URL's host is a loopback address or "localhost".</summary>
    public static bool IsLoopback(string url)
    {
        var host = HostOf(url);
        if (host is null) return false;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    private static string? HostOf(string url)
    {
        var rest = url.Trim();
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return null;
        rest = rest[(scheme + 3)..];
        var slash = rest.IndexOf('/');
        if (slash >= 0) rest = rest[..slash];
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            return close < 0 ? null : rest[..(close + 1)];
        }
        var colon = rest.LastIndexOf(':');
        return colon >= 0 ? rest[..colon] : rest;
    }
}

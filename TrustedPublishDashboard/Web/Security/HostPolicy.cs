using System.Net;

namespace TrustedPublishDashboard.Web.Security;

/// <summary>
/// Which <c>Host</c> names the dashboard answers to, and which <c>Origin</c>s may open a live connection or change data.
/// Without this, any website can re-bind its own name to 127.0.0.1 (DNS rebinding) and drive the local-only
/// administrator: the browser sends the attacker's name as Host and Origin, and treats the answers as same-origin.
/// Loopback names and addresses are always served (any port: a container's published port differs from the one it
/// binds); other names only when listed in <see cref="AllowedHostsKey"/>.
/// </summary>
public sealed class HostPolicy
{
    public const string AllowedHostsKey = "Web:AllowedHosts";

    private readonly HashSet<string> _names;
    private readonly List<string> _suffixes;

    public HostPolicy(IEnumerable<string> allowedHosts)
    {
        _names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        _suffixes = [];
        foreach (var raw in allowedHosts)
        {
            var entry = raw.Trim().TrimEnd('.');
            if (entry.Length == 0) continue;
            if (entry == "*")
                throw new Data.StartupConfigurationException(
                    $"{AllowedHostsKey} may not be '*': answering to every Host name lets any website re-bind its name to this dashboard. List the names people use to open it.");
            if (entry.StartsWith("*.", StringComparison.Ordinal)) _suffixes.Add(entry[1..]);
            else _names.Add(entry);
        }
    }

    /// <summary>The extra names configured, for messages and the Settings page.</summary>
    public IReadOnlyCollection<string> ConfiguredNames => [.. _names, .. _suffixes.Select(s => "*" + s)];

    public static HostPolicy From(IConfiguration configuration)
    {
        var section = configuration.GetSection(AllowedHostsKey);
        // Either "a.example;b.example" or an array in JSON.
        var values = section.GetChildren().Select(c => c.Value ?? "").ToList();
        if (section.Value is { Length: > 0 } list) values.AddRange(list.Split([';', ','], StringSplitOptions.RemoveEmptyEntries));
        return new HostPolicy(values);
    }

    /// <summary>True for a loopback name or address, or a configured name. <paramref name="host"/> is the Host without its port.</summary>
    public bool IsAllowedHost(string? host)
    {
        if (string.IsNullOrEmpty(host)) return false;
        var name = host.TrimEnd('.');
        if (IsLoopbackHost(name)) return true;
        if (_names.Contains(name)) return true;
        return _suffixes.Any(s => name.Length > s.Length && name.EndsWith(s, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary><c>localhost</c>, 127.0.0.0/8, ::1 (also as an IPv4-mapped address), brackets optional.</summary>
    public static bool IsLoopbackHost(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        // IPAddress.TryParse accepts "127.1" and "2130706433" too; browsers normalise those to 127.0.0.1 before sending Host.
        if (!IPAddress.TryParse(literal, out var ip)) return false;
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        return IPAddress.IsLoopback(ip);
    }

    /// <summary>
    /// True when <paramref name="origin"/> (the Origin header) names exactly the request's own scheme-less authority
    /// <paramref name="requestHost"/> (host[:port] as sent in Host). "null" and anything unparsable are foreign.
    /// The scheme is not compared: behind a TLS-terminating proxy the app sees http while the browser says https;
    /// the authority is what a rebinding or cross-site page cannot fake.
    /// </summary>
    public static bool IsSameOrigin(string origin, HostString requestHost)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return false;
        if (!requestHost.HasValue) return false;
        var requestPort = requestHost.Port ?? (uri.Scheme == "https" ? 443 : 80);
        var requestName = requestHost.Host.Trim('[', ']').TrimEnd('.');
        var originName = uri.IdnHost.Trim('[', ']').TrimEnd('.');
        return string.Equals(requestName, originName, StringComparison.OrdinalIgnoreCase) && uri.Port == requestPort;
    }
}

using System.Net;
using System.Net.Sockets;

namespace TrustedPublishDashboard.Alerts.Channels;

/// <summary>
/// Decides whether an alert may be POSTed to a URL a maintainer typed (a webhook, a Slack-compatible incoming webhook).
/// The dashboard runs next to cloud credentials, so a URL must never reach the instance metadata service or other
/// addresses that are not a real receiver. This is the save-time check; <see cref="AlertHttp"/> repeats the address
/// part at connect time, because a name can resolve to anything later (DNS rebinding).
/// Each rule is a named pure function (one row of <see cref="Checks"/>) returning an error sentence or null; the first
/// error wins because later rules assume the earlier ones passed (e.g. the scheme rule needs an absolute URL).
/// The host and address rules (<see cref="HostChecks"/>, <see cref="AddressChecks"/>) are shared with the email
/// channel's SMTP host, so a relay and a webhook are refused for exactly the same addresses.
/// </summary>
public static class WebhookUrlValidator
{
    /// <summary>The URL as the rules see it: parsed once, with its host as an address when it is (or encodes) one.</summary>
    public sealed record UrlFacts(string Raw, Uri? Uri, string Host, IPAddress? Address, bool AllowLoopbackHttp);

    public delegate string? UrlCheck(UrlFacts url);

    /// <summary>Every URL rule, in evaluation order. A new rule is one function and one row here.</summary>
    public static IReadOnlyList<(string Name, UrlCheck Check)> Checks { get; } =
    [
        (nameof(IsPresent), IsPresent),
        (nameof(IsAbsolute), IsAbsolute),
        (nameof(IsHttpOrHttps), IsHttpOrHttps),
        (nameof(HasNoUserInfo), HasNoUserInfo),
        (nameof(HasHost), HasHost),
        (nameof(HostIsAllowed), HostIsAllowed),
        (nameof(UsesHttpsUnlessLoopback), UsesHttpsUnlessLoopback),
    ];

    /// <summary>
    /// Host names of cloud metadata services. They resolve to link-local addresses the connect-time guard refuses anyway;
    /// naming them here gives the maintainer the reason at save time.
    /// </summary>
    public static IReadOnlySet<string> MetadataHostNames { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "metadata.google.internal", // GCP
        "metadata", // GCP short name, resolvable inside GCE
        "instance-data", // AWS EC2 legacy name
        "instance-data.ec2.internal",
    };

    /// <summary>Why the URL cannot be used for alerts, as a sentence with the fix, or null when it can.</summary>
    public static string? Validate(string? url, bool allowLoopbackHttp = true)
    {
        var facts = Inspect(url, allowLoopbackHttp);
        foreach (var (_, check) in Checks)
        {
            if (check(facts) is { } error) return error;
        }
        return null;
    }

    public static UrlFacts Inspect(string? url, bool allowLoopbackHttp = true)
    {
        var raw = url?.Trim() ?? "";
        if (raw.Length == 0 || !Uri.TryCreate(raw, UriKind.Absolute, out var uri)) return new UrlFacts(raw, null, "", null, allowLoopbackHttp);
        // On Unix "/hooks/x" parses as an absolute file: URI; a maintainer meant a relative URL.
        if (uri.IsFile && !raw.StartsWith("file:", StringComparison.OrdinalIgnoreCase)) return new UrlFacts(raw, null, "", null, allowLoopbackHttp);
        var host = uri.IsAbsoluteUri ? uri.IdnHost.TrimEnd('.') : "";
        return new UrlFacts(raw, uri, host, HostAddress(uri, host), allowLoopbackHttp);
    }

    /// <summary>
    /// The host as an address. System.Uri already turns "2852039166", "0xA9FEA9FE" and "0251.0376.0251.0376" into
    /// dotted IPv4 (see the tests); IPAddress.TryParse is the second line for forms Uri leaves as names, e.g. with a
    /// trailing dot ("169.254.169.254.") — resolvers and browsers treat those as addresses too.
    /// </summary>
    private static IPAddress? HostAddress(Uri uri, string host)
    {
        if (uri.HostNameType is UriHostNameType.IPv6) return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var v6) ? v6 : null;
        return IPAddress.TryParse(host, out var address) ? address : null;
    }

    public static string? IsPresent(UrlFacts url) => url.Raw.Length == 0 ? "The URL is empty: paste the receiver's https:// URL." : null;

    public static string? IsAbsolute(UrlFacts url) =>
        url.Uri is null ? "The URL is not absolute: give the full address including https://, e.g. https://alerts.example.com/hooks/trust." : null;

    public static string? IsHttpOrHttps(UrlFacts url) =>
        url.Uri!.Scheme is "https" or "http" ? null : $"The URL's scheme is '{url.Uri.Scheme}': alerts are delivered over https:// only.";

    /// <summary>Credentials in the URL would be stored and shown in plain text; the webhook is authenticated by its signature instead.</summary>
    public static string? HasNoUserInfo(UrlFacts url) =>
        url.Uri!.UserInfo.Length == 0 ? null : "The URL contains a user name or password (user:pass@): remove it; deliveries are signed with the channel's key instead.";

    public static string? HasHost(UrlFacts url) => url.Host.Length == 0 ? "The URL has no host name." : null;

    public static string? HostIsAllowed(UrlFacts url) => CheckHost(new HostFacts(url.Host, url.Address), "an alert receiver");

    /// <summary>Plain http is only for a receiver on this machine (tests, a local relay); anything else could be read or altered on the way.</summary>
    public static string? UsesHttpsUnlessLoopback(UrlFacts url)
    {
        if (url.Uri!.Scheme == "https") return null;
        if (url.AllowLoopbackHttp && IsLoopbackHost(url)) return null;
        return url.AllowLoopbackHttp
            ? $"The URL uses http://: use https:// (plain http is only allowed for localhost / 127.0.0.1 / [::1])."
            : "The URL uses http://: use https://.";
    }

    private static bool IsLoopbackHost(UrlFacts url) =>
        url.Address is { } address ? IPAddress.IsLoopback(Unmap(address)) : string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase);

    // --- hosts (a URL's host, an SMTP host) ---------------------------------------------------------------------

    /// <summary>A host as the host rules see it: the name without brackets or trailing dot, and the address it is or encodes.</summary>
    public sealed record HostFacts(string Host, IPAddress? Address);

    /// <summary>A host rule: an error sentence saying why the host cannot be <paramref name="role"/> ("a mail relay"), or null.</summary>
    public delegate string? HostCheck(HostFacts host, string role);

    /// <summary>Rules for a host typed by a maintainer, in evaluation order; the URL rules and the SMTP host rule both run these.</summary>
    public static IReadOnlyList<(string Name, HostCheck Check)> HostChecks { get; } =
    [
        (nameof(IsNotMetadataName), IsNotMetadataName),
        (nameof(IsNotAmbiguousNumericHost), IsNotAmbiguousNumericHost),
        (nameof(IsNotForbiddenAddress), IsNotForbiddenAddress),
    ];

    /// <summary>The first host rule's error for <paramref name="host"/>, or null when every rule passes.</summary>
    public static string? CheckHost(HostFacts host, string role)
    {
        foreach (var (_, check) in HostChecks)
        {
            if (check(host, role) is { } error) return error;
        }
        return null;
    }

    /// <summary>
    /// A bare host (an SMTP host setting: "smtp.example.com", "10.0.0.5", "[::1]"). The address is what IPAddress.TryParse
    /// makes of it, which is also the first thing Dns.GetHostAddresses (and so SmtpClient) does with a host: it reads
    /// "2852039166", "0xA9FEA9FE" and "0251.0376.0251.0376" as 169.254.169.254, like System.Uri does for a URL's host.
    /// </summary>
    public static HostFacts InspectHost(string? host)
    {
        var bare = (host ?? "").Trim();
        if (bare is ['[', .., ']']) bare = bare[1..^1];
        var name = bare.TrimEnd('.');
        return new HostFacts(name, IPAddress.TryParse(name, out var address) ? address : null);
    }

    public static string? IsNotMetadataName(HostFacts host, string role) =>
        MetadataHostNames.Contains(host.Host) ? $"'{host.Host}' is a cloud metadata service, not {role}." : null;

    /// <summary>
    /// A host whose last label is a number ("0x7f.1", "1.2.3.0400000") is read as an IPv4 address by browsers and many
    /// resolvers (WHATWG URL host parsing, inet_aton); if it did not parse as an address here, we cannot say where it goes.
    /// </summary>
    public static string? IsNotAmbiguousNumericHost(HostFacts host, string role)
    {
        if (host.Address is not null) return null;
        var last = host.Host[(host.Host.LastIndexOf('.') + 1)..];
        var numeric = last.Length > 0 && (last.All(char.IsAsciiDigit)
            || (last.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && last[2..].All(char.IsAsciiHexDigit)));
        return numeric ? $"The host '{host.Host}' looks like an encoded IP address: use a host name or a plain dotted address." : null;
    }

    public static string? IsNotForbiddenAddress(HostFacts host, string role) =>
        host.Address is { } address && ForbiddenReason(address) is { } reason ? $"The host {address} is {reason}, not {role}." : null;

    // --- addresses -------------------------------------------------------------------------------------------

    /// <summary>
    /// Address rules for both save time and connect time. Loopback and private ranges are allowed on purpose: the
    /// dashboard is self-hosted and often posts to a relay on the same host or network.
    /// </summary>
    public static IReadOnlyList<(string Name, Func<IPAddress, string?> Check)> AddressChecks { get; } =
    [
        (nameof(IsMetadataAddress), IsMetadataAddress),
        (nameof(IsUnspecified), IsUnspecified),
        (nameof(IsLinkLocal), IsLinkLocal),
        (nameof(IsMulticastOrBroadcast), IsMulticastOrBroadcast),
    ];

    /// <summary>Cloud metadata endpoints that are not link-local (AWS IPv6, Alibaba Cloud).</summary>
    public static IReadOnlySet<IPAddress> MetadataAddresses { get; } = new HashSet<IPAddress>
    {
        IPAddress.Parse("169.254.169.254"), // AWS, GCP, Azure, OpenStack…
        IPAddress.Parse("169.254.170.2"), // AWS ECS task credentials
        IPAddress.Parse("fd00:ec2::254"), // AWS IMDS over IPv6
        IPAddress.Parse("100.100.100.200"), // Alibaba Cloud
    };

    /// <summary>True when alerts must never connect to this address (metadata, link-local, unspecified, multicast).</summary>
    public static bool IsForbiddenAddress(IPAddress address) => ForbiddenReason(address) is not null;

    /// <summary>What kind of forbidden address this is ("a cloud metadata address"…), or null when it is allowed.</summary>
    public static string? ForbiddenReason(IPAddress address)
    {
        var plain = Unmap(address);
        foreach (var (_, check) in AddressChecks)
        {
            if (check(plain) is { } reason) return reason;
        }
        return null;
    }

    public static string? IsMetadataAddress(IPAddress address) => MetadataAddresses.Contains(address) ? "a cloud metadata address" : null;

    public static string? IsUnspecified(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes()[0] == 0 // 0.0.0.0/8 "this network"
        || address.Equals(IPAddress.IPv6Any)
            ? "an unspecified address" : null;

    public static string? IsLinkLocal(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes() is [169, 254, ..]
        || address.IsIPv6LinkLocal
            ? "a link-local address" : null;

    public static string? IsMulticastOrBroadcast(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes()[0] >= 224 // multicast, reserved, broadcast
        || address.IsIPv6Multicast
            ? "a multicast or broadcast address" : null;

    /// <summary>
    /// The IPv4 address inside IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d)
    /// forms, since a dual-stack socket or a NAT64 gateway delivers those to the IPv4 address.
    /// </summary>
    public static IPAddress Unmap(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        var compatible = bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && bytes.AsSpan(12).IndexOfAnyExcept((byte)0) >= 0
            && !(bytes.AsSpan(12, 3).IndexOfAnyExcept((byte)0) < 0 && bytes[15] == 1); // not ::1
        var nat64 = bytes is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..];
        return compatible || nat64 ? new IPAddress(bytes.AsSpan(12)) : address;
    }
}

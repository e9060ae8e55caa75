using System.Net;
using TrustedPublishDashboard.Alerts.Channels;

namespace TrustedPublishDashboard.Tests.Alerts;

public sealed class WebhookUrlValidatorTests
{
    [Theory]
    [InlineData("https://alerts.example.com/hooks/trust")]
    [InlineData("https://alerts.example.com:8443/hooks?team=web")]
    [InlineData("https://10.0.0.7/hook")] // private ranges are allowed: self-hosted relays live there
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://LOCALHOST/hook")]
    [InlineData("http://127.0.0.1:5000/hook")]
    [InlineData("http://127.8.9.10/hook")]
    [InlineData("http://[::1]:9000/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://[2001:db8::1]/hook")]
    public void Validate_AllowedUrl_ReturnsNull(string url) => Assert.Null(WebhookUrlValidator.Validate(url));

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("/hooks/trust", "not absolute")]
    [InlineData("alerts.example.com/hook", "not absolute")]
    [InlineData("ftp://alerts.example.com/hook", "scheme is 'ftp'")]
    [InlineData("file:///etc/passwd", "scheme is 'file'")]
    [InlineData("javascript:alert(1)", "scheme is 'javascript'")]
    [InlineData("http://alerts.example.com/hook", "use https://")]
    [InlineData("http://10.0.0.7/hook", "use https://")]
    [InlineData("https://user:pass@alerts.example.com/hook", "user name or password")]
    [InlineData("http://user@localhost/hook", "user name or password")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "cloud metadata address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "cloud metadata address")]
    [InlineData("https://169.254.10.20/hook", "link-local")]
    [InlineData("https://100.100.100.200/latest/meta-data", "cloud metadata address")]
    [InlineData("https://[fd00:ec2::254]/latest/meta-data", "cloud metadata address")]
    [InlineData("https://[fe80::1]/hook", "link-local")]
    [InlineData("https://[febf::1]/hook", "link-local")]
    [InlineData("https://[::ffff:169.254.169.254]/", "cloud metadata address")]
    [InlineData("https://[::ffff:a9fe:a9fe]/", "cloud metadata address")]
    [InlineData("https://[64:ff9b::169.254.169.254]/", "cloud metadata address")]
    [InlineData("https://[::ffff:0.0.0.0]/", "unspecified")]
    [InlineData("https://metadata.google.internal/computeMetadata/v1/", "cloud metadata service")]
    [InlineData("https://METADATA.google.internal./computeMetadata/v1/", "cloud metadata service")]
    [InlineData("http://metadata/computeMetadata/v1/", "cloud metadata service")]
    [InlineData("https://instance-data/latest/", "cloud metadata service")]
    [InlineData("https://0.0.0.0/hook", "unspecified")]
    [InlineData("https://0.1.2.3/hook", "unspecified")]
    [InlineData("https://[::]/hook", "unspecified")]
    [InlineData("https://224.0.0.1/hook", "multicast")]
    [InlineData("https://255.255.255.255/hook", "multicast or broadcast")]
    [InlineData("https://[ff02::1]/hook", "multicast")]
    [InlineData("http://2852039166/", "cloud metadata address")] // decimal 169.254.169.254
    [InlineData("https://0xA9FEA9FE/", "cloud metadata address")] // hex
    [InlineData("https://0xa9.0xfe.0xa9.0xfe/", "cloud metadata address")]
    [InlineData("https://0251.0376.0251.0376/", "cloud metadata address")] // octal
    [InlineData("https://169.254.43518/", "cloud metadata address")] // two-part form
    [InlineData("https://169.254.169.254./", "cloud metadata address")] // trailing dot
    [InlineData("https://1.2.3.04000000/", "encoded IP address")] // numeric last label that is no valid address
    public void Validate_RefusedUrl_NamesTheReason(string? url, string expected)
    {
        var error = WebhookUrlValidator.Validate(url);
        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("http://localhost/hook")]
    [InlineData("http://127.0.0.1/hook")]
    [InlineData("http://[::1]/hook")]
    public void Validate_LoopbackHttpNotAllowed_RequiresHttps(string url) =>
        Assert.Contains("use https://", WebhookUrlValidator.Validate(url, allowLoopbackHttp: false));

    [Fact]
    public void Validate_UserInfo_DoesNotEchoThePassword() =>
        Assert.DoesNotContain("s3cret", WebhookUrlValidator.Validate("https://bob:s3cret@alerts.example.com/"));

    /// <summary>What System.Uri does with encoded IPv4 hosts: the validator relies on it canonicalising these.</summary>
    [Theory]
    [InlineData("http://2852039166/", "169.254.169.254")]
    [InlineData("http://0xA9FEA9FE/", "169.254.169.254")]
    [InlineData("http://0251.0376.0251.0376/", "169.254.169.254")]
    [InlineData("http://169.254.43518/", "169.254.169.254")]
    [InlineData("http://0x7f.1/", "127.0.0.1")]
    public void Uri_EncodedIPv4Host_IsCanonicalised(string url, string host)
    {
        var uri = new Uri(url);
        Assert.Equal(UriHostNameType.IPv4, uri.HostNameType);
        Assert.Equal(host, uri.Host);
    }

    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("169.254.170.2", true)]
    [InlineData("169.254.0.1", true)]
    [InlineData("100.100.100.200", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fe80::1%2", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("::169.254.169.254", true)]
    [InlineData("64:ff9b::a9fe:a9fe", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::", true)]
    [InlineData("224.0.0.251", true)]
    [InlineData("239.255.255.250", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("ff05::2", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("192.168.1.10", false)]
    [InlineData("100.100.100.201", false)]
    [InlineData("93.184.216.34", false)]
    [InlineData("2606:2800:220:1::1", false)]
    [InlineData("fd00:ec2::253", false)]
    public void IsForbiddenAddress_Table_MatchesExpectation(string address, bool forbidden) =>
        Assert.Equal(forbidden, WebhookUrlValidator.IsForbiddenAddress(IPAddress.Parse(address)));

    [Fact]
    public void Checks_EveryRow_IsNamedAfterItsFunction() =>
        Assert.All(WebhookUrlValidator.Checks, row => Assert.Equal(row.Name, row.Check.Method.Name));

    [Fact]
    public void HostChecks_EveryRow_IsNamedAfterItsFunction() =>
        Assert.All(WebhookUrlValidator.HostChecks, row => Assert.Equal(row.Name, row.Check.Method.Name));

    /// <summary>A bare host (an SMTP host) reads encoded addresses the way a URL's host does (<see cref="Uri_EncodedIPv4Host_IsCanonicalised"/>).</summary>
    [Theory]
    [InlineData("2852039166", "169.254.169.254")]
    [InlineData("0xA9FEA9FE", "169.254.169.254")]
    [InlineData("0xa9.0xfe.0xa9.0xfe", "169.254.169.254")]
    [InlineData("0251.0376.0251.0376", "169.254.169.254")]
    [InlineData("169.254.43518", "169.254.169.254")]
    [InlineData(" 169.254.169.254. ", "169.254.169.254")]
    [InlineData("[::ffff:169.254.169.254]", "::ffff:169.254.169.254")]
    [InlineData("fd00:ec2::254", "fd00:ec2::254")]
    [InlineData("smtp.example.com", null)]
    [InlineData("1.2.3.04000000", null)]
    public void InspectHost_BareHost_AddressAsDnsWouldReadIt(string host, string? address) =>
        Assert.Equal(address, WebhookUrlValidator.InspectHost(host).Address?.ToString());

    [Theory]
    [InlineData("metadata.google.internal.", "'metadata.google.internal' is a cloud metadata service, not a mail relay.")]
    [InlineData("2852039166", "The host 169.254.169.254 is a cloud metadata address, not a mail relay.")]
    [InlineData("[fe80::1]", "The host fe80::1 is a link-local address, not a mail relay.")]
    [InlineData("0x7f.0x0.0x0.09", "The host '0x7f.0x0.0x0.09' looks like an encoded IP address: use a host name or a plain dotted address.")]
    public void CheckHost_ForbiddenHost_SentenceWithRole(string host, string expected) =>
        Assert.Equal(expected, WebhookUrlValidator.CheckHost(WebhookUrlValidator.InspectHost(host), "a mail relay"));
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Alerts.Channels;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Extensions;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>Messages and channels shared by the channel tests.</summary>
public static class AlertTestData
{
    public static AlertMessage Message(string key = "alert-1-webhook-3", bool digest = false, string text = "npm now accepts tokens for left-pad.") => new(
        key,
        "trust-downgrade",
        AlertSeverity.High,
        "npm",
        "left-pad",
        "1.3.0",
        "Trusted publishing disabled for left-pad",
        text,
        "http://127.0.0.1:5000/packages/npm/left-pad",
        new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)),
        digest);

    // One provider for all tests: the channels are singletons, as in the app.
    private static readonly Lazy<IReadOnlyDictionary<string, IAlertChannel>> Channels = new(() =>
        new ServiceCollection().AddAlertChannels().BuildServiceProvider().GetServices<IAlertChannel>().ToDictionary(c => c.Kind));

    /// <summary>The channels exactly as the app registers them (AddAlertChannels), keyed by kind.</summary>
    public static IReadOnlyDictionary<string, IAlertChannel> RegisteredChannels() => Channels.Value;

    public static ChannelSettings Webhook(string url, string? secret = AlertReceiver.Key) =>
        new() { Kind = ChannelKinds.Webhook, Name = "test hook", Url = url, Secret = secret };

    /// <summary>
    /// Stands in for DNS in the connect-guard tests (no lookups leave the machine; .test names exist nowhere else, so a
    /// connection that got through under one of these names went to the address given here, not to a fresh lookup).
    /// "rebind.test" resolves to the metadata address as a rebinding attacker's name would.
    /// </summary>
    public static IReadOnlyDictionary<string, IPAddress[]> FakeDns { get; } = new Dictionary<string, IPAddress[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["rebind.test"] = [IPAddress.Parse("169.254.169.254")],
        ["mixed.test"] = [IPAddress.Loopback, IPAddress.Parse("fe80::1")],
        ["mapped.test"] = [IPAddress.Parse("::ffff:169.254.169.254")],
        ["receiver.test"] = [IPAddress.Loopback],
        ["relay.test"] = [IPAddress.Loopback],
        ["fallback.test"] = [IPAddress.Parse("127.0.0.2"), IPAddress.Loopback], // nothing listens on 127.0.0.2
        [TestCertificates.ServerName] = [IPAddress.Loopback],
        ["other.test"] = [IPAddress.Loopback],
    };

    public static Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        Task.FromResult(FakeDns.TryGetValue(host, out var addresses) ? addresses : []);
}

/// <summary>Hands out clients over one handler, for tests that need a handler AddAlertChannels would not build.</summary>
public sealed class FixedHttpClientFactory(HttpMessageHandler handler) : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
}

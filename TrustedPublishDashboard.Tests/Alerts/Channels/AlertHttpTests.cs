using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TrustedPublishDashboard.Alerts.Channels;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>
/// The connect-time guard, with <see cref="AlertTestData.FakeDns"/> for DNS: "rebind.test" resolves to the metadata
/// address, "receiver.test" to loopback where the receiver listens.
/// </summary>
public sealed class AlertHttpTests(AlertReceiver receiver) : IClassFixture<AlertReceiver>
{
    private static WebhookChannel Channel() =>
        new(new FixedHttpClientFactory(AlertHttp.CreateHandler(AlertTestData.ResolveAsync)), TimeProvider.System, NullLogger<WebhookChannel>.Instance);

    // "http://rebind.test" would fail the save-time https rule first, so these channels skip Validate by posting to the
    // guard's handler directly; the channel-level test below uses https to a name that passes the URL rules.
    private static async Task<DeliveryResult> PostAsync(string url)
    {
        using var client = new HttpClient(AlertHttp.CreateHandler(AlertTestData.ResolveAsync));
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent("{}") };
        return await AlertHttp.SendAsync(client, request, "the webhook", urlIsSecret: false, TimeProvider.System, NullLogger.Instance, CancellationToken.None);
    }

    [Theory]
    [InlineData("rebind.test")]
    [InlineData("mixed.test")]
    [InlineData("mapped.test")]
    public async Task SendAsync_NameResolvesToForbiddenAddress_FinalRefusal(string host)
    {
        var result = await PostAsync($"http://{host}:{receiver.Port}/guard-{host}");

        Assert.False(result.Ok);
        Assert.False(result.Retryable);
        Assert.Contains($"refused to connect to {host}", result.Error);
        Assert.Empty(receiver.At($"/guard-{host}"));
    }

    [Fact]
    public async Task SendAsync_NameResolvesToLoopback_Delivered()
    {
        var result = await PostAsync($"http://receiver.test:{receiver.Port}/guard-ok");

        Assert.True(result.Ok, result.Error);
        Assert.Single(receiver.At("/guard-ok"));
    }

    [Fact]
    public async Task WebhookSend_HttpsNameRebindsToMetadata_RefusedAtConnect()
    {
        // Passes every save-time rule (https, a plain name); only the resolved address gives it away.
        var settings = AlertTestData.Webhook("https://rebind.test/hook");
        Assert.Null(Channel().Validate(settings));

        var result = await Channel().SendAsync(settings, AlertTestData.Message(), CancellationToken.None);

        Assert.False(result.Retryable);
        Assert.Contains("169.254.169.254, a cloud metadata address", result.Error);
    }

    [Fact]
    public async Task ConnectAsync_LiteralForbiddenAddress_Throws() =>
        await Assert.ThrowsAsync<ForbiddenAddressException>(async () =>
            await AlertHttp.ConnectAsync(new DnsEndPoint("[fe80::1]", 80), AlertTestData.ResolveAsync, CancellationToken.None));

    [Fact]
    public void RefusalReason_AllowedAddresses_Null() =>
        Assert.Null(AlertHttp.RefusalReason("ok.test", [IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("10.0.0.1")]));

    [Fact]
    public void RefusalReason_OneForbiddenAmongMany_NamesIt() =>
        Assert.Contains("100.100.100.200", AlertHttp.RefusalReason("x.test", [IPAddress.Loopback, IPAddress.Parse("100.100.100.200")]));

    [Fact]
    public void CreateHandler_Settings_NoRedirectsNoProxyConnectTimeout()
    {
        using var handler = AlertHttp.CreateHandler();
        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseProxy);
        Assert.Equal(TimeSpan.FromSeconds(10), handler.ConnectTimeout);
        Assert.NotNull(handler.ConnectCallback);
    }

    [Theory]
    [InlineData(200, true, false)]
    [InlineData(204, true, false)]
    [InlineData(301, false, false)]
    [InlineData(308, false, false)]
    [InlineData(400, false, false)]
    [InlineData(401, false, false)]
    [InlineData(404, false, false)]
    [InlineData(408, false, true)]
    [InlineData(410, false, false)]
    [InlineData(425, false, true)]
    [InlineData(429, false, true)]
    [InlineData(500, false, true)]
    [InlineData(502, false, true)]
    [InlineData(503, false, true)]
    public void Classify_Status_MapsToOutcome(int status, bool ok, bool retryable)
    {
        var result = AlertHttp.Classify(new AlertHttp.ResponseFacts(status, null, null), "the webhook", urlIsSecret: false);
        Assert.Equal((ok, retryable, status), (result.Ok, result.Retryable, result.HttpStatus));
    }

    [Theory]
    [InlineData(403, "the webhook answered HTTP 403 Forbidden")]
    [InlineData(500, "the webhook answered HTTP 500 Internal Server Error")]
    [InlineData(599, "the webhook answered HTTP 599")] // no standard reason: the number alone
    public void Classify_ErrorStatus_StandardReasonOnly(int status, string expected) =>
        Assert.Equal(expected, AlertHttp.Classify(new AlertHttp.ResponseFacts(status, null, null), "the webhook", urlIsSecret: false).Error);

    [Fact]
    public async Task ResolveVettedAsync_NameResolvesToMetadata_Throws()
    {
        var refusal = await Assert.ThrowsAsync<ForbiddenAddressException>(() => AlertHttp.ResolveVettedAsync("rebind.test", AlertTestData.ResolveAsync, CancellationToken.None));
        Assert.Contains("169.254.169.254, a cloud metadata address", refusal.Message);
    }

    [Fact]
    public async Task ResolveVettedAsync_Literal_NotResolved() =>
        Assert.Equal([IPAddress.Parse("10.0.0.5")],
            await AlertHttp.ResolveVettedAsync("10.0.0.5", (_, _) => throw new InvalidOperationException("a literal needs no DNS"), CancellationToken.None));

    [Fact]
    public void Classify_RedirectOfSecretUrl_ShowsOnlyTheOrigin()
    {
        var result = AlertHttp.Classify(
            new AlertHttp.ResponseFacts(302, new Uri("https://hooks.example.com/services/T000/B000/token"), null), "the Slack webhook", urlIsSecret: true);
        Assert.Contains("redirected to https://hooks.example.com/…", result.Error);
        Assert.DoesNotContain("token", result.Error);
    }
}

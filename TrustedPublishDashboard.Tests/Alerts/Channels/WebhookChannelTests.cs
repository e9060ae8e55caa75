using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TrustedPublishDashboard.Alerts.Channels;

namespace TrustedPublishDashboard.Tests.Alerts;

public sealed class WebhookChannelTests(AlertReceiver receiver) : IClassFixture<AlertReceiver>
{
    private readonly IAlertChannel _webhook = AlertTestData.RegisteredChannels()[ChannelKinds.Webhook];

    private Task<DeliveryResult> SendAsync(string path, string? key = AlertReceiver.Key, string messageKey = "alert-1-webhook-3") =>
        _webhook.SendAsync(AlertTestData.Webhook(receiver.Url(path), key), AlertTestData.Message(messageKey), CancellationToken.None);

    [Fact]
    public async Task SendAsync_ReceiverAccepts_SentAndSignatureVerifies()
    {
        var result = await SendAsync("/ok");

        Assert.True(result.Ok, result.Error);
        Assert.Equal(204, result.HttpStatus);
        var delivery = Assert.Single(receiver.At("/ok"));
        Assert.True(delivery.SignatureValid);
        Assert.Matches("^sha256=[0-9a-f]{64}$", delivery.Header("X-Signature"));
        Assert.Equal("TrustedPublishDashboard-Alerts/1", delivery.Header("User-Agent"));
        Assert.Equal("application/json", delivery.Header("Content-Type"));
        Assert.Equal("alert-1-webhook-3", delivery.Header("Idempotency-Key"));
    }

    [Fact]
    public async Task SendAsync_Body_IsCamelCaseJsonWithEveryField()
    {
        await SendAsync("/body");

        using var json = JsonDocument.Parse(Assert.Single(receiver.At("/body")).Body);
        var root = json.RootElement;
        Assert.Equal(
            ["idempotencyKey", "kind", "severity", "registry", "package", "version", "title", "text", "detailUrl", "createdAt", "digest"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("alert-1-webhook-3", root.GetProperty("idempotencyKey").GetString());
        Assert.Equal("trust-downgrade", root.GetProperty("kind").GetString());
        Assert.Equal("high", root.GetProperty("severity").GetString());
        Assert.Equal("left-pad", root.GetProperty("package").GetString());
        Assert.Equal("http://127.0.0.1:5000/packages/npm/left-pad", root.GetProperty("detailUrl").GetString());
        Assert.Equal("2025-03-04T03:06:07.000Z", root.GetProperty("createdAt").GetString());
        Assert.False(root.GetProperty("digest").GetBoolean());
    }

    [Fact]
    public async Task ReceiverVerify_TamperedBody_Fails()
    {
        await SendAsync("/tamper");
        var delivery = Assert.Single(receiver.At("/tamper"));
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(delivery.Body).Replace("\"high\"", "\"info\""));

        Assert.True(AlertReceiver.VerifySignature(AlertReceiver.Key, delivery.Header("X-Signature-Timestamp"), delivery.Header("X-Signature"), delivery.Body));
        Assert.False(AlertReceiver.VerifySignature(AlertReceiver.Key, delivery.Header("X-Signature-Timestamp"), delivery.Header("X-Signature"), tampered));
    }

    [Fact]
    public async Task SendAsync_WrongKey_ReceiverRejectsSignature()
    {
        await SendAsync("/wrong-key", key: "not-the-receivers-key");

        Assert.False(Assert.Single(receiver.At("/wrong-key")).SignatureValid);
    }

    [Fact]
    public async Task SendAsync_SameMessageTwice_SameIdempotencyKey()
    {
        await SendAsync("/twice", messageKey: "alert-42-webhook-7");
        await SendAsync("/twice", messageKey: "alert-42-webhook-7");

        var deliveries = receiver.At("/twice");
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("alert-42-webhook-7", d.Header("Idempotency-Key")));
        Assert.All(deliveries, d => Assert.Contains("\"idempotencyKey\":\"alert-42-webhook-7\"", Encoding.UTF8.GetString(d.Body)));
    }

    [Fact]
    public async Task SendAsync_ServerError_Retryable()
    {
        receiver.Answer("/500", new ReceiverAnswer(500, "boom"));

        var result = await SendAsync("/500");

        Assert.False(result.Ok);
        Assert.True(result.Retryable);
        Assert.Equal(500, result.HttpStatus);
    }

    [Fact]
    public async Task SendAsync_TooManyRequestsWithRetryAfter_RetryableWithSeconds()
    {
        receiver.Answer("/429", new ReceiverAnswer(429, RetryAfter: "120"));

        var result = await SendAsync("/429");

        Assert.True(result.Retryable);
        Assert.Equal(429, result.HttpStatus);
        Assert.Contains("Retry-After: 120 s", result.Error);
    }

    [Fact]
    public async Task SendAsync_BadRequest_FinalWithStatusNotBody()
    {
        receiver.Answer("/400", new ReceiverAnswer(400, "unknown field 'digest'"));

        var result = await SendAsync("/400");

        Assert.False(result.Ok);
        Assert.False(result.Retryable);
        Assert.Equal(400, result.HttpStatus);
        Assert.Equal("the webhook answered HTTP 400 Bad Request", result.Error);
    }

    /// <summary>Private-range receivers are allowed, so a quoted body would be a way to read internal services.</summary>
    [Fact]
    public async Task SendAsync_ServerErrorWithSecretBody_ErrorHasStatusButNotBodyOrReason()
    {
        receiver.Answer("/secret-500", new ReceiverAnswer(500, "AccessKeyId=AKIAIOSFODNN7EXAMPLE SecretAccessKey=wJalrXUtnFEMI", Reason: "Token s3cr3t-reason"));

        var result = await SendAsync("/secret-500");

        Assert.True(result.Retryable);
        Assert.Equal(500, result.HttpStatus);
        Assert.Equal("the webhook answered HTTP 500 Internal Server Error", result.Error);
        Assert.DoesNotContain("AKIA", result.Error);
        Assert.DoesNotContain("wJalr", result.Error);
        Assert.DoesNotContain("s3cr3t", result.Error);
    }

    [Fact]
    public async Task SendAsync_ErrorBody_OnlyInDebugLog()
    {
        receiver.Answer("/logged-500", new ReceiverAnswer(500, "internal detail " + new string('x', 500)));
        var logger = new CapturingLogger<WebhookChannel>();
        var webhook = new WebhookChannel(new FixedHttpClientFactory(AlertHttp.CreateHandler()), TimeProvider.System, logger);

        var result = await webhook.SendAsync(AlertTestData.Webhook(receiver.Url("/logged-500")), AlertTestData.Message(), CancellationToken.None);

        Assert.DoesNotContain("internal detail", result.Error);
        var (level, entry) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Debug, level);
        Assert.Contains("internal detail", entry);
        Assert.DoesNotContain(new string('x', AlertHttp.LoggedBodyChars), entry); // a prefix, not the whole body
    }

    [Fact]
    public async Task SendAsync_Redirect_FinalAndNotFollowed()
    {
        receiver.Answer("/moved", new ReceiverAnswer(301, Location: "/moved-here"));

        var result = await SendAsync("/moved");

        Assert.False(result.Retryable);
        Assert.False(result.Ok);
        Assert.Equal(301, result.HttpStatus);
        Assert.Contains($"redirected to {receiver.Url("/moved-here")}", result.Error);
        Assert.Contains("configure the final URL", result.Error);
        Assert.Empty(receiver.At("/moved-here"));
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_Retryable()
    {
        var result = await _webhook.SendAsync(
            AlertTestData.Webhook($"http://127.0.0.1:{AlertReceiver.ClosedPort()}/hook"), AlertTestData.Message(), CancellationToken.None);

        Assert.False(result.Ok);
        Assert.True(result.Retryable, result.Error);
        Assert.Contains("could not reach the webhook", result.Error);
    }

    [Fact]
    public async Task SendAsync_LocalhostName_ConnectsThroughTheGuard()
    {
        var result = await _webhook.SendAsync(AlertTestData.Webhook($"http://localhost:{receiver.Port}/by-name"), AlertTestData.Message(), CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        Assert.Single(receiver.At("/by-name"));
    }

    [Fact]
    public async Task SendAsync_InvalidUrl_FinalWithoutRequest()
    {
        var result = await _webhook.SendAsync(AlertTestData.Webhook("http://169.254.169.254/latest/meta-data/"), AlertTestData.Message(), CancellationToken.None);

        Assert.False(result.Retryable);
        Assert.Contains("cloud metadata", result.Error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void Validate_NoSigningKey_Error(string? secret) =>
        Assert.Contains("signing key", _webhook.Validate(AlertTestData.Webhook("https://alerts.example.com/hook", secret)));

    [Fact]
    public void Validate_HttpsUrlAndKey_Null() => Assert.Null(_webhook.Validate(AlertTestData.Webhook("https://alerts.example.com/hook")));

    [Fact]
    public async Task SendAsync_CallerCancels_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _webhook.SendAsync(AlertTestData.Webhook(receiver.Url("/cancelled")), AlertTestData.Message(), cancelled.Token));
    }
}

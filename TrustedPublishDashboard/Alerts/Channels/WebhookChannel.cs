using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Alerts.Channels;

/// <summary>The JSON a webhook receives. Field names are camelCase; a receiver dedupes on <c>idempotencyKey</c>.</summary>
public sealed record WebhookPayload(
    string IdempotencyKey,
    string Kind,
    string Severity,
    string Registry,
    string? Package,
    string? Version,
    string Title,
    string Text,
    string? DetailUrl,
    string CreatedAt,
    bool Digest)
{
    public static WebhookPayload From(AlertMessage message) => new(
        message.IdempotencyKey,
        message.Kind,
        message.Severity.Code(),
        message.Registry,
        message.Package,
        message.Version,
        message.Title,
        message.Text,
        message.DetailUrl,
        message.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        message.IsDigest);
}

/// <summary>
/// POSTs a signed JSON alert to the maintainer's URL. The signature covers exactly the bytes sent (see
/// <see cref="AlertSigning"/>); the idempotency key is the message's, so every retry of one alert carries the same key.
/// </summary>
public sealed class WebhookChannel(IHttpClientFactory clients, TimeProvider time, ILogger<WebhookChannel> logger) : IAlertChannel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => ChannelKinds.Webhook;

    public string? Validate(ChannelSettings channel) =>
        WebhookUrlValidator.Validate(channel.Url)
        ?? (string.IsNullOrWhiteSpace(channel.Secret) ? "The webhook has no signing key: generate one so the receiver can verify X-Signature." : null);

    /// <summary>The exact body bytes for a message (the signature is computed over these).</summary>
    public static byte[] Body(AlertMessage message) => JsonSerializer.SerializeToUtf8Bytes(WebhookPayload.From(message), Json);

    public async Task<DeliveryResult> SendAsync(ChannelSettings channel, AlertMessage message, CancellationToken ct)
    {
        // Checked again on every send: the rules may be stricter than when the channel was saved.
        if (Validate(channel) is { } problem) return DeliveryResult.Final(problem);

        var body = Body(message);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.UserAgent.ParseAdd(AlertHttp.UserAgent);
        request.Headers.Add(AlertSigning.IdempotencyHeader, message.IdempotencyKey);
        request.Headers.Add(AlertSigning.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(AlertSigning.SignatureHeader, AlertSigning.HeaderValue(channel.Secret!, timestamp, body));
        return await AlertHttp.SendAsync(clients.CreateClient(AlertHttp.HttpClientName), request, "the webhook", urlIsSecret: false, time, logger, ct);
    }
}

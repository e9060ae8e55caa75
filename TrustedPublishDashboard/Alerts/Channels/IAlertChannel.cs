using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Alerts.Channels;

public static class ChannelKinds
{
    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public const string Email = "email";

    public static IReadOnlyList<string> All { get; } = [Webhook, Slack, Email];
}

/// <summary>
/// A configured channel with its secret already decrypted (only ever in memory): the webhook's signing key, the
/// Slack-compatible webhook URL (it embeds a token), or the SMTP password.
/// </summary>
public sealed record ChannelSettings
{
    public long Id { get; init; }
    public string Kind { get; init; } = ChannelKinds.Webhook;
    public string Name { get; init; } = "";
    /// <summary>Webhook: the target URL. Slack: unused (the URL is the secret).</summary>
    public string? Url { get; init; }
    /// <summary>Webhook: HMAC signing key. Slack: the incoming-webhook URL. Email: the SMTP password (may be null).</summary>
    public string? Secret { get; init; }
    public string? SmtpHost { get; init; }
    public int SmtpPort { get; init; } = 587;
    public bool SmtpStartTls { get; init; } = true;
    public string? SmtpUser { get; init; }
    public string? EmailFrom { get; init; }
    /// <summary>Comma-separated recipients.</summary>
    public string? EmailTo { get; init; }
}

/// <summary>What one delivery attempt achieved. Retryable failures are tried again with backoff; the others are final.</summary>
public sealed record DeliveryResult(bool Ok, bool Retryable, string? Error, int? HttpStatus = null)
{
    public static DeliveryResult Sent(int? status = null) => new(true, false, null, status);

    public static DeliveryResult Retry(string error, int? status = null) => new(false, true, error, status);

    public static DeliveryResult Final(string error, int? status = null) => new(false, false, error, status);
}

/// <summary>Sends one alert through one kind of channel. Implementations never throw for delivery failures.</summary>
public interface IAlertChannel
{
    string Kind { get; }

    Task<DeliveryResult> SendAsync(ChannelSettings channel, AlertMessage message, CancellationToken ct);

    /// <summary>Why the settings cannot work (missing host, invalid URL…), or null.</summary>
    string? Validate(ChannelSettings channel);
}

using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using System.Text;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Alerts.Channels;

/// <summary>
/// Sends an alert as a plain-text email through the maintainer's SMTP server (System.Net.Mail: no extra package, and
/// STARTTLS plus AUTH is all a relay needs). <see cref="ChannelSettings.SmtpStartTls"/> is STARTTLS on 587/25, not
/// implicit TLS on 465, which SmtpClient does not speak.
/// </summary>
public sealed class EmailChannel : IAlertChannel
{
    public const string SubjectPrefix = "[TrustedPublishDashboard]";
    public const string IdempotencyHeader = "X-Idempotency-Key";

    public string Kind => ChannelKinds.Email;

    /// <summary>Every settings rule; each returns an error sentence naming the setting, or null.</summary>
    public static IReadOnlyList<(string Name, Func<ChannelSettings, string?> Check)> SettingsChecks { get; } =
    [
        (nameof(HostPresent), HostPresent),
        (nameof(HostNotForbidden), HostNotForbidden),
        (nameof(PortInRange), PortInRange),
        (nameof(FromValid), FromValid),
        (nameof(RecipientsValid), RecipientsValid),
    ];

    public string? Validate(ChannelSettings channel)
    {
        foreach (var (_, check) in SettingsChecks)
        {
            if (check(channel) is { } error) return error;
        }
        return null;
    }

    public static string? HostPresent(ChannelSettings channel) =>
        string.IsNullOrWhiteSpace(channel.SmtpHost) ? "SMTP host is missing: give your mail relay's host name, e.g. smtp.example.com." : null;

    /// <summary>The same address rules as webhooks. SmtpClient resolves the name itself, so this only catches literals and known names.</summary>
    public static string? HostNotForbidden(ChannelSettings channel)
    {
        var host = channel.SmtpHost!.Trim().Trim('[', ']').TrimEnd('.');
        if (WebhookUrlValidator.MetadataHostNames.Contains(host)) return $"SMTP host '{host}' is a cloud metadata service, not a mail relay.";
        return IPAddress.TryParse(host, out var address) && WebhookUrlValidator.ForbiddenReason(address) is { } reason
            ? $"SMTP host {address} is {reason}, not a mail relay." : null;
    }

    public static string? PortInRange(ChannelSettings channel) =>
        channel.SmtpPort is >= 1 and <= 65535 ? null : $"SMTP port {channel.SmtpPort} is out of range: use 587 (STARTTLS) or 25.";

    public static string? FromValid(ChannelSettings channel) =>
        MailAddress.TryCreate(channel.EmailFrom?.Trim(), out _) ? null : "From address is missing or invalid: e.g. alerts@example.com.";

    public static string? RecipientsValid(ChannelSettings channel)
    {
        var parts = SplitRecipients(channel.EmailTo);
        if (parts.Count == 0) return "No recipients: give at least one address in To (separate several with commas).";
        var invalid = parts.Where(p => !MailAddress.TryCreate(p, out _)).ToList();
        return invalid.Count == 0 ? null : $"Invalid recipient address{(invalid.Count == 1 ? "" : "es")}: {string.Join(", ", invalid)}.";
    }

    public static IReadOnlyList<string> SplitRecipients(string? to) =>
        (to ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string Subject(AlertMessage message) => message.IsDigest
        ? $"{SubjectPrefix} Daily digest {message.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
        : $"{SubjectPrefix} {message.Severity.Code().ToUpperInvariant()} {OneLine(message.Title)}";

    public static string Body(AlertMessage message)
    {
        var body = new StringBuilder();
        if (!message.IsDigest) body.Append(message.Title).Append("\n\n");
        body.Append(message.Text.ReplaceLineEndings("\n")).Append('\n');
        if (!string.IsNullOrWhiteSpace(message.DetailUrl)) body.Append('\n').Append("Details: ").Append(message.DetailUrl).Append('\n');
        if (message.Package is not null)
        {
            body.Append('\n').Append("Registry: ").Append(message.Registry).Append(", package: ").Append(message.Package);
            if (message.Version is not null) body.Append('@').Append(message.Version);
            body.Append('\n');
        }
        body.Append("\n-- \nSent by TrustedPublishDashboard. Severity: ").Append(message.Severity.Code()).Append('\n');
        return body.ToString();
    }

    public static MailMessage BuildMessage(ChannelSettings channel, AlertMessage message)
    {
        var mail = new MailMessage
        {
            From = new MailAddress(channel.EmailFrom!.Trim()),
            Subject = Subject(message),
            SubjectEncoding = Encoding.UTF8,
            Body = Body(message),
            BodyEncoding = Encoding.UTF8,
            IsBodyHtml = false,
        };
        foreach (var to in SplitRecipients(channel.EmailTo)) mail.To.Add(new MailAddress(to));
        mail.Headers.Add(IdempotencyHeader, OneLine(message.IdempotencyKey));
        return mail;
    }

    public async Task<DeliveryResult> SendAsync(ChannelSettings channel, AlertMessage message, CancellationToken ct)
    {
        if (Validate(channel) is { } problem) return DeliveryResult.Final(problem);

        using var mail = BuildMessage(channel, message);
        using var smtp = new SmtpClient(channel.SmtpHost!.Trim(), channel.SmtpPort)
        {
            EnableSsl = channel.SmtpStartTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            UseDefaultCredentials = false,
            Credentials = string.IsNullOrWhiteSpace(channel.SmtpUser) ? null : new NetworkCredential(channel.SmtpUser, channel.Secret ?? ""),
        };
        // SmtpClient.Timeout only applies to the synchronous Send; the async path is bounded by this token.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AlertHttp.RequestTimeout);
        try
        {
            await smtp.SendMailAsync(mail, timeout.Token);
            return DeliveryResult.Sent();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return DeliveryResult.Retry($"SMTP server {channel.SmtpHost}:{channel.SmtpPort} did not finish within {AlertHttp.RequestTimeout.TotalSeconds:0} s");
        }
        catch (SmtpException ex)
        {
            return Classify(ex, channel);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            return DeliveryResult.Retry($"could not reach SMTP server {channel.SmtpHost}:{channel.SmtpPort}: {ex.Message}");
        }
    }

    /// <summary>
    /// 4xx replies are the server asking to come back later (RFC 5321 §4.2.1), as are network failures; 5xx replies
    /// (authentication, rejected address, TLS required) will fail the same way again.
    /// </summary>
    public static DeliveryResult Classify(SmtpException ex, ChannelSettings channel)
    {
        var server = $"SMTP server {channel.SmtpHost}:{channel.SmtpPort}";
        var code = ex is SmtpFailedRecipientsException { InnerExceptions.Length: > 0 } many
            ? (many.InnerExceptions.Any(e => IsTransient(e.StatusCode)) ? SmtpStatusCode.MailboxBusy : many.InnerExceptions[0].StatusCode)
            : ex.StatusCode;
        var detail = Detail(ex);

        if (code == SmtpStatusCode.GeneralFailure)
        {
            if (HasInner<IOException>(ex) || HasInner<SocketException>(ex)) return DeliveryResult.Retry($"could not reach {server}: {detail}");
            // SmtpClient raises this before sending when EnableSsl is on and the server offers no STARTTLS.
            if (channel.SmtpStartTls && ex.Message.Contains("secure connection", StringComparison.OrdinalIgnoreCase))
            {
                return DeliveryResult.Final($"{server} does not offer STARTTLS ({detail}); use a server or port that supports it, or turn STARTTLS off only for a relay on this machine.");
            }
            return DeliveryResult.Final($"{server} failed: {detail}");
        }
        if (IsTransient(code)) return DeliveryResult.Retry($"{server} answered {(int)code} {code}: {detail}");
        return code switch
        {
            SmtpStatusCode.MustIssueStartTlsFirst => DeliveryResult.Final($"{server} requires STARTTLS: turn STARTTLS on for this channel ({detail})."),
            (SmtpStatusCode)535 => DeliveryResult.Final($"{server} refused the user name or password: check the SMTP user and password ({detail})."),
            _ => DeliveryResult.Final($"{server} answered {(int)code} {code}: {detail}"),
        };
    }

    private static bool IsTransient(SmtpStatusCode code) => (int)code is >= 400 and < 500;

    private static string Detail(Exception ex)
    {
        var messages = new List<string>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message)) messages.Add(e.Message);
        }
        return OneLine(string.Join(" — ", messages));
    }

    private static bool HasInner<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex.InnerException; e is not null; e = e.InnerException)
        {
            if (e is T) return true;
        }
        return false;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}

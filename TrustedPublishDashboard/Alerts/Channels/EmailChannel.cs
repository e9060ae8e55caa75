using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Alerts.Channels;

/// <summary>
/// Sends an alert as a plain-text email through the maintainer's SMTP server (System.Net.Mail: no extra package, and
/// STARTTLS plus AUTH is all a relay needs). <see cref="ChannelSettings.SmtpStartTls"/> is STARTTLS on 587/25, not
/// implicit TLS on 465, which SmtpClient does not speak.
/// <para>
/// The relay gets the same address guard as webhooks: the host rules at save time (<see cref="HostNotForbidden"/>), and
/// at send time the host is resolved with <paramref name="resolve"/> and every address vetted
/// (<see cref="AlertHttp.ResolveVettedAsync"/>). SmtpClient is then given the vetted IP literal, never the name, so it
/// cannot resolve again and land elsewhere (DNS rebinding); with STARTTLS the certificate is still checked against the
/// name (<see cref="SmtpCertificateCheck"/>, which also says what that costs: no SNI). Private-network and loopback
/// relays stay allowed, as for webhooks: the dashboard is self-hosted.
/// </para>
/// </summary>
/// <param name="resolve">DNS; tests map names to chosen addresses, as for the webhook guard.</param>
/// <param name="extraTrustedRoots">Roots a relay's certificate may chain to besides the platform's: tests trust their own CA; null in the app.</param>
public sealed class EmailChannel(AlertHttp.HostResolver resolve, X509Certificate2Collection? extraTrustedRoots = null) : IAlertChannel
{
    public const string SubjectPrefix = "[TrustedPublishDashboard]";
    public const string IdempotencyHeader = "X-Idempotency-Key";

    /// <summary>The role a host is refused for in <see cref="WebhookUrlValidator.HostChecks"/> sentences.</summary>
    private const string Role = "a mail relay";

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

    /// <summary>
    /// The webhook URL host rules, run on the SMTP host: metadata names, addresses in any form IPAddress reads (decimal,
    /// hex, octal, IPv4-mapped), and numeric-looking names that are no address. A name that merely resolves to a forbidden
    /// address is caught when sending, where it is resolved.
    /// </summary>
    public static string? HostNotForbidden(ChannelSettings channel) =>
        WebhookUrlValidator.CheckHost(WebhookUrlValidator.InspectHost(channel.SmtpHost), Role) is { } error ? "SMTP host: " + error : null;

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

        var host = channel.SmtpHost!.Trim();
        var server = Server(channel);
        // SmtpClient.Timeout only applies to the synchronous Send; the async path is bounded by this token.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(AlertHttp.RequestTimeout);
        IPAddress[] addresses;
        try
        {
            addresses = await AlertHttp.ResolveVettedAsync(host, resolve, timeout.Token);
        }
        catch (ForbiddenAddressException ex)
        {
            return DeliveryResult.Final("SMTP host: " + ex.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return DeliveryResult.Retry($"could not resolve {server} within {AlertHttp.RequestTimeout.TotalSeconds:0} s");
        }
        catch (SocketException ex)
        {
            return DeliveryResult.Retry($"could not resolve {server}: {ex.Message}");
        }

        using var mail = BuildMessage(channel, message);
        // Like TcpClient with a name, the next address is tried only when one cannot be connected to at all.
        for (var i = 0; ; i++)
        {
            var (result, unreachable) = await SendToAsync(channel, host, addresses[i], mail, ct, timeout.Token);
            if (!unreachable || i == addresses.Length - 1) return result;
        }
    }

    /// <summary>One attempt at one vetted address; <c>Unreachable</c> when the TCP connection itself failed (nothing was said).</summary>
    private async Task<(DeliveryResult Result, bool Unreachable)> SendToAsync(ChannelSettings channel, string host, IPAddress address,
        MailMessage mail, CancellationToken ct, CancellationToken attempt)
    {
        var expectedName = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? literal.ToString() : host.TrimEnd('.');
        var connectHost = address.ToString();
        using var smtp = new SmtpClient(connectHost, channel.SmtpPort)
        {
            EnableSsl = channel.SmtpStartTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            UseDefaultCredentials = false,
            Credentials = string.IsNullOrWhiteSpace(channel.SmtpUser) ? null : new NetworkCredential(channel.SmtpUser, channel.Secret ?? ""),
            // Kerberos/NTLM would otherwise ask for a ticket for SMTPSVC/<the IP>.
            TargetName = "SMTPSVC/" + expectedName,
        };
        using var tls = channel.SmtpStartTls ? SmtpCertificateCheck.Expect(expectedName, connectHost, extraTrustedRoots) : null;
        try
        {
            await smtp.SendMailAsync(mail, attempt);
            return (DeliveryResult.Sent(), false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return (DeliveryResult.Retry($"{Server(channel)} did not finish within {AlertHttp.RequestTimeout.TotalSeconds:0} s"), false);
        }
        catch (SmtpException) when (tls?.Problem is { } certificate)
        {
            return (DeliveryResult.Final(CertificateRefused(channel, address, certificate)), false);
        }
        catch (SmtpException ex)
        {
            return (Classify(ex, channel), IsConnectFailure(ex));
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            return (DeliveryResult.Retry($"could not reach {Server(channel)}: {ex.Message}"), IsConnectFailure(ex));
        }
    }

    /// <summary>The connection went to the vetted address, so a certificate for the name arrives without SNI; say so, since that is the usual cause.</summary>
    private static string CertificateRefused(ChannelSettings channel, IPAddress address, string problem) =>
        $"{Server(channel)} failed the STARTTLS certificate check: {problem}. The connection goes to the checked address {address} "
        + $"and the certificate is matched against '{channel.SmtpHost!.Trim()}'; no SNI is sent, so a relay that picks its certificate "
        + "by SNI shows its default one. Use the host name its certificate names.";

    private static string Server(ChannelSettings channel) => $"SMTP server {channel.SmtpHost?.Trim()}:{channel.SmtpPort}";

    /// <summary>Errors only a connect can raise: the address refused or cannot be reached (no SMTP was spoken, so trying the next one is safe).</summary>
    private static bool IsConnectFailure(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable
                or SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported or SocketError.TimedOut })
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// 4xx replies are the server asking to come back later (RFC 5321 §4.2.1), as are network failures; 5xx replies
    /// (authentication, rejected address, TLS required) will fail the same way again.
    /// </summary>
    public static DeliveryResult Classify(SmtpException ex, ChannelSettings channel)
    {
        var server = Server(channel);
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

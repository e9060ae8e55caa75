using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using TrustedPublishDashboard.Alerts.Channels;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>
/// Against real aiosmtpd servers on loopback: <paramref name="smtp"/> plain, <paramref name="tlsSmtp"/> requiring STARTTLS
/// with a certificate for smtp.test. Channels built with <see cref="AlertTestData.ResolveAsync"/> reach them by .test names.
/// </summary>
public sealed class EmailChannelTests(SmtpServerFixture smtp, StartTlsSmtpServerFixture tlsSmtp)
    : IClassFixture<SmtpServerFixture>, IClassFixture<StartTlsSmtpServerFixture>
{
    private readonly IAlertChannel _email = AlertTestData.RegisteredChannels()[ChannelKinds.Email];

    /// <summary>The channel with fake DNS, trusting the test CA only when asked.</summary>
    private EmailChannel FakeDnsChannel(bool trustTestCa = false) =>
        new(AlertTestData.ResolveAsync, trustTestCa ? tlsSmtp.Certificates.TrustedRoots : null);

    private ChannelSettings Email(bool startTls = false, int? port = null, string host = "127.0.0.1") => new()
    {
        Kind = ChannelKinds.Email,
        Name = "maintainers",
        SmtpHost = host,
        SmtpPort = port ?? smtp.Port,
        SmtpStartTls = startTls,
        EmailFrom = "alerts@dashboard.test",
        EmailTo = "ana@example.test; bo@example.test",
    };

    [Fact]
    public async Task SendAsync_PlainLocalServer_DeliversSubjectRecipientsBodyAndKey()
    {
        var message = AlertTestData.Message("alert-7-email-2");

        var result = await _email.SendAsync(Email(), message, CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        var mail = await smtp.WaitForMailAsync("alert-7-email-2");
        Assert.Equal("[TrustedPublishDashboard] HIGH Trusted publishing disabled for left-pad", mail.Header("Subject"));
        Assert.Equal("alert-7-email-2", mail.Header("X-Idempotency-Key"));
        Assert.Contains("alerts@dashboard.test", mail.Header("From"));
        Assert.Contains("ana@example.test", mail.Header("To"));
        Assert.Contains("bo@example.test", mail.Header("To"));
        Assert.Contains("ana@example.test", mail.Header("X-RcptTo")); // the envelope, as the server saw it
        Assert.Contains("bo@example.test", mail.Header("X-RcptTo"));
        Assert.Contains("npm now accepts tokens for left-pad.", mail.Body);
        Assert.Contains("Details: http://127.0.0.1:5000/packages/npm/left-pad", mail.Body);
    }

    [Fact]
    public async Task SendAsync_Digest_DailyDigestSubjectAndUtf8Body()
    {
        var message = AlertTestData.Message("digest-2025-03-04-email-2", digest: true, text: "3 changes — café-utils lost its trusted publisher");

        var result = await _email.SendAsync(Email(), message, CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        var mail = await smtp.WaitForMailAsync("digest-2025-03-04-email-2");
        Assert.Equal("[TrustedPublishDashboard] Daily digest 2025-03-04", mail.Header("Subject"));
        Assert.Contains("3 changes — café-utils lost its trusted publisher", mail.Body);
    }

    [Fact]
    public async Task SendAsync_TitleWithLineBreak_SubjectStaysOneLine()
    {
        var message = AlertTestData.Message("alert-8-email-2") with { Title = "first\r\nBcc: victim@example.test" };

        var result = await _email.SendAsync(Email(), message, CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        var mail = await smtp.WaitForMailAsync("alert-8-email-2");
        Assert.Equal("[TrustedPublishDashboard] HIGH first Bcc: victim@example.test", mail.Header("Subject"));
        Assert.Equal("", mail.Header("Bcc"));
        Assert.DoesNotContain("victim", mail.Header("X-RcptTo"));
    }

    [Fact]
    public async Task SendAsync_StartTlsAgainstPlainServer_ClearFailureNoException()
    {
        var result = await _email.SendAsync(Email(startTls: true), AlertTestData.Message("alert-9-email-2"), CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Contains("STARTTLS", result.Error);
        Assert.Equal(0, smtp.CountMails("alert-9-email-2"));
    }

    [Fact]
    public async Task SendAsync_NothingListening_Retryable()
    {
        var result = await _email.SendAsync(Email(port: AlertReceiver.ClosedPort()), AlertTestData.Message(), CancellationToken.None);

        Assert.False(result.Ok);
        Assert.True(result.Retryable, result.Error);
        Assert.Contains("could not reach SMTP server 127.0.0.1", result.Error);
    }

    [Fact]
    public async Task SendAsync_NameResolvesToLoopback_DeliveredToTheVettedAddress()
    {
        // relay.test exists only in the fake resolver: had SmtpClient been given the name, its own lookup would fail.
        var result = await FakeDnsChannel().SendAsync(Email(host: "relay.test"), AlertTestData.Message("alert-10-email-2"), CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        await smtp.WaitForMailAsync("alert-10-email-2");
    }

    [Fact]
    public async Task SendAsync_FirstVettedAddressRefuses_NextOneDelivers()
    {
        var result = await FakeDnsChannel().SendAsync(Email(host: "fallback.test"), AlertTestData.Message("alert-11-email-2"), CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        await smtp.WaitForMailAsync("alert-11-email-2");
    }

    [Theory]
    [InlineData("rebind.test", "169.254.169.254, a cloud metadata address")]
    [InlineData("mapped.test", "::ffff:169.254.169.254, a cloud metadata address")]
    [InlineData("mixed.test", "fe80::1, a link-local address")] // also resolves to loopback, where the listener waits
    public async Task SendAsync_NameResolvesToForbiddenAddress_FinalAndNeverConnects(string host, string expected)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var settings = Email(host: host, port: ((IPEndPoint)listener.LocalEndpoint).Port);
            Assert.Null(_email.Validate(settings)); // only the resolved address gives it away

            var result = await FakeDnsChannel().SendAsync(settings, AlertTestData.Message(), CancellationToken.None);

            Assert.False(result.Ok);
            Assert.False(result.Retryable);
            Assert.Equal($"SMTP host: refused to connect to {host}: it resolves to {expected}; alerts are never sent there", result.Error);
            // A connect would sit in the accept queue even if the client gave up at once.
            Assert.False(listener.Pending());
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task SendAsync_NameResolvesToNothing_RetryableResolveFailure()
    {
        var result = await FakeDnsChannel().SendAsync(Email(host: "unknown.test"), AlertTestData.Message(), CancellationToken.None);

        Assert.True(result.Retryable, result.Error);
        Assert.StartsWith($"could not resolve SMTP server unknown.test:{smtp.Port}", result.Error);
    }

    [Fact]
    public async Task SendAsync_StartTlsByName_CertificateCheckedAgainstTheNameAtTheVettedAddress()
    {
        // SmtpClient connects to 127.0.0.1 (smtp.test is fake DNS only), so SslStream alone would match the certificate
        // against the IP and refuse it; delivery proves it was matched against smtp.test instead.
        var settings = Email(startTls: true, port: tlsSmtp.Server.Port, host: TestCertificates.ServerName);

        var result = await FakeDnsChannel(trustTestCa: true).SendAsync(settings, AlertTestData.Message("alert-12-email-2"), CancellationToken.None);

        Assert.True(result.Ok, result.Error);
        await tlsSmtp.Server.WaitForMailAsync("alert-12-email-2");
    }

    [Fact]
    public async Task SendAsync_StartTlsCertificateForAnotherName_FinalNothingSent()
    {
        var settings = Email(startTls: true, port: tlsSmtp.Server.Port, host: "other.test");

        var result = await FakeDnsChannel(trustTestCa: true).SendAsync(settings, AlertTestData.Message("alert-13-email-2"), CancellationToken.None);

        Assert.False(result.Ok);
        Assert.False(result.Retryable);
        Assert.Contains("failed the STARTTLS certificate check: its certificate is not valid for other.test", result.Error);
        Assert.Contains("no SNI is sent", result.Error);
        Assert.Equal(0, tlsSmtp.Server.CountMails("alert-13-email-2"));
    }

    [Fact]
    public async Task SendAsync_StartTlsUntrustedCa_FinalNothingSent()
    {
        var settings = Email(startTls: true, port: tlsSmtp.Server.Port, host: TestCertificates.ServerName);

        var result = await FakeDnsChannel().SendAsync(settings, AlertTestData.Message("alert-14-email-2"), CancellationToken.None);

        Assert.False(result.Retryable);
        Assert.Contains("its certificate is not trusted", result.Error);
        Assert.Equal(0, tlsSmtp.Server.CountMails("alert-14-email-2"));
    }

    [Fact]
    public async Task SendAsync_StartTlsIpLiteralHost_CertificateMustNameTheIp()
    {
        // A typed IP is the expected name; the test certificate names only smtp.test, so it is refused.
        var settings = Email(startTls: true, port: tlsSmtp.Server.Port, host: "127.0.0.1");

        var result = await FakeDnsChannel(trustTestCa: true).SendAsync(settings, AlertTestData.Message("alert-15-email-2"), CancellationToken.None);

        Assert.Contains("its certificate is not valid for 127.0.0.1", result.Error);
        Assert.Equal(0, tlsSmtp.Server.CountMails("alert-15-email-2"));
    }

    [Theory]
    [InlineData(SmtpStatusCode.ServiceNotAvailable, true)]
    [InlineData(SmtpStatusCode.MailboxBusy, true)]
    [InlineData(SmtpStatusCode.LocalErrorInProcessing, true)]
    [InlineData(SmtpStatusCode.InsufficientStorage, true)]
    [InlineData(SmtpStatusCode.MailboxUnavailable, false)]
    [InlineData(SmtpStatusCode.MustIssueStartTlsFirst, false)]
    [InlineData((SmtpStatusCode)535, false)]
    [InlineData(SmtpStatusCode.TransactionFailed, false)]
    public void Classify_SmtpStatus_TransientOnlyFor4xx(SmtpStatusCode code, bool retryable)
    {
        var result = EmailChannel.Classify(new SmtpException(code, "server said no"), Email());
        Assert.False(result.Ok);
        Assert.Equal(retryable, result.Retryable);
    }

    [Fact]
    public void Classify_AuthenticationFailed_NamesTheSettings() =>
        Assert.Contains("check the SMTP user and password", EmailChannel.Classify(new SmtpException((SmtpStatusCode)535, "5.7.8 bad credentials"), Email()).Error);

    [Fact]
    public void Classify_SomeRecipientsBusy_Retryable()
    {
        var ex = new SmtpFailedRecipientsException("failed",
            [new SmtpFailedRecipientException(SmtpStatusCode.MailboxUnavailable, "a@x.test"), new SmtpFailedRecipientException(SmtpStatusCode.MailboxBusy, "b@x.test")]);
        Assert.True(EmailChannel.Classify(ex, Email()).Retryable);
    }

    [Theory]
    [InlineData(null, 587, "alerts@x.test", "a@x.test", "SMTP host is missing")]
    [InlineData("smtp.x.test", 0, "alerts@x.test", "a@x.test", "SMTP port 0")]
    [InlineData("smtp.x.test", 70000, "alerts@x.test", "a@x.test", "SMTP port 70000")]
    [InlineData("smtp.x.test", 587, null, "a@x.test", "From address")]
    [InlineData("smtp.x.test", 587, "not an address", "a@x.test", "From address")]
    [InlineData("smtp.x.test", 587, "alerts@x.test", null, "No recipients")]
    [InlineData("smtp.x.test", 587, "alerts@x.test", " , ;", "No recipients")]
    [InlineData("smtp.x.test", 587, "alerts@x.test", "a@x.test, nope", "Invalid recipient address: nope")]
    [InlineData("169.254.169.254", 587, "alerts@x.test", "a@x.test", "cloud metadata")]
    [InlineData("metadata.google.internal", 587, "alerts@x.test", "a@x.test", "cloud metadata")]
    public void Validate_BadSettings_NamesTheSetting(string? host, int port, string? from, string? to, string expected) =>
        Assert.Contains(expected, _email.Validate(new ChannelSettings
        {
            Kind = ChannelKinds.Email, SmtpHost = host, SmtpPort = port, EmailFrom = from, EmailTo = to,
        }));

    /// <summary>The webhook URL host rules, applied to the SMTP host at save time.</summary>
    [Theory]
    [InlineData("169.254.169.254", "SMTP host: The host 169.254.169.254 is a cloud metadata address, not a mail relay.")]
    [InlineData("2852039166", "SMTP host: The host 169.254.169.254 is a cloud metadata address, not a mail relay.")] // decimal
    [InlineData("0xA9FEA9FE", "SMTP host: The host 169.254.169.254 is a cloud metadata address, not a mail relay.")] // hex
    [InlineData("0251.0376.0251.0376", "SMTP host: The host 169.254.169.254 is a cloud metadata address, not a mail relay.")] // octal
    [InlineData("169.254.169.254.", "SMTP host: The host 169.254.169.254 is a cloud metadata address, not a mail relay.")]
    [InlineData("[::ffff:169.254.169.254]", "SMTP host: The host ::ffff:169.254.169.254 is a cloud metadata address, not a mail relay.")]
    [InlineData("100.100.100.200", "SMTP host: The host 100.100.100.200 is a cloud metadata address, not a mail relay.")]
    [InlineData("169.254.1.1", "SMTP host: The host 169.254.1.1 is a link-local address, not a mail relay.")]
    [InlineData("0.0.0.0", "SMTP host: The host 0.0.0.0 is an unspecified address, not a mail relay.")]
    [InlineData("metadata.google.internal", "SMTP host: 'metadata.google.internal' is a cloud metadata service, not a mail relay.")]
    [InlineData("METADATA.google.internal.", "SMTP host: 'METADATA.google.internal' is a cloud metadata service, not a mail relay.")]
    [InlineData("metadata", "SMTP host: 'metadata' is a cloud metadata service, not a mail relay.")]
    [InlineData("instance-data.ec2.internal", "SMTP host: 'instance-data.ec2.internal' is a cloud metadata service, not a mail relay.")]
    [InlineData("1.2.3.04000000", "SMTP host: The host '1.2.3.04000000' looks like an encoded IP address: use a host name or a plain dotted address.")]
    public void Validate_ForbiddenSmtpHost_Refused(string host, string expected) => Assert.Equal(expected, _email.Validate(Email(host: host)));

    /// <summary>Self-hosted relays live on this machine or a private network, as webhook receivers may.</summary>
    [Theory]
    [InlineData("smtp.example.com")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("10.0.0.25")]
    [InlineData("192.168.1.2")]
    [InlineData("fd12:3456::25")]
    public void Validate_AllowedSmtpHost_Null(string host) => Assert.Null(_email.Validate(Email(host: host)));

    [Fact]
    public void Validate_CompleteSettings_Null() => Assert.Null(_email.Validate(Email()));

    [Fact]
    public void SplitRecipients_CommaAndSemicolon_Trimmed() =>
        Assert.Equal(["a@x.test", "b@x.test", "c@x.test"], EmailChannel.SplitRecipients(" a@x.test, b@x.test;c@x.test ;"));
}

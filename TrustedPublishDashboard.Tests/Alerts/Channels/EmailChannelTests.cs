using System.Net.Mail;
using TrustedPublishDashboard.Alerts.Channels;

namespace TrustedPublishDashboard.Tests.Alerts;

public sealed class EmailChannelTests(SmtpServerFixture smtp) : IClassFixture<SmtpServerFixture>
{
    private readonly IAlertChannel _email = AlertTestData.RegisteredChannels()[ChannelKinds.Email];

    private ChannelSettings Email(bool startTls = false, int? port = null) => new()
    {
        Kind = ChannelKinds.Email,
        Name = "maintainers",
        SmtpHost = "127.0.0.1",
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

    [Fact]
    public void Validate_CompleteSettings_Null() => Assert.Null(_email.Validate(Email()));

    [Fact]
    public void SplitRecipients_CommaAndSemicolon_Trimmed() =>
        Assert.Equal(["a@x.test", "b@x.test", "c@x.test"], EmailChannel.SplitRecipients(" a@x.test, b@x.test;c@x.test ;"));
}

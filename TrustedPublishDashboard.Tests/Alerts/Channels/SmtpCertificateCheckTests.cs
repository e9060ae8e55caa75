using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using TrustedPublishDashboard.Alerts.Channels;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>
/// The name check applied to a relay's certificate when SmtpClient connects to the vetted IP. <c>errors</c> plays the
/// platform's verdict, which always includes a name mismatch here because SslStream compared against the IP.
/// </summary>
public sealed class SmtpCertificateCheckTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private const SslPolicyErrors IpMismatch = SslPolicyErrors.RemoteCertificateNameMismatch;

    [Theory]
    [InlineData(TestCertificates.ServerName, SslPolicyErrors.None, null)]
    [InlineData(TestCertificates.ServerName, IpMismatch, null)]
    [InlineData("SMTP.TEST", IpMismatch, null)]
    [InlineData("a.wild.test", IpMismatch, null)]
    [InlineData("a.b.wild.test", IpMismatch, "its certificate is not valid for a.b.wild.test")] // a wildcard covers one label
    [InlineData("other.test", IpMismatch, "its certificate is not valid for other.test")]
    [InlineData("127.0.0.1", IpMismatch, "its certificate is not valid for 127.0.0.1")]
    [InlineData(TestCertificates.ServerName, SslPolicyErrors.RemoteCertificateChainErrors | IpMismatch, "its certificate is not trusted (chain errors)")]
    public void Problem_Table_MatchesExpectation(string expectedHost, SslPolicyErrors errors, string? problem) =>
        Assert.Equal(problem, SmtpCertificateCheck.Problem(expectedHost, certificates.Server, null, errors));

    [Fact]
    public void Problem_ChainErrorsButIssuedByExtraRoot_Accepted() =>
        Assert.Null(SmtpCertificateCheck.Problem(TestCertificates.ServerName, certificates.Server, null,
            SslPolicyErrors.RemoteCertificateChainErrors | IpMismatch, certificates.TrustedRoots));

    [Fact]
    public void Problem_ChainErrorsAndAnotherExtraRoot_NotTrusted()
    {
        using var otherCa = new TestCertificates();
        Assert.StartsWith("its certificate is not trusted", SmtpCertificateCheck.Problem(TestCertificates.ServerName, certificates.Server, null,
            SslPolicyErrors.RemoteCertificateChainErrors | IpMismatch, otherCa.TrustedRoots));
    }

    [Fact]
    public void Problem_NoCertificate_Refused() =>
        Assert.Equal("the server presented no certificate",
            SmtpCertificateCheck.Problem(TestCertificates.ServerName, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));

    /// <summary>The process-wide callback changes nothing for TLS outside an email send's scope, or for another stream inside one.</summary>
    [Theory]
    [InlineData(SslPolicyErrors.None, true)]
    [InlineData(IpMismatch, false)]
    [InlineData(SslPolicyErrors.RemoteCertificateChainErrors, false)]
    public void InstalledCallback_OtherConnections_DefaultVerdict(SslPolicyErrors errors, bool accepted)
    {
        using (SmtpCertificateCheck.Expect(TestCertificates.ServerName, "127.0.0.1", certificates.TrustedRoots))
        {
            // Inside a scope, but the sender is not an SslStream aimed at the scope's address.
            Assert.Equal(accepted, Callback()(new object(), certificates.Server, null, errors));
        }
        Assert.Equal(accepted, Callback()(new object(), certificates.Server, null, errors));
    }

#pragma warning disable SYSLIB0014 // the callback SmtpClient uses is only reachable through ServicePointManager
    private static RemoteCertificateValidationCallback Callback() =>
        ServicePointManager.ServerCertificateValidationCallback ?? throw new InvalidOperationException("not installed");
#pragma warning restore SYSLIB0014
}

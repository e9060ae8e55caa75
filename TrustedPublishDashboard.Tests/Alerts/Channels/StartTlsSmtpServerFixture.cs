using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>
/// Certificates made for one test run: a CA no machine trusts and a server certificate it issued for
/// <see cref="ServerName"/> (plus *.wild.test), so TLS tests never touch the system trust store.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string ServerName = "smtp.test";
    public const string WildcardName = "*.wild.test";

    public TestCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=TrustedPublishDashboard test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        Ca = caRequest.CreateSelfSigned(now.AddHours(-1), now.AddDays(1));

        ServerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={ServerName}", ServerKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(ServerName);
        names.AddDnsName(WildcardName);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        Server = serverRequest.Create(Ca, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
    }

    public X509Certificate2 Ca { get; }

    /// <summary>The server certificate (public part; the key is <see cref="ServerKey"/>).</summary>
    public X509Certificate2 Server { get; }

    public ECDsa ServerKey { get; }

    public X509Certificate2Collection TrustedRoots => [Ca];

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        ServerKey.Dispose();
    }
}

/// <summary>
/// aiosmtpd on loopback that requires STARTTLS and presents a <see cref="TestCertificates"/> certificate for
/// <see cref="TestCertificates.ServerName"/>: a name only the tests' fake resolver knows, reachable only by IP.
/// </summary>
public sealed class StartTlsSmtpServerFixture : IAsyncLifetime
{
    private readonly string _certificateDir = Path.Combine(Path.GetTempPath(), "tpd-smtp-tls-" + Guid.NewGuid().ToString("N"));
    private SmtpServerFixture? _server;

    public TestCertificates Certificates { get; } = new();

    public SmtpServerFixture Server => _server ?? throw new InvalidOperationException("the STARTTLS server is not started");

    public IPAddress Address => IPAddress.Loopback;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_certificateDir);
        var certificate = Path.Combine(_certificateDir, "server.crt");
        var key = Path.Combine(_certificateDir, "server.key");
        await File.WriteAllTextAsync(certificate, Certificates.Server.ExportCertificatePem());
        await File.WriteAllTextAsync(key, Certificates.ServerKey.ExportPkcs8PrivateKeyPem());
        _server = new SmtpServerFixture(["--tlscert", certificate, "--tlskey", key]);
        await _server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        Certificates.Dispose();
        Directory.Delete(_certificateDir, recursive: true);
    }
}

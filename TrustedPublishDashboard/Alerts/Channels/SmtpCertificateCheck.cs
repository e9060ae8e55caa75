using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace TrustedPublishDashboard.Alerts.Channels;

/// <summary>
/// Checks an SMTP relay's STARTTLS certificate against the host name the maintainer typed while the TCP connection goes
/// to the address the connect guard vetted.
/// <para>
/// Why this exists: System.Net.Mail's SmtpClient uses its one <c>Host</c> both to connect (resolving a name itself, after
/// our check, so DNS could answer differently the second time) and as the TLS target name. <see cref="EmailChannel"/>
/// therefore gives it the vetted IP literal, and SslStream would check the certificate against that IP — which no real
/// relay's certificate names. SmtpClient's only certificate hook is the process-wide
/// <c>ServicePointManager.ServerCertificateValidationCallback</c> (it builds its SslStream with that callback), so this
/// installs one callback, once. It applies the name check only inside a send that opened a <see cref="Scope"/> (an
/// AsyncLocal, so concurrent sends do not see each other's) and only to the SslStream aimed at that send's vetted
/// address; anything else gets exactly the default decision (or the callback that was installed before ours).
/// </para>
/// <para>
/// What is checked: the chain as the platform validated it (plus <see cref="Scope.ExtraTrustedRoots"/>, which only tests
/// set), and <see cref="X509Certificate2.MatchesHostname"/> against the typed name instead of the IP. What is lost: SNI.
/// TLS never sends an IP address as the server name, so a relay that chooses its certificate by SNI presents its default
/// one; the check then fails closed and the result says why. If another component later replaces the process-wide
/// callback, SslStream falls back to checking the IP, which also fails closed.
/// </para>
/// </summary>
public static class SmtpCertificateCheck
{
    private static readonly AsyncLocal<Scope?> Current = new();
    private static readonly Lock InstallLock = new();
    private static bool _installed;

    /// <summary>One send's expectation: the certificate must be valid for <see cref="ExpectedHost"/>.</summary>
    public sealed class Scope : IDisposable
    {
        private readonly Scope? _outer;

        internal Scope(string expectedHost, string connectHost, X509Certificate2Collection? extraTrustedRoots, Scope? outer)
        {
            ExpectedHost = expectedHost;
            ConnectHost = connectHost;
            ExtraTrustedRoots = extraTrustedRoots;
            _outer = outer;
        }

        /// <summary>The name the maintainer typed; the certificate must be valid for it.</summary>
        public string ExpectedHost { get; }

        /// <summary>The vetted IP literal SmtpClient was given as Host, i.e. the TLS target name its SslStream carries.</summary>
        public string ConnectHost { get; }

        /// <summary>Roots trusted in addition to the platform's; null in the app (tests trust their own CA this way).</summary>
        public X509Certificate2Collection? ExtraTrustedRoots { get; }

        /// <summary>Why the certificate was refused, once the callback refused it.</summary>
        public string? Problem { get; internal set; }

        public void Dispose() => Current.Value = _outer;
    }

    /// <summary>
    /// Until disposed, a TLS handshake in this async flow towards <paramref name="connectHost"/> accepts the certificate
    /// only if it chains to a trusted root and is valid for <paramref name="expectedHost"/>.
    /// </summary>
    public static Scope Expect(string expectedHost, string connectHost, X509Certificate2Collection? extraTrustedRoots = null)
    {
        EnsureInstalled();
        var scope = new Scope(expectedHost, connectHost, extraTrustedRoots, Current.Value);
        Current.Value = scope;
        return scope;
    }

    /// <summary>
    /// Why a certificate is not acceptable for <paramref name="expectedHost"/>, or null. <paramref name="errors"/> is the
    /// platform's verdict; its name mismatch is ignored because it was computed for the IP, and the name is checked here.
    /// </summary>
    public static string? Problem(string expectedHost, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors,
        X509Certificate2Collection? extraTrustedRoots = null)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return "the server presented no certificate";
        using var owned = certificate as X509Certificate2 is null ? new X509Certificate2(certificate) : null;
        var certificate2 = owned ?? (X509Certificate2)certificate;
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors) && !ChainsToExtraRoot(certificate2, chain, extraTrustedRoots))
        {
            var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
            return $"its certificate is not trusted ({(statuses.Count == 0 ? "chain errors" : string.Join(", ", statuses))})";
        }
        bool matches;
        try
        {
            matches = certificate2.MatchesHostname(expectedHost);
        }
        catch (ArgumentException)
        {
            matches = false;
        }
        return matches ? null : $"its certificate is not valid for {expectedHost}";
    }

    private static bool ChainsToExtraRoot(X509Certificate2 certificate, X509Chain? platformChain, X509Certificate2Collection? roots)
    {
        if (roots is not { Count: > 0 }) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Intermediates the server sent: SslStream puts them in the platform chain's extra store.
        if (platformChain is not null) chain.ChainPolicy.ExtraStore.AddRange(platformChain.ChainPolicy.ExtraStore);
        return chain.Build(certificate);
    }

    private static void EnsureInstalled()
    {
        lock (InstallLock)
        {
            if (_installed) return;
#pragma warning disable SYSLIB0014 // obsolete for HTTP, but still the callback SmtpClient hands to its SslStream
            var previous = ServicePointManager.ServerCertificateValidationCallback;
            ServicePointManager.ServerCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                if (Current.Value is { } scope && sender is SslStream { TargetHostName: var target } && target == scope.ConnectHost)
                {
                    scope.Problem = Problem(scope.ExpectedHost, certificate, chain, errors, scope.ExtraTrustedRoots);
                    return scope.Problem is null;
                }
                return previous?.Invoke(sender, certificate, chain, errors) ?? errors == SslPolicyErrors.None;
            };
#pragma warning restore SYSLIB0014
            _installed = true;
        }
    }
}

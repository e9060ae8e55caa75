using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.RubyGems;

/// <summary>
/// Reads <c>/api/v1/attestations/&lt;gem&gt;-&lt;version&gt;[-&lt;platform&gt;].json</c>: an array of Sigstore bundles whose
/// Fulcio leaf certificate names the GitHub workflow that built the gem (shared/REGISTRY-FACTS.md, RubyGems).
/// <c>[]</c> is "no attestation", never a token signal. Bundles that cannot be decoded are an error, never a method.
/// The certificate is read, not verified: the registry verified the bundle when it accepted the push.
/// </summary>
public static class RubyGemsAttestationParser
{
    /// <summary>A bundle is a few KB (certificate, transparency-log entry, DSSE envelope); a handful per gem.</summary>
    public const long MaxBytes = 4L * 1024 * 1024;

    /// <summary>Bundles looked at per document; RubyGems stores one per push.</summary>
    public const int MaxBundles = 16;

    public const string GitHubIssuer = "https://token.actions.githubusercontent.com";

    /// <summary>Fulcio's certificate extensions (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md).</summary>
    public static class Oids
    {
        private const string Prefix = "1.3.6.1.4.1.57264.1.";
        public const string SubjectAltName = "2.5.29.17";

        // Deprecated: the value is the raw string, not DER.
        public const string IssuerV1 = Prefix + "1";
        public const string TriggerV1 = Prefix + "2";
        public const string ShaV1 = Prefix + "3";
        public const string RepositoryV1 = Prefix + "5";
        public const string RefV1 = Prefix + "6";

        // Current: the value is a DER UTF8String.
        public const string Issuer = Prefix + "8";
        public const string BuildSignerUri = Prefix + "9";
        public const string RunnerEnvironment = Prefix + "11";
        public const string SourceRepositoryUri = Prefix + "12";
        public const string SourceRepositoryDigest = Prefix + "13";
        public const string SourceRepositoryRef = Prefix + "14";
        public const string BuildConfigUri = Prefix + "18";
        public const string BuildTrigger = Prefix + "20";
        public const string RunInvocationUri = Prefix + "21";
    }

    public static RubyGemsAttestationReading Parse(ReadOnlyMemory<byte> body)
    {
        using var document = RubyGemsJson.TryParse(body, MaxBytes, "attestations response", out var error);
        if (document is null) return RubyGemsAttestationReading.Failed(error!);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            return RubyGemsAttestationReading.Failed("the attestations response is not a JSON array of Sigstore bundles");
        if (document.RootElement.GetArrayLength() == 0) return RubyGemsAttestationReading.None;

        PublisherIdentity? first = null;
        var index = 0;
        foreach (var bundle in document.RootElement.EnumerateArray().Take(MaxBundles))
        {
            index++;
            if (LeafCertificate(bundle) is not { } rawBytes)
                return Attested($"Sigstore bundle {index} carries no certificate (verificationMaterial.certificate.rawBytes)");
            byte[] der;
            try
            {
                der = Convert.FromBase64String(rawBytes);
            }
            catch (FormatException)
            {
                return Attested($"Sigstore bundle {index}'s certificate is not valid base64");
            }
            var (identity, certError) = ReadCertificate(der);
            if (certError is not null) return Attested($"Sigstore bundle {index}'s certificate {certError}");
            first ??= identity;
        }
        return new(true, first, null);
    }

    private static RubyGemsAttestationReading Attested(string error) => new(true, null, error);

    /// <summary>v0.3: <c>verificationMaterial.certificate</c>; v0.1/v0.2: the first of <c>x509CertificateChain.certificates</c>.</summary>
    private static string? LeafCertificate(JsonElement bundle)
    {
        var material = RegistryJson.Get(bundle, "verificationMaterial");
        if (RegistryJson.Get(material, "certificate") is { ValueKind: JsonValueKind.Object } cert) return RegistryJson.Str(cert, "rawBytes");
        if (RegistryJson.Get(material, "x509CertificateChain", "certificates") is { ValueKind: JsonValueKind.Array } chain && chain.GetArrayLength() > 0)
            return RegistryJson.Str(chain[0], "rawBytes");
        return null;
    }

    /// <summary>The workflow identity of a DER Fulcio certificate, or what is wrong with it ("does not parse …").</summary>
    public static (PublisherIdentity? Identity, string? Error) ReadCertificate(byte[] der)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException ex)
        {
            return (null, "does not parse as an X.509 certificate: " + ex.Message);
        }
        using (certificate)
        {
            try
            {
                return ReadIdentity(certificate);
            }
            catch (Exception ex) when (ex is AsnContentException or CryptographicException)
            {
                return (null, "has an extension that does not decode: " + ex.Message);
            }
        }
    }

    private static (PublisherIdentity?, string?) ReadIdentity(X509Certificate2 certificate)
    {
        var extensions = certificate.Extensions.Cast<X509Extension>().Where(e => e.Oid?.Value is not null)
            .GroupBy(e => e.Oid!.Value!).ToDictionary(g => g.Key, g => g.First().RawData, StringComparer.Ordinal);

        string? Der(string oid) => extensions.TryGetValue(oid, out var raw) ? Utf8String(raw) : null;
        string? Raw(string oid) => extensions.TryGetValue(oid, out var raw) ? RawString(raw) : null;

        var san = extensions.TryGetValue(Oids.SubjectAltName, out var sanRaw) ? SanUris(sanRaw).FirstOrDefault() : null;
        var signer = WorkflowUri.Parse(san);
        var config = WorkflowUri.Parse(Der(Oids.BuildConfigUri));
        var repository = RepositoryOf(Der(Oids.SourceRepositoryUri)) ?? Raw(Oids.RepositoryV1) ?? config?.Repository ?? signer?.Repository;
        if (repository is null && signer is null)
            return (null, "names no workflow (no GitHub workflow URI in its subject alternative name and no source repository extension)");

        var issuer = Der(Oids.Issuer) ?? Raw(Oids.IssuerV1);
        return (new PublisherIdentity(
            Provider: ProviderOf(issuer, san),
            Repository: repository,
            // The top-level workflow, like npm's provenance path and the trusted publisher's workflow_filename; the SAN
            // names a reusable workflow instead when one did the build.
            Workflow: config?.Path ?? signer?.Path,
            Ref: Der(Oids.SourceRepositoryRef) ?? Raw(Oids.RefV1) ?? config?.Ref ?? signer?.Ref,
            Trigger: Der(Oids.BuildTrigger) ?? Raw(Oids.TriggerV1),
            Commit: Der(Oids.SourceRepositoryDigest) ?? Raw(Oids.ShaV1),
            Runner: Der(Oids.RunnerEnvironment),
            Invocation: Der(Oids.RunInvocationUri)), null);
    }

    private static string ProviderOf(string? issuer, string? san) => issuer switch
    {
        GitHubIssuer => "github",
        not null when issuer.Contains("gitlab", StringComparison.OrdinalIgnoreCase) => "gitlab",
        "https://accounts.google.com" => "google",
        null when san?.StartsWith("https://github.com/", StringComparison.Ordinal) == true => "github",
        _ => "unknown",
    };

    /// <summary>"https://github.com/o/r" → "o/r".</summary>
    private static string? RepositoryOf(string? url)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        var path = uri.AbsolutePath.Trim('/');
        return path.Split('/').Length == 2 ? path : null;
    }

    private static string Utf8String(byte[] raw)
    {
        var reader = new AsnReader(raw, AsnEncodingRules.DER);
        var value = reader.ReadCharacterString(UniversalTagNumber.UTF8String);
        reader.ThrowIfNotEmpty();
        return value;
    }

    /// <summary>The deprecated extensions hold the bare string; one that is not UTF-8 is left out (they are only fallbacks).</summary>
    private static string? RawString(byte[] raw)
    {
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(raw);
            return text.Length > 0 ? text : null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The uniformResourceIdentifier ([6] IA5String) entries of a SubjectAltName's GeneralNames.</summary>
    private static List<string> SanUris(byte[] raw)
    {
        var uris = new List<string>();
        var outer = new AsnReader(raw, AsnEncodingRules.DER);
        var names = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
        while (names.HasData)
        {
            if (names.PeekTag().HasSameClassAndValue(uriTag)) uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
            else names.ReadEncodedValue();
        }
        return uris;
    }

    /// <summary><c>https://github.com/&lt;owner&gt;/&lt;repo&gt;/&lt;path&gt;@&lt;ref&gt;</c>, as in the SAN and the build config URI.</summary>
    private sealed record WorkflowUri(string Repository, string Path, string? Ref)
    {
        private const string GitHub = "https://github.com/";

        public static WorkflowUri? Parse(string? uri)
        {
            if (uri is null || !uri.StartsWith(GitHub, StringComparison.Ordinal)) return null;
            var rest = uri[GitHub.Length..];
            var at = rest.IndexOf('@');
            var reference = at >= 0 ? rest[(at + 1)..] : null;
            var parts = (at >= 0 ? rest[..at] : rest).Split('/', 3);
            if (parts.Length < 3 || parts.Any(p => p.Length == 0)) return null;
            return new WorkflowUri($"{parts[0]}/{parts[1]}", parts[2], reference is { Length: > 0 } ? reference : null);
        }
    }
}

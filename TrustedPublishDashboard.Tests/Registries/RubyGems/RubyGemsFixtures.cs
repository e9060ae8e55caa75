using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace TrustedPublishDashboard.Tests.Registries.RubyGems;

/// <summary>
/// A GitHub Actions build as a Fulcio leaf certificate would describe it (extension OIDs per shared/REGISTRY-FACTS.md).
/// <see cref="CallerWorkflow"/>: the top-level workflow when <see cref="Workflow"/> is a reusable one.
/// <see cref="DeprecatedOnly"/>: only the old raw-string extensions (.1–.6) beside the SAN.
/// </summary>
public sealed record FulcioBuild(
    string Repository = "acme/widgets",
    string Workflow = ".github/workflows/release.yml",
    string Ref = "refs/tags/v1.0.0",
    string Trigger = "push",
    string Commit = "0123456789abcdef0123456789abcdef01234567",
    string? CallerWorkflow = null,
    bool DeprecatedOnly = false)
{
    public const string Issuer = "https://token.actions.githubusercontent.com";
    private const string Fulcio = "1.3.6.1.4.1.57264.1.";

    public string SanUri => $"https://github.com/{Repository}/{Workflow}@{Ref}";

    public string RunUri => $"https://github.com/{Repository}/actions/runs/42/attempts/1";

    /// <summary>A real, self-signed X.509 certificate carrying the build's identity (DER).</summary>
    public byte[] Certificate(IEnumerable<X509Extension>? extra = null, bool withSan = true, bool withFulcioExtensions = true)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sigstore-fixture", key, HashAlgorithmName.SHA256);
        if (withSan) request.CertificateExtensions.Add(new X509Extension("2.5.29.17", SanWithUri(SanUri), critical: true));
        if (withFulcioExtensions)
        {
            if (DeprecatedOnly)
            {
                AddRaw(request, "1", Issuer);
                AddRaw(request, "2", Trigger);
                AddRaw(request, "3", Commit);
                AddRaw(request, "5", Repository);
                AddRaw(request, "6", Ref);
            }
            else
            {
                AddUtf8(request, "8", Issuer);
                AddUtf8(request, "9", SanUri);
                AddUtf8(request, "11", "github-hosted");
                AddUtf8(request, "12", $"https://github.com/{Repository}");
                AddUtf8(request, "13", Commit);
                AddUtf8(request, "14", Ref);
                AddUtf8(request, "18", $"https://github.com/{Repository}/{CallerWorkflow ?? Workflow}@{Ref}");
                AddUtf8(request, "20", Trigger);
                AddUtf8(request, "21", RunUri);
            }
        }
        foreach (var extension in extra ?? []) request.CertificateExtensions.Add(extension);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-1), now.AddMinutes(10));
        return certificate.RawData;
    }

    public static byte[] Utf8Der(string value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
        return writer.Encode();
    }

    /// <summary>GeneralNames with one uniformResourceIdentifier ([6] IA5String), written by hand so the URI stays byte-exact.</summary>
    public static byte[] SanWithUri(string uri)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteCharacterString(UniversalTagNumber.IA5String, "fixture.example", new Asn1Tag(TagClass.ContextSpecific, 2));
            writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, new Asn1Tag(TagClass.ContextSpecific, 6));
        }
        return writer.Encode();
    }

    private static void AddUtf8(CertificateRequest request, string arc, string value) =>
        request.CertificateExtensions.Add(new X509Extension(Fulcio + arc, Utf8Der(value), critical: false));

    private static void AddRaw(CertificateRequest request, string arc, string value) =>
        request.CertificateExtensions.Add(new X509Extension(Fulcio + arc, Encoding.UTF8.GetBytes(value), critical: false));
}

/// <summary>RubyGems documents built from their documented shapes.</summary>
public static class RubyGemsDocs
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A Sigstore bundle v0.3 (<c>verificationMaterial.certificate.rawBytes</c>), or v0.2 with a certificate chain.</summary>
    public static JsonObject Bundle(string? rawBytes, bool chain = false)
    {
        JsonObject material = rawBytes is null ? new JsonObject { ["publicKey"] = new JsonObject { ["hint"] = "key-1" } }
            : chain ? new JsonObject
            {
                ["x509CertificateChain"] = new JsonObject { ["certificates"] = new JsonArray(new JsonObject { ["rawBytes"] = rawBytes }) },
            }
            : new JsonObject { ["certificate"] = new JsonObject { ["rawBytes"] = rawBytes } };
        material["tlogEntries"] = new JsonArray(new JsonObject { ["logIndex"] = "123", ["kindVersion"] = new JsonObject { ["kind"] = "dsse", ["version"] = "0.0.1" } });
        return new JsonObject
        {
            ["mediaType"] = chain ? "application/vnd.dev.sigstore.bundle+json;version=0.2" : "application/vnd.dev.sigstore.bundle.v0.3+json",
            ["verificationMaterial"] = material,
            ["dsseEnvelope"] = new JsonObject { ["payload"] = "e30=", ["payloadType"] = "application/vnd.in-toto+json", ["signatures"] = new JsonArray() },
            ["futureKey"] = 1,
        };
    }

    public static byte[] Attestations(params JsonObject[] bundles) => Encoding.UTF8.GetBytes(new JsonArray(bundles).ToJsonString());

    public static byte[] Attested(FulcioBuild build, bool chain = false) => Attestations(Bundle(Convert.ToBase64String(build.Certificate()), chain));

    public static JsonObject Version(string number, int day, string platform = "ruby", JsonNode? mfa = null, bool prerelease = false)
    {
        var entry = new JsonObject
        {
            ["authors"] = "A. Uthor",
            ["built_at"] = T0.AddDays(day).ToString("O"),
            ["created_at"] = T0.AddDays(day).AddHours(1).ToString("O"),
            ["number"] = number,
            ["platform"] = platform,
            ["prerelease"] = prerelease,
            ["sha"] = new string('a', 64),
            ["metadata"] = new JsonObject { ["changelog_uri"] = "https://example.test/changes" },
        };
        if (mfa is not null) entry["metadata"]!["rubygems_mfa_required"] = mfa;
        return entry;
    }

    public static byte[] Versions(params JsonNode[] entries) => Encoding.UTF8.GetBytes(new JsonArray(entries).ToJsonString());

    /// <summary>A version page: the "Pushed by" block (or none), between other sections.</summary>
    public static string Page(string? pushedBy) =>
        "<!DOCTYPE html><html><head><title>widgets | RubyGems.org</title></head><body><main>" +
        "<div class=\"gem__aside\"><h2 class=\"gem__versions__title\">Versions:</h2><ul><li><a href=\"/gems/widgets/versions/1.0.0\">1.0.0</a></li></ul>" +
        "<h3 class=\"t-list__heading\">Owners:</h3><div class=\"gem__owners\"><a alt=\"carol\" title=\"carol\" href=\"/profiles/carol\"><img src=\"/avatar/carol.png\" /></a></div>" +
        (pushedBy is null ? "" : "<h3 class=\"t-list__heading\">Pushed by:</h3>\n<div class=\"gem__users\">" + pushedBy + "</div>") +
        "<h3 class=\"t-list__heading\">SHA 256 checksum:</h3><div class=\"gem__sha\">" + new string('a', 64) + "</div>" +
        "</div></main></body></html>";

    public static string Profile(string handle) =>
        $"<a alt=\"{handle}\" title=\"{handle}\" href=\"/profiles/{handle}\"><img width=\"48\" height=\"48\" class=\"profile__avatar\" src=\"/avatar/{handle}.png\" /></a>";

    public static string TrustedPublisher(string title) =>
        $"<img width=\"48\" height=\"48\" class=\"profile__avatar\" alt=\"GitHub\" title=\"{title}\" src=\"/images/github-icon.svg\" />";
}

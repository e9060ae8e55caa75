using System.Text.Json;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.PyPI;

/// <summary>A PEP 740 bundle's publisher as PyPI reports it (empty strings already read as null).</summary>
/// <param name="Kind">"GitHub", "GitLab", "Google", or another provider's name as the registry spells it.</param>
/// <param name="Workflow">GitHub's <c>workflow</c> (the file name) or GitLab's <c>workflow_filepath</c>.</param>
/// <param name="Email">Google's service account.</param>
public sealed record PyPIPublisher(string Kind, string? Repository, string? Workflow, string? Email, string? Environment)
{
    /// <summary>The provider code the rules compare: "github", "gitlab", "google", else the kind lower-cased.</summary>
    public string Provider => Kind.ToLowerInvariant();

    /// <summary>
    /// The registry-neutral identity. Google's publisher has no repository: its service account is the identity that
    /// would change if someone else's credential published, so it goes where drift compares a trust configuration.
    /// </summary>
    public PublisherIdentity ToIdentity() => new(Provider, Repository, Workflow, Environment: Environment, ConfigId: Email);
}

public enum PyPIProvenanceStatus
{
    /// <summary>A provenance document with at least one attestation bundle: uploaded by a trusted publisher.</summary>
    Present,

    /// <summary>PyPI says the file has no provenance (404 "No provenance available").</summary>
    None,

    /// <summary>The document could not be read; the file's method is unknown and the reason is kept.</summary>
    Error,
}

/// <summary>What one file's provenance document says.</summary>
/// <param name="Publishers">Each distinct publisher of the document's bundles (normally one).</param>
public sealed record PyPIProvenanceReading(PyPIProvenanceStatus Status, IReadOnlyList<PyPIPublisher> Publishers, string? Error)
{
    public static PyPIProvenanceReading None { get; } = new(PyPIProvenanceStatus.None, [], null);

    public static PyPIProvenanceReading Failed(string error) => new(PyPIProvenanceStatus.Error, [], error);

    public PyPIPublisher? Publisher => Publishers.Count > 0 ? Publishers[0] : null;
}

/// <summary>
/// Reads the Integrity API's provenance document for one file
/// (<c>GET &lt;base&gt;/integrity/&lt;project&gt;/&lt;version&gt;/&lt;filename&gt;/provenance</c>):
/// <c>{version: 1, attestation_bundles: [{publisher: {kind, repository, workflow | workflow_filepath | email, environment}, attestations}]}</c>.
/// Pure; unknown keys ignored; "" is none (REGISTRY-FACTS, PyPI); a document that does not read is an error value.
/// https://peps.python.org/pep-0740/#provenance-objects · https://docs.pypi.org/api/integrity/
/// </summary>
public static class PyPIProvenanceParser
{
    /// <summary>A few bundles of a few kilobytes each; far more is not a provenance document.</summary>
    public const int DefaultMaxBytes = 4 << 20;

    /// <summary>Attestations nest their verification material about eight deep.</summary>
    public const int MaxDepth = 32;

    public const string NoProvenanceMessage = "No provenance available";

    /// <summary>A 200 response's body.</summary>
    public static PyPIProvenanceReading Parse(ReadOnlySpan<byte> body, int maxBytes = DefaultMaxBytes)
    {
        if (body.Length > maxBytes) return PyPIProvenanceReading.Failed($"the provenance document is larger than {maxBytes} bytes");
        if (RegistryJson.Load(body, MaxDepth, out var problem) is not { } document) return PyPIProvenanceReading.Failed("the provenance document " + problem);
        using (document)
        {
            try
            {
                return Read(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // Every value's kind is checked before it is read, so this is a string escape that is not text ("\ud800").
                return PyPIProvenanceReading.Failed("the provenance document holds a string that is not valid text");
            }
        }
    }

    private static PyPIProvenanceReading Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return PyPIProvenanceReading.Failed("the provenance document is not a JSON object");
        if (root.TryGetProperty("version", out var version) && !(version.ValueKind == JsonValueKind.Number && version.TryGetInt32(out var v) && v == 1))
            return PyPIProvenanceReading.Failed("the provenance document's version is not 1, the only one this version reads");
        if (!root.TryGetProperty("attestation_bundles", out var bundles) || bundles.ValueKind != JsonValueKind.Array)
            return PyPIProvenanceReading.Failed("the provenance document has no 'attestation_bundles' array");

        var publishers = new List<PyPIPublisher>();
        var index = 0;
        foreach (var bundle in bundles.EnumerateArray())
        {
            var where = $"attestation_bundles[{index++}]";
            if (bundle.ValueKind != JsonValueKind.Object) return PyPIProvenanceReading.Failed($"{where} is {RegistryJson.Describe(bundle.ValueKind)}, not an object");
            if (!bundle.TryGetProperty("publisher", out var publisher) || publisher.ValueKind != JsonValueKind.Object)
                return PyPIProvenanceReading.Failed($"{where} has no publisher object");
            if (!bundle.TryGetProperty("attestations", out var attestations) || attestations.ValueKind != JsonValueKind.Array)
                return PyPIProvenanceReading.Failed($"{where} has no 'attestations' array");
            var (read, error) = ReadPublisher(publisher, where);
            if (read is null) return PyPIProvenanceReading.Failed(error!);
            if (!publishers.Contains(read)) publishers.Add(read);
        }
        if (publishers.Count == 0) return PyPIProvenanceReading.Failed("the provenance document has no attestation bundles, so it names no publisher");
        return new PyPIProvenanceReading(PyPIProvenanceStatus.Present, publishers, null);
    }

    /// <summary>
    /// A 404 response's body: PyPI's <c>{"message":"No provenance available for &lt;file&gt;"}</c> is "none"; any other
    /// 404 (a proxy's page, a moved API) says nothing about the file and is an error.
    /// </summary>
    public static PyPIProvenanceReading ParseNotFound(ReadOnlySpan<byte> body)
    {
        if (body.Length <= 64 * 1024 && RegistryJson.Load(body, MaxDepth, out _) is { } document)
        {
            using (document)
            {
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                    && message.GetRawText().StartsWith("\"" + NoProvenanceMessage, StringComparison.Ordinal))
                    return PyPIProvenanceReading.None;
            }
        }
        return PyPIProvenanceReading.Failed("the provenance URL answered 404 without PyPI's \"No provenance available\" message");
    }

    private static (PyPIPublisher? Publisher, string? Error) ReadPublisher(JsonElement publisher, string where)
    {
        string? error = null;
        // A string, or none for "", null or absent; any other type makes the whole document unreadable.
        string? Field(string name)
        {
            if (!publisher.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.String)
            {
                error ??= $"{where}'s publisher '{name}' is {RegistryJson.Describe(value.ValueKind)}, not a string";
                return null;
            }
            return value.GetString() is { Length: > 0 } s ? s : null;
        }

        if (Field("kind") is not { } kind) return (null, error ?? $"{where}'s publisher has no kind");
        if (kind.Length > 64 || !kind.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            return (null, $"{where}'s publisher kind is not a provider name");
        // The three documented kinds in one spelling; others kept as the registry wrote them.
        kind = kind.ToLowerInvariant() switch
        {
            "github" => "GitHub",
            "gitlab" => "GitLab",
            "google" => "Google",
            _ => kind,
        };
        var workflow = kind switch
        {
            "GitHub" => Field("workflow"),
            "GitLab" => Field("workflow_filepath"),
            _ => Field("workflow") ?? Field("workflow_filepath"),
        };
        var read = new PyPIPublisher(kind, Field("repository"), workflow, Field("email"), Field("environment"));
        return error is null ? (read, null) : (null, error);
    }
}

using System.Text.Json;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.Npm;

/// <summary>What an attestations document says about who built a version: an identity, nothing, or why it could not be read.</summary>
public sealed record AttestationReading(PublisherIdentity? Identity, string? Error)
{
    public static AttestationReading None { get; } = new(null, null);
}

/// <summary>
/// Reads the SLSA provenance statement from <c>GET &lt;registry&gt;/-/npm/v1/attestations/&lt;name&gt;@&lt;version&gt;</c>:
/// GitHub (SLSA v1: buildDefinition.externalParameters.workflow) and GitLab (SLSA v0.2: invocation.configSource).
/// Pure; unknown keys are ignored; a payload that cannot be decoded is an error on that version, never a different method.
/// </summary>
public static class NpmAttestationParser
{
    public const string SlsaPrefix = "https://slsa.dev/provenance/";

    public static AttestationReading Parse(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException ex)
        {
            return new(null, "the attestations response is not valid JSON: " + ex.Message);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("attestations", out var list) || list.ValueKind != JsonValueKind.Array)
                return new(null, "the attestations response has no 'attestations' array");

            foreach (var entry in list.EnumerateArray())
            {
                if (Str(entry, "predicateType") is not { } type || !type.StartsWith(SlsaPrefix, StringComparison.Ordinal)) continue;
                if (Get(entry, "bundle", "dsseEnvelope", "payload") is not { ValueKind: JsonValueKind.String } payloadElement)
                    return new(null, "the provenance attestation has no DSSE payload");
                byte[] payload;
                try
                {
                    payload = Convert.FromBase64String(payloadElement.GetString()!);
                }
                catch (FormatException)
                {
                    return new(null, "the provenance attestation's payload is not valid base64");
                }
                return ReadStatement(payload);
            }
            return AttestationReading.None;
        }
    }

    private static AttestationReading ReadStatement(byte[] payload)
    {
        JsonDocument statement;
        try
        {
            statement = JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            return new(null, "the provenance attestation's payload is not a JSON in-toto statement");
        }
        using (statement)
        {
            var root = statement.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("predicate", out var predicate) || predicate.ValueKind != JsonValueKind.Object)
                return new(null, "the provenance statement has no predicate");
            var type = Str(root, "predicateType") ?? "";
            if (type.EndsWith("/v1", StringComparison.Ordinal) && Get(predicate, "buildDefinition") is not null) return new(ReadSlsaV1(predicate), null);
            if (Get(predicate, "invocation") is not null) return new(ReadSlsaV02(predicate), null);
            return new(null, $"the provenance predicate '{type}' has a shape this version does not read");
        }
    }

    private static PublisherIdentity ReadSlsaV1(JsonElement predicate)
    {
        var workflow = Get(predicate, "buildDefinition", "externalParameters", "workflow");
        var builder = Str(Get(predicate, "runDetails", "builder"), "id");
        var repositoryUrl = Str(workflow, "repository");
        string? commit = null;
        if (Get(predicate, "buildDefinition", "resolvedDependencies") is { ValueKind: JsonValueKind.Array } deps)
        {
            foreach (var dep in deps.EnumerateArray())
            {
                commit = Str(Get(dep, "digest"), "gitCommit");
                if (commit is not null) break;
            }
        }
        var provider = builder?.StartsWith("https://github.com/", StringComparison.Ordinal) == true || repositoryUrl?.Contains("github.com/", StringComparison.OrdinalIgnoreCase) == true
            ? "github" : "unknown";
        return new PublisherIdentity(
            Provider: provider,
            Repository: RepositoryPath(repositoryUrl),
            Workflow: Str(workflow, "path"),
            Ref: Str(workflow, "ref"),
            Trigger: Str(Get(predicate, "buildDefinition", "internalParameters", "github"), "event_name"),
            Commit: commit,
            Runner: builder,
            Invocation: Str(Get(predicate, "runDetails", "metadata"), "invocationId"));
    }

    private static PublisherIdentity ReadSlsaV02(JsonElement predicate)
    {
        var configSource = Get(predicate, "invocation", "configSource");
        var parameters = Get(predicate, "invocation", "parameters");
        var uri = Str(configSource, "uri");
        var builder = Str(Get(predicate, "builder"), "id");
        var gitlab = uri?.Contains("gitlab", StringComparison.OrdinalIgnoreCase) == true || builder?.Contains("/-/runners/", StringComparison.Ordinal) == true;
        return new PublisherIdentity(
            Provider: gitlab ? "gitlab" : "unknown",
            Repository: RepositoryPath(uri),
            Workflow: Str(parameters, "CI_CONFIG_PATH") ?? Str(configSource, "entryPoint"),
            Ref: Str(parameters, "CI_COMMIT_REF_NAME"),
            Trigger: Str(parameters, "CI_PIPELINE_SOURCE"),
            Commit: Str(Get(configSource, "digest"), "sha1"),
            Runner: builder);
    }

    /// <summary>"https://github.com/o/r", "git+https://gitlab.com/g/sub/p@refs/heads/main" → "o/r", "g/sub/p".</summary>
    public static string? RepositoryPath(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) return null;
        var text = url.Trim();
        if (text.StartsWith("git+", StringComparison.Ordinal)) text = text[4..];
        var at = text.IndexOf('@', text.IndexOf("://", StringComparison.Ordinal) is var s and >= 0 ? s + 3 : 0);
        if (at >= 0) text = text[..at];
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.AbsolutePath.Length > 1)
        {
            var path = uri.AbsolutePath.Trim('/');
            return path.EndsWith(".git", StringComparison.Ordinal) ? path[..^4] : path;
        }
        return text;
    }

    private static JsonElement? Get(JsonElement? element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current is not { ValueKind: JsonValueKind.Object } obj || !obj.TryGetProperty(name, out var next)) return null;
            current = next;
        }
        return current;
    }

    private static string? Str(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } obj && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } s ? s : null;

}

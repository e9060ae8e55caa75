using TrustedPublishDashboard.Domain;

using System.Text.Json;

namespace TrustedPublishDashboard.Registries.Npm;

/// <summary>
/// Stream-parses a full npm packument (<c>GET &lt;registry&gt;/&lt;name&gt;</c>) keeping only dist-tags, time, per-version
/// <c>_npmUser</c> and <c>dist.attestations</c>, and the maintainers. Everything else (readmes, manifests) is skipped
/// as it streams past, so memory stays near the size of what is kept, not of the document.
/// </summary>
public static class NpmPackumentParser
{
    public static async Task<NpmPackument> ParseAsync(Stream stream, long maxBytes, CancellationToken ct)
    {
        var json = new JsonStreamTokenizer(stream, maxBytes);
        if (!await json.ReadAsync(ct)) throw new JsonException("the response body is empty");
        if (json.TokenType != JsonTokenType.StartObject) throw new JsonException("the packument is not a JSON object");

        string? name = null;
        var distTags = new Dictionary<string, string>(StringComparer.Ordinal);
        var time = new Dictionary<string, string>(StringComparer.Ordinal);
        var versions = new Dictionary<string, NpmVersionMeta>(StringComparer.Ordinal);
        var maintainers = new List<Maintainer>();
        string? repository = null;

        while (true)
        {
            await json.ExpectReadAsync(ct);
            if (json.TokenType == JsonTokenType.EndObject) break;
            if (json.NameIs("name"u8)) name = await json.ReadStringOrNullAsync(ct);
            else if (json.NameIs("dist-tags"u8)) await ReadStringMapAsync(json, distTags, ct);
            else if (json.NameIs("time"u8)) await ReadStringMapAsync(json, time, ct);
            else if (json.NameIs("versions"u8)) await ReadVersionsAsync(json, versions, ct);
            else if (json.NameIs("maintainers"u8)) await ReadMaintainersAsync(json, maintainers, ct);
            else if (json.NameIs("repository"u8)) repository = await ReadRepositoryAsync(json, ct);
            else await json.SkipValueAsync(ct);
        }
        if (await json.ReadAsync(ct)) throw new JsonException("unexpected data after the packument");
        return new NpmPackument(name, distTags, time, versions, maintainers) { Repository = repository };
    }

    /// <summary>An object of string values; non-string values (e.g. time.unpublished) are skipped.</summary>
    private static async ValueTask ReadStringMapAsync(JsonStreamTokenizer json, Dictionary<string, string> into, CancellationToken ct)
    {
        if (!await json.ReadStartOrSkipAsync(JsonTokenType.StartObject, ct)) return;
        while (true)
        {
            await json.ExpectReadAsync(ct);
            if (json.TokenType == JsonTokenType.EndObject) return;
            var key = json.GetString();
            if (await json.ReadStringOrNullAsync(ct) is { } value) into[key] = value;
        }
    }

    private static async ValueTask ReadVersionsAsync(JsonStreamTokenizer json, Dictionary<string, NpmVersionMeta> into, CancellationToken ct)
    {
        if (!await json.ReadStartOrSkipAsync(JsonTokenType.StartObject, ct)) return;
        while (true)
        {
            await json.ExpectReadAsync(ct);
            if (json.TokenType == JsonTokenType.EndObject) return;
            var version = json.GetString();
            // One version's manifest is a few kilobytes: parse it in one synchronous pass.
            if (await json.ReadValueAsync(span => ParseVersion(span, version), ct) is { } meta) into[version] = meta;
        }
    }

    /// <summary>One entry of "versions" (a complete JSON value); null when it is not an object.</summary>
    public static NpmVersionMeta? ParseVersion(ReadOnlySpan<byte> json, string version)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: true, state: default);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject) return null;
        var shape = NpmUserShape.Absent;
        NpmUser? user = null;
        var hasAttestations = false;
        string? attestationsUrl = null;
        string? predicateType = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("_npmUser"u8))
            {
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        shape = NpmUserShape.Object;
                        user = ReadUser(ref reader);
                        break;
                    case JsonTokenType.Null:
                        break;
                    default:
                        // e.g. "name <email>": a lossy rendering that drops trustedPublisher, so it proves nothing.
                        shape = NpmUserShape.Flattened;
                        reader.Skip();
                        break;
                }
            }
            else if (reader.ValueTextEquals("dist"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (!reader.ValueTextEquals("attestations"u8))
                    {
                        SkipValue(ref reader);
                        continue;
                    }
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }
                    hasAttestations = true;
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("url"u8)) attestationsUrl = ReadString(ref reader);
                        else if (reader.ValueTextEquals("provenance"u8)) predicateType = ReadPredicateType(ref reader);
                        else SkipValue(ref reader);
                    }
                }
            }
            else SkipValue(ref reader);
        }
        return new NpmVersionMeta(version, shape, user, hasAttestations, attestationsUrl, predicateType);
    }

    /// <summary>After a property name: skips its value, whatever it is.</summary>
    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    /// <summary>After a property name: its value when it is a string, else null (and the value is skipped).</summary>
    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String) return reader.GetString();
        reader.Skip();
        return null;
    }

    private static string? ReadPredicateType(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }
        string? predicateType = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("predicateType"u8)) predicateType = ReadString(ref reader);
            else SkipValue(ref reader);
        }
        return predicateType;
    }

    private static NpmUser ReadUser(ref Utf8JsonReader reader)
    {
        string? name = null, email = null, tpId = null, configId = null, approver = null;
        var hasTrustedPublisher = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8)) name = ReadString(ref reader);
            else if (reader.ValueTextEquals("email"u8)) email = ReadString(ref reader);
            else if (reader.ValueTextEquals("trustedPublisher"u8))
            {
                reader.Read();
                if (reader.TokenType is JsonTokenType.Null or JsonTokenType.False) continue;
                // Its presence is the marker; the id and config id are read when it is the documented object.
                hasTrustedPublisher = true;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("id"u8)) tpId = ReadString(ref reader);
                    else if (reader.ValueTextEquals("oidcConfigId"u8)) configId = ReadString(ref reader);
                    else SkipValue(ref reader);
                }
            }
            else if (reader.ValueTextEquals("approver"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    approver = reader.TokenType == JsonTokenType.String ? reader.GetString() : "(approver)";
                    reader.Skip();
                    continue;
                }
                approver = "(approver)";
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("name"u8)) approver = ReadString(ref reader) ?? approver;
                    else SkipValue(ref reader);
                }
            }
            else SkipValue(ref reader);
        }
        return new NpmUser(name, email, hasTrustedPublisher, tpId, configId, approver);
    }

    /// <summary>The packument's `repository` (the latest version's, as npm normalised it): the string form or the object's `url`.</summary>
    private static async ValueTask<string?> ReadRepositoryAsync(JsonStreamTokenizer json, CancellationToken ct)
    {
        await json.ExpectReadAsync(ct);
        if (json.TokenType == JsonTokenType.String) return json.GetString();
        if (json.TokenType != JsonTokenType.StartObject)
        {
            await json.SkipCurrentAsync(ct);
            return null;
        }
        string? url = null;
        while (true)
        {
            await json.ExpectReadAsync(ct);
            if (json.TokenType == JsonTokenType.EndObject) return url;
            if (json.NameIs("url"u8)) url = await json.ReadStringOrNullAsync(ct);
            else await json.SkipValueAsync(ct);
        }
    }

    private static async ValueTask ReadMaintainersAsync(JsonStreamTokenizer json, List<Maintainer> into, CancellationToken ct)
    {
        if (!await json.ReadStartOrSkipAsync(JsonTokenType.StartArray, ct)) return;
        while (true)
        {
            await json.ExpectReadAsync(ct);
            if (json.TokenType == JsonTokenType.EndArray) return;
            if (json.TokenType != JsonTokenType.StartObject)
            {
                await json.SkipCurrentAsync(ct);
                continue;
            }
            string? name = null, email = null;
            while (true)
            {
                await json.ExpectReadAsync(ct);
                if (json.TokenType == JsonTokenType.EndObject) break;
                if (json.NameIs("name"u8)) name = await json.ReadStringOrNullAsync(ct);
                else if (json.NameIs("email"u8)) email = await json.ReadStringOrNullAsync(ct);
                else await json.SkipValueAsync(ct);
            }
            into.Add(new Maintainer(name, email));
        }
    }
}

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

        while (true)
        {
            await json.ExpectReadAsync(ct);
            if (json.TokenType == JsonTokenType.EndObject) break;
            if (json.NameIs("name"u8)) name = await json.ReadStringOrNullAsync(ct);
            else if (json.NameIs("dist-tags"u8)) await ReadStringMapAsync(json, distTags, ct);
            else if (json.NameIs("time"u8)) await ReadStringMapAsync(json, time, ct);
            else if (json.NameIs("versions"u8)) await ReadVersionsAsync(json, versions, ct);
            else if (json.NameIs("maintainers"u8)) await ReadMaintainersAsync(json, maintainers, ct);
            else await json.SkipValueAsync(ct);
        }
        if (await json.ReadAsync(ct)) throw new JsonException("unexpected data after the packument");
        return new NpmPackument(name, distTags, time, versions, maintainers);
    }

    /// <summary>An object of string values; non-string values (e.g. time.unpublished) are skipped.</summary>
    private static async ValueTask ReadStringMapAsync(JsonStreamTokenizer json, Dictionary<string, string> into, CancellationToken ct)
    {
        await json.ExpectReadAsync(ct);
        if (json.TokenType != JsonTokenType.StartObject)
        {
            await json.SkipCurrentAsync(ct);
            return;
        }
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
        await json.ExpectReadAsync(ct);
        if (json.TokenType != JsonTokenType.StartObject)
        {
            await json.SkipCurrentAsync(ct);
            return;
        }
        while (true)
        {
            await json.ExpectReadAsync(ct);
            if (json.TokenType == JsonTokenType.EndObject) return;
            var version = json.GetString();
            await json.ExpectReadAsync(ct);
            if (json.TokenType != JsonTokenType.StartObject)
            {
                await json.SkipCurrentAsync(ct);
                continue;
            }
            into[version] = await ReadVersionAsync(json, version, ct);
        }
    }

    private static async ValueTask<NpmVersionMeta> ReadVersionAsync(JsonStreamTokenizer json, string version, CancellationToken ct)
    {
        var shape = NpmUserShape.Absent;
        NpmUser? user = null;
        var hasAttestations = false;
        string? attestationsUrl = null;
        string? predicateType = null;
        while (true)
        {
            await json.ExpectReadAsync(ct);
            if (json.TokenType == JsonTokenType.EndObject) break;
            if (json.NameIs("_npmUser"u8))
            {
                await json.ExpectReadAsync(ct);
                switch (json.TokenType)
                {
                    case JsonTokenType.StartObject:
                        shape = NpmUserShape.Object;
                        user = await ReadUserAsync(json, ct);
                        break;
                    case JsonTokenType.Null:
                        break;
                    default:
                        // e.g. "name <email>": a lossy rendering that drops trustedPublisher, so it proves nothing.
                        shape = NpmUserShape.Flattened;
                        await json.SkipCurrentAsync(ct);
                        break;
                }
            }
            else if (json.NameIs("dist"u8))
            {
                await json.ExpectReadAsync(ct);
                if (json.TokenType != JsonTokenType.StartObject)
                {
                    await json.SkipCurrentAsync(ct);
                    continue;
                }
                while (true)
                {
                    await json.ExpectReadAsync(ct);
                    if (json.TokenType == JsonTokenType.EndObject) break;
                    if (!json.NameIs("attestations"u8))
                    {
                        await json.SkipValueAsync(ct);
                        continue;
                    }
                    await json.ExpectReadAsync(ct);
                    if (json.TokenType != JsonTokenType.StartObject)
                    {
                        await json.SkipCurrentAsync(ct);
                        continue;
                    }
                    hasAttestations = true;
                    while (true)
                    {
                        await json.ExpectReadAsync(ct);
                        if (json.TokenType == JsonTokenType.EndObject) break;
                        if (json.NameIs("url"u8)) attestationsUrl = await json.ReadStringOrNullAsync(ct);
                        else if (json.NameIs("provenance"u8)) predicateType = await ReadPredicateTypeAsync(json, ct);
                        else await json.SkipValueAsync(ct);
                    }
                }
            }
            else
            {
                await json.SkipValueAsync(ct);
            }
        }
        return new NpmVersionMeta(version, shape, user, hasAttestations, attestationsUrl, predicateType);
    }

    private static async ValueTask<string?> ReadPredicateTypeAsync(JsonStreamTokenizer json, CancellationToken ct)
    {
        await json.ExpectReadAsync(ct);
        if (json.TokenType != JsonTokenType.StartObject)
        {
            await json.SkipCurrentAsync(ct);
            return null;
        }
        string? predicateType = null;
        while (true)
        {
            await json.ExpectReadAsync(ct);
            if (json.TokenType == JsonTokenType.EndObject) return predicateType;
            if (json.NameIs("predicateType"u8)) predicateType = await json.ReadStringOrNullAsync(ct);
            else await json.SkipValueAsync(ct);
        }
    }

    private static async ValueTask<NpmUser> ReadUserAsync(JsonStreamTokenizer json, CancellationToken ct)
    {
        string? name = null, email = null, tpId = null, configId = null, approver = null;
        var hasTrustedPublisher = false;
        while (true)
        {
            await json.ExpectReadAsync(ct);
            if (json.TokenType == JsonTokenType.EndObject) break;
            if (json.NameIs("name"u8)) name = await json.ReadStringOrNullAsync(ct);
            else if (json.NameIs("email"u8)) email = await json.ReadStringOrNullAsync(ct);
            else if (json.NameIs("trustedPublisher"u8))
            {
                await json.ExpectReadAsync(ct);
                if (json.TokenType == JsonTokenType.Null || json.TokenType == JsonTokenType.False) continue;
                // Its presence is the marker; the id and config id are read when it is the documented object.
                hasTrustedPublisher = true;
                if (json.TokenType != JsonTokenType.StartObject)
                {
                    await json.SkipCurrentAsync(ct);
                    continue;
                }
                while (true)
                {
                    await json.ExpectReadAsync(ct);
                    if (json.TokenType == JsonTokenType.EndObject) break;
                    if (json.NameIs("id"u8)) tpId = await json.ReadStringOrNullAsync(ct);
                    else if (json.NameIs("oidcConfigId"u8)) configId = await json.ReadStringOrNullAsync(ct);
                    else await json.SkipValueAsync(ct);
                }
            }
            else if (json.NameIs("approver"u8))
            {
                await json.ExpectReadAsync(ct);
                if (json.TokenType == JsonTokenType.Null) continue;
                if (json.TokenType != JsonTokenType.StartObject)
                {
                    approver = json.TokenType == JsonTokenType.String ? json.GetString() : "(approver)";
                    await json.SkipCurrentAsync(ct);
                    continue;
                }
                approver = "(approver)";
                while (true)
                {
                    await json.ExpectReadAsync(ct);
                    if (json.TokenType == JsonTokenType.EndObject) break;
                    if (json.NameIs("name"u8)) approver = await json.ReadStringOrNullAsync(ct) ?? approver;
                    else await json.SkipValueAsync(ct);
                }
            }
            else
            {
                await json.SkipValueAsync(ct);
            }
        }
        return new NpmUser(name, email, hasTrustedPublisher, tpId, configId, approver);
    }

    private static async ValueTask ReadMaintainersAsync(JsonStreamTokenizer json, List<Maintainer> into, CancellationToken ct)
    {
        await json.ExpectReadAsync(ct);
        if (json.TokenType != JsonTokenType.StartArray)
        {
            await json.SkipCurrentAsync(ct);
            return;
        }
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

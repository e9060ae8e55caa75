using System.Text.Json;

namespace TrustedPublishDashboard.Registries.RubyGems;

/// <summary>Bounded JSON reading shared by the RubyGems parsers: size and depth caps, errors as values.</summary>
internal static class RubyGemsJson
{
    /// <summary>The API's documents are flat (metadata is one level deep); Sigstore bundles nest about six levels.</summary>
    public const int MaxDepth = 32;

    /// <summary>Parses <paramref name="body"/>, or says why not (too large, not JSON, too deep, truncated).</summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> body, long maxBytes, string what, out string? error)
    {
        error = null;
        if (body.Length > maxBytes)
        {
            error = $"the {what} is larger than {maxBytes / (1024 * 1024)} MB";
            return null;
        }
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            error = $"the {what} is not valid JSON: {ex.Message}";
            return null;
        }
    }

    public static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } s ? s : null;

    public static JsonElement? Get(JsonElement? element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current is not { ValueKind: JsonValueKind.Object } obj || !obj.TryGetProperty(name, out var next)) return null;
            current = next;
        }
        return current;
    }
}

using System.Text.Json;

namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// Parses a manifest from an untrusted archive the way npm and lerna do (JSON.parse: no comments, no trailing
/// commas), with a nesting bound so a hostile file costs nothing, and turns every parse failure into a sentence.
/// </summary>
internal static class StrictJson
{
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <returns>The document (root is an object), or why it could not be read.</returns>
    public static (JsonDocument? Document, string? Error) ParseObject(byte[] utf8, string fileName)
    {
        // npm strips a UTF-8 byte order mark before JSON.parse; editors on Windows still write one.
        ReadOnlyMemory<byte> json = utf8.AsSpan().StartsWith("\uFEFF"u8) ? utf8.AsMemory(3) : utf8;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException ex)
        {
            return (null, $"{fileName} is not valid JSON: {ex.Message}");
        }
        var kind = document.RootElement.ValueKind;
        if (kind != JsonValueKind.Object)
        {
            document.Dispose();
            return (null, $"{fileName} must be a JSON object, not {Describe(kind)}");
        }
        return (document, null);
    }

    /// <summary>A string property; booleans and numbers as written (publishConfig.provenance is a boolean); else null.</summary>
    public static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>A list of strings, or why the value is not one.</summary>
    public static (IReadOnlyList<string>? Items, string? Error) StringList(JsonElement value, string what)
    {
        if (value.ValueKind != JsonValueKind.Array) return (null, $"{what} must be an array of strings, not {Describe(value.ValueKind)}");
        var items = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return (items, $"{what} must only contain strings (found {Describe(item.ValueKind)}); the others were used");
            items.Add(item.GetString()!);
        }
        return (items, null);
    }

    public static string Describe(JsonValueKind kind) => Registries.RegistryJson.Describe(kind);
}

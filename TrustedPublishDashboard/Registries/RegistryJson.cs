using System.Text.Json;
using System.Text.Unicode;

namespace TrustedPublishDashboard.Registries;

/// <summary>
/// Reading registry JSON that may be hostile, shared by the registries' parsers: UTF-8 and depth checked up front,
/// problems as values, and small accessors that never throw on a missing key or a wrong type.
/// </summary>
internal static class RegistryJson
{
    /// <summary>
    /// The document, or null and why ("is not UTF-8 text", "is not valid JSON: …") when the bytes are not UTF-8 JSON
    /// within <paramref name="maxDepth"/>. UTF-8 is checked first because JsonDocument only checks it when a string is
    /// read, which would throw later instead.
    /// </summary>
    public static JsonDocument? Load(ReadOnlySpan<byte> body, int maxDepth, out string? problem)
    {
        problem = null;
        if (!Utf8.IsValid(body))
        {
            problem = "is not UTF-8 text";
            return null;
        }
        try
        {
            return JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException ex)
        {
            // The reader's message names the line and byte, and says so when the depth cap was hit.
            problem = "is not valid JSON: " + ex.Message;
            return null;
        }
    }

    /// <summary>What a JSON value is, in a person's words.</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>A non-empty string property, or null (missing, another type, or "").</summary>
    public static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } s ? s : null;

    /// <summary>The value at a path of object properties, or null where one is missing.</summary>
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

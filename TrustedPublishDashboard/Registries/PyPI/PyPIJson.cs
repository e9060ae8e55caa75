using System.Text.Json;
using System.Text.Unicode;

namespace TrustedPublishDashboard.Registries.PyPI;

/// <summary>What both PyPI JSON readers share: loading hostile bytes into a document, and naming a value's kind.</summary>
internal static class PyPIJson
{
    /// <summary>
    /// The document, or null and why when the bytes are not UTF-8 JSON within <paramref name="maxDepth"/>. UTF-8 is
    /// checked up front because JsonDocument only checks it when a string is read, which would throw later instead.
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

    /// <summary>
    /// Like Registries' other readers (Onboarding's StrictJson.Describe); kept here so Registries does not depend on Onboarding.
    /// </summary>
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
}

using System.Text.Json;

namespace TrustedPublishDashboard.Registries.RubyGems;

/// <summary>The RubyGems parsers' caps on top of <see cref="RegistryJson"/>: a size limit per document and one depth.</summary>
internal static class RubyGemsJson
{
    /// <summary>The API's documents are flat (metadata is one level deep); Sigstore bundles nest about six levels.</summary>
    public const int MaxDepth = 32;

    /// <summary>Parses <paramref name="body"/>, or says why not (too large, not UTF-8, not JSON, too deep, truncated).</summary>
    public static JsonDocument? TryParse(ReadOnlyMemory<byte> body, long maxBytes, string what, out string? error)
    {
        error = null;
        if (body.Length > maxBytes)
        {
            error = $"the {what} is larger than {maxBytes / (1024 * 1024)} MB";
            return null;
        }
        var document = RegistryJson.Load(body.Span, MaxDepth, out var problem);
        if (document is null) error = $"the {what} {problem}";
        return document;
    }
}

using System.Globalization;
using System.Text.Json;

namespace TrustedPublishDashboard.Registries.RubyGems;

/// <summary>
/// Reads RubyGems' JSON API documents (shared/REGISTRY-FACTS.md, RubyGems): the versions list
/// (<c>/api/v1/versions/&lt;gem&gt;.json</c>), the gem's latest version (<c>/api/v1/gems/&lt;gem&gt;.json</c>) and an
/// owner's gems (<c>/api/v1/owners/&lt;handle&gt;/gems.json</c>). Pure; unknown keys ignored; bad input is an error value.
/// </summary>
public static class RubyGemsVersionsParser
{
    /// <summary>Gems with many platforms and hundreds of versions list a few MB; far beyond that is not a versions list.</summary>
    public const long MaxVersionsBytes = 32L * 1024 * 1024;

    public const long MaxGemBytes = 4L * 1024 * 1024;

    public const long MaxOwnerGemsBytes = 32L * 1024 * 1024;

    public static RubyGemsVersionsReading ParseVersions(ReadOnlyMemory<byte> body)
    {
        using var document = RubyGemsJson.TryParse(body, MaxVersionsBytes, "versions list", out var error);
        if (document is null) return new([], 0, error);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            return new([], 0, $"the versions list is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an array");

        var ignored = 0;
        var order = new List<string>();
        var byNumber = new Dictionary<string, List<RubyGemsPlatformGem>>(StringComparer.Ordinal);
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            if (ReadEntry(entry) is not { } gem)
            {
                ignored++;
                continue;
            }
            if (!byNumber.TryGetValue(gem.Number, out var gems))
            {
                byNumber[gem.Number] = gems = [];
                order.Add(gem.Number);
            }
            // The same number and platform twice is a malformed list: keep the first (newest-first order).
            if (gems.Any(g => g.Platform == gem.Platform)) ignored++;
            else gems.Add(gem);
        }
        return new(order.Select(n => new RubyGemsVersion(n, byNumber[n])).ToList(), ignored, null);
    }

    private static RubyGemsPlatformGem? ReadEntry(JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object) return null;
        var number = RegistryJson.Str(entry, "number");
        var platform = RegistryJson.Str(entry, "platform") ?? RubyGemsNames.RubyPlatform;
        if (!RubyGemsNames.IsSafeSegment(number) || !RubyGemsNames.IsSafeSegment(platform)) return null;
        return new RubyGemsPlatformGem(
            number!,
            platform,
            ParseTime(RegistryJson.Str(entry, "created_at")),
            entry.TryGetProperty("prerelease", out var pre) && pre.ValueKind == JsonValueKind.True,
            Flag(RegistryJson.Get(entry, "metadata", "rubygems_mfa_required")));
    }

    /// <summary>Gemspec metadata values are strings ("true"); some mirrors and older gems give JSON booleans.</summary>
    public static bool? Flag(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } s when string.Equals(s.GetString()?.Trim(), "true", StringComparison.OrdinalIgnoreCase) => true,
        { ValueKind: JsonValueKind.String } s when string.Equals(s.GetString()?.Trim(), "false", StringComparison.OrdinalIgnoreCase) => false,
        _ => null,
    };

    /// <summary>The <c>version</c> of <c>/api/v1/gems/&lt;gem&gt;.json</c>: the registry's "latest" pointer.</summary>
    public static RubyGemsReading<string> ParseLatest(ReadOnlyMemory<byte> body)
    {
        using var document = RubyGemsJson.TryParse(body, MaxGemBytes, "gem document", out var error);
        if (document is null) return new(null, error);
        if (document.RootElement.ValueKind != JsonValueKind.Object) return new(null, "the gem document is not a JSON object");
        return RegistryJson.Str(document.RootElement, "version") is { } version && RubyGemsNames.IsSafeSegment(version)
            ? new(version, null)
            : new(null, "the gem document has no usable 'version'");
    }

    /// <summary>The gem names of <c>/api/v1/owners/&lt;handle&gt;/gems.json</c> (an array of gem objects), de-duplicated, in order.</summary>
    public static RubyGemsReading<IReadOnlyList<string>> ParseOwnerGems(ReadOnlyMemory<byte> body)
    {
        using var document = RubyGemsJson.TryParse(body, MaxOwnerGemsBytes, "owner's gems list", out var error);
        if (document is null) return new(null, error);
        if (document.RootElement.ValueKind != JsonValueKind.Array) return new(null, "the owner's gems list is not a JSON array");
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var gem in document.RootElement.EnumerateArray())
            if (RegistryJson.Str(gem, "name") is { } name && RubyGemsNames.IsSafeSegment(name) && seen.Add(name)) names.Add(name);
        return new(names, null);
    }

    public static DateTimeOffset? ParseTime(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t : null;
}

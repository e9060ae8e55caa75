namespace TrustedPublishDashboard.Domain;

/// <summary>A package the dashboard tracks: a registry and the name as stored (normalised where the registry normalises).</summary>
public sealed record PackageId(Registry Registry, string Name)
{
    public override string ToString() => $"{Registry.Code()}:{Name}";
}

/// <summary>One line of a pasted package list, parsed.</summary>
/// <param name="Legacy">Set when the name is only valid for a package that already exists (see <see cref="PackageNameCheck.Legacy"/>).</param>
public sealed record PackageSpecLine(int LineNumber, string Text, PackageId? Package, string? Error, string? Legacy = null);

/// <summary>
/// Parses package specs: <c>registry:name</c> or a bare npm name, one per line. Blank lines and lines starting
/// with '#' are skipped. Pure: no IO, no knowledge of what is already stored.
/// </summary>
public static class PackageSpecParser
{
    public const int MaxLineLength = 1024;

    public static PackageSpecLine ParseLine(int lineNumber, string rawLine)
    {
        var text = rawLine.Trim();
        if (text.Length > MaxLineLength)
            return new(lineNumber, text[..40] + "…", null, $"the line is longer than {MaxLineLength} characters");

        Registry registry = Registry.Npm;
        var name = text;
        var colon = text.IndexOf(':');
        if (colon >= 0)
        {
            var prefix = text[..colon];
            if (!RegistryCatalog.TryParse(prefix, out registry))
                return new(lineNumber, text, null, $"unknown registry '{prefix}' (use {RegistryCatalog.KnownPrefixes} or a bare npm name)");
            name = text[(colon + 1)..].Trim();
        }

        var check = RegistryCatalog.Get(registry).CheckName(name);
        return check.IsValid
            ? new(lineNumber, text, new PackageId(registry, check.Normalized!), null, check.Legacy)
            : new(lineNumber, text, null, check.Error);
    }

    /// <summary>Parses every non-blank, non-comment line; line numbers are 1-based as the user sees them.</summary>
    public static IReadOnlyList<PackageSpecLine> ParseLines(string text)
    {
        var result = new List<PackageSpecLine>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            result.Add(ParseLine(i + 1, lines[i]));
        }
        return result;
    }
}

namespace TrustedPublishDashboard.Domain;

/// <summary>A package registry the dashboard audits. The code is what users type (<c>npm:left-pad</c>) and what is stored.</summary>
public enum Registry
{
    Npm,
    PyPI,
    RubyGems,
}

/// <summary>
/// The one catalogue of registries: codes, display names, aliases and name rules.
/// No other code switches on <see cref="Registry"/> to learn these facts.
/// </summary>
public static class RegistryCatalog
{
    public sealed record Descriptor(Registry Registry, string Code, string DisplayName, IReadOnlyList<string> Aliases, Func<string, PackageNameCheck> CheckName);

    public static IReadOnlyList<Descriptor> All { get; } =
    [
        new(Registry.Npm, "npm", "npm", ["npm"], PackageNames.CheckNpm),
        new(Registry.PyPI, "pypi", "PyPI", ["pypi", "pip"], PackageNames.CheckPyPI),
        new(Registry.RubyGems, "rubygems", "RubyGems", ["rubygems", "gem", "gems"], PackageNames.CheckRubyGems),
    ];

    public static Descriptor Get(Registry registry) => All.First(d => d.Registry == registry);

    public static string Code(this Registry registry) => Get(registry).Code;

    public static string DisplayName(this Registry registry) => Get(registry).DisplayName;

    public static bool TryParse(string? text, out Registry registry)
    {
        var trimmed = text?.Trim();
        foreach (var d in All)
        {
            if (d.Aliases.Any(a => string.Equals(a, trimmed, StringComparison.OrdinalIgnoreCase)))
            {
                registry = d.Registry;
                return true;
            }
        }
        registry = default;
        return false;
    }

    public static Registry Parse(string code) =>
        TryParse(code, out var r) ? r : throw new FormatException($"Unknown registry code '{code}'.");

    public static string KnownPrefixes => string.Join(", ", All.Select(d => d.Code + ":"));
}

using System.Text.RegularExpressions;

namespace TrustedPublishDashboard.Domain;

/// <summary>Outcome of validating a package name: the stored (normalised) form, or why it is not a valid name.</summary>
public readonly record struct PackageNameCheck(string? Normalized, string? Error)
{
    public bool IsValid => Normalized is not null;

    public static PackageNameCheck Valid(string normalized) => new(normalized, null);

    public static PackageNameCheck Invalid(string error) => new(null, error);
}

/// <summary>
/// Name rules per registry, as the registries enforce them for new packages. Pure functions; the catalogue in
/// <see cref="RegistryCatalog"/> picks the one that applies.
/// </summary>
public static partial class PackageNames
{
    public const int NpmMaxLength = 214;

    // Every registry: a name is passed to npm, gem and twine in generated scripts, where a leading '-' reads as an option.
    private static readonly PackageNameCheck LeadingDash =
        PackageNameCheck.Invalid("names must not start with '-' (in a command line it would read as an option)");

    // npm (validate-npm-package-name, rules for new packages): lowercase, at most 214 characters, an optional
    // "@scope/" prefix, URL-safe characters only, no leading '.' or '_', none of ~'!()* .
    [GeneratedRegex("^[a-z0-9._-]+$")]
    private static partial Regex NpmPart();

    private static readonly HashSet<string> NpmReserved = new(StringComparer.Ordinal) { "node_modules", "favicon.ico" };

    public static PackageNameCheck CheckNpm(string name)
    {
        if (string.IsNullOrEmpty(name)) return PackageNameCheck.Invalid("the name is empty");
        if (name.Length > NpmMaxLength) return PackageNameCheck.Invalid($"npm names are at most {NpmMaxLength} characters (this one has {name.Length})");
        if (name != name.ToLowerInvariant())
        {
            var lower = name.ToLowerInvariant();
            return PackageNameCheck.Invalid(CheckNpm(lower).IsValid
                ? $"npm names must be lowercase (did you mean '{lower}'?)"
                : "npm names must be lowercase");
        }
        if (name[0] is '.' or '_') return PackageNameCheck.Invalid("npm names must not start with '.' or '_'");
        if (name[0] == '-') return LeadingDash;

        string? scope = null;
        var bare = name;
        if (name[0] == '@')
        {
            var slash = name.IndexOf('/');
            if (slash < 0) return PackageNameCheck.Invalid("a scoped npm name needs the form @scope/name");
            scope = name[1..slash];
            bare = name[(slash + 1)..];
            if (scope.Length == 0) return PackageNameCheck.Invalid("the scope after '@' is empty");
            if (bare.Length == 0) return PackageNameCheck.Invalid("the name after the scope is empty");
            if (!NpmPart().IsMatch(scope)) return PackageNameCheck.Invalid($"the scope '{scope}' may only contain a-z, 0-9, '-', '.' and '_'");
            if (scope[0] is '.' or '_') return PackageNameCheck.Invalid("an npm scope must not start with '.' or '_'");
        }
        if (bare.Length > 0 && bare[0] is '.' or '_') return PackageNameCheck.Invalid("npm names must not start with '.' or '_'");
        if (!NpmPart().IsMatch(bare))
        {
            var bad = bare.First(c => !(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.' or '_'));
            return PackageNameCheck.Invalid($"npm names may only contain a-z, 0-9, '-', '.' and '_' (found {Describe(bad)})");
        }
        if (scope is null && NpmReserved.Contains(bare)) return PackageNameCheck.Invalid($"'{bare}' is a reserved name on npm");
        return PackageNameCheck.Valid(name);
    }

    // PyPI: a PEP 508 name (letters, digits, '.', '_', '-', starting and ending with a letter or digit),
    // stored in its PEP 503 normal form: runs of '-', '_' and '.' become one '-', lowercased.
    [GeneratedRegex("^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$")]
    private static partial Regex Pep508Name();

    [GeneratedRegex("[-_.]+")]
    private static partial Regex Pep503Separators();

    public static PackageNameCheck CheckPyPI(string name)
    {
        if (string.IsNullOrEmpty(name)) return PackageNameCheck.Invalid("the name is empty");
        if (!Pep508Name().IsMatch(name))
        {
            var bad = name.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'));
            return bad != default
                ? PackageNameCheck.Invalid($"PyPI names may only contain letters, digits, '.', '_' and '-' (found {Describe(bad)})")
                : PackageNameCheck.Invalid("PyPI names must start and end with a letter or digit");
        }
        return PackageNameCheck.Valid(NormalizePyPI(name));
    }

    public static string NormalizePyPI(string name) => Pep503Separators().Replace(name, "-").ToLowerInvariant();

    // RubyGems: letters, digits, '-', '_' and '.', and at least one letter (rubygems.org refuses all-digit names).
    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex GemName();

    public static PackageNameCheck CheckRubyGems(string name)
    {
        if (string.IsNullOrEmpty(name)) return PackageNameCheck.Invalid("the name is empty");
        if (name[0] == '-') return LeadingDash;
        if (!GemName().IsMatch(name))
        {
            var bad = name.First(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'));
            return PackageNameCheck.Invalid($"gem names may only contain letters, digits, '-', '_' and '.' (found {Describe(bad)})");
        }
        if (!name.Any(char.IsAsciiLetter)) return PackageNameCheck.Invalid("gem names must contain at least one letter");
        return PackageNameCheck.Valid(name);
    }

    private static string Describe(char c) => c switch
    {
        ' ' => "a space",
        '\t' => "a tab",
        _ when char.IsControl(c) => $"control character U+{(int)c:X4}",
        _ => $"'{c}'",
    };
}

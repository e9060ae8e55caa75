using System.Text.RegularExpressions;

namespace TrustedPublishDashboard.Domain;

/// <summary>
/// Outcome of validating a package name: the stored (normalised) form, or why it is not a valid name.
/// <see cref="Legacy"/> says why a valid name is only valid for a package that already exists (npm accepted it before
/// its current rules): such a name can be tracked, but only once the registry confirms the package exists.
/// </summary>
public readonly record struct PackageNameCheck(string? Normalized, string? Error, string? Legacy = null)
{
    public bool IsValid => Normalized is not null;

    public static PackageNameCheck Valid(string normalized) => new(normalized, null);

    public static PackageNameCheck ValidForExisting(string name, string reason) => new(name, null, reason);

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

    // The characters npm accepted in names of packages published before its current rules: what encodeURIComponent
    // leaves alone (validate-npm-package-name's "valid for old packages"). Capital letters and ~'!()* are legal there.
    [GeneratedRegex("^[A-Za-z0-9._~'!()*-]+$")]
    private static partial Regex NpmLegacyPart();

    /// <summary>
    /// npm's rules for NEW packages, or — for names only older packages may have (capital letters, ~'!()*, more than
    /// 214 characters: e.g. JSONStream) — a valid result marked <see cref="PackageNameCheck.Legacy"/>. Never suggests
    /// another name: on npm a lowercase variant is a different package, often someone else's.
    /// </summary>
    public static PackageNameCheck CheckNpm(string name)
    {
        var strict = CheckNpmNew(name);
        if (strict.IsValid) return strict;
        if (!IsValidForOldNpmPackage(name))
        {
            // Invalid for any package: name the real problem (a space, a '/'), not the capital letters it also has.
            if (name.Any(char.IsAsciiLetterUpper) && CheckNpmNew(name.ToLowerInvariant()) is { IsValid: false } lower) return lower;
            return strict;
        }
        var reason = name.Any(char.IsAsciiLetterUpper) ? "capital letters"
            : name.Length > NpmMaxLength ? $"more than {NpmMaxLength} characters"
            : "characters npm no longer accepts in new names";
        return PackageNameCheck.ValidForExisting(name, $"a name npm only allows for packages published before its current rules ({reason})");
    }

    /// <summary>validate-npm-package-name's rules for old packages: URL-safe, no leading '.' or '_', not reserved.</summary>
    private static bool IsValidForOldNpmPackage(string name)
    {
        if (string.IsNullOrEmpty(name) || name[0] is '.' or '_' or '-') return false;
        var bare = name;
        if (name[0] == '@')
        {
            var slash = name.IndexOf('/');
            if (slash < 2 || slash == name.Length - 1 || name[1] is '.' or '_' || !NpmLegacyPart().IsMatch(name[1..slash])) return false;
            bare = name[(slash + 1)..];
        }
        return bare[0] is not ('.' or '_') && NpmLegacyPart().IsMatch(bare) && !NpmReserved.Contains(bare.ToLowerInvariant());
    }

    private static PackageNameCheck CheckNpmNew(string name)
    {
        if (string.IsNullOrEmpty(name)) return PackageNameCheck.Invalid("the name is empty");
        if (name.Length > NpmMaxLength) return PackageNameCheck.Invalid($"npm names are at most {NpmMaxLength} characters (this one has {name.Length})");
        if (name != name.ToLowerInvariant()) return PackageNameCheck.Invalid("npm names must be lowercase");
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

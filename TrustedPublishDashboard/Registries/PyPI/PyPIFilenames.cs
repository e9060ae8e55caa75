using System.Text;
using System.Text.RegularExpressions;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.PyPI;

public enum PyPIDistributionKind { Sdist, Wheel, Egg }

/// <summary>What a distribution file's name says: its kind and the version it was built for, as spelled in the name.</summary>
public sealed record PyPIFilenameParts(PyPIDistributionKind Kind, string Version);

/// <summary>
/// Reads the version out of a distribution file name, since the Simple API's <c>files[]</c> has no version field.
/// Follows pip's approach: the name part is found by PEP 503-normalising each '-'-separated prefix until it equals the
/// project's normal form, so legacy sdists whose names keep their '-' (<c>python-dateutil-2.9.0.tar.gz</c>) work too.
/// https://packaging.python.org/en/latest/specifications/binary-distribution-format/#file-name-convention
/// https://packaging.python.org/en/latest/specifications/source-distribution-format/#source-distribution-file-name
/// </summary>
public static partial class PyPIFilenames
{
    /// <summary>Longer names are not looked at (PyPI's own limit is far below; this bounds the prefix search).</summary>
    public const int MaxFilenameLength = 512;

    // Older sdists were accepted in any of these archive formats; new uploads are .tar.gz only (PEP 625).
    private static readonly string[] SdistExtensions = [".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar"];

    /// <summary>
    /// The kind and the version spelled in <paramref name="filename"/> for the project whose PEP 503 normal form is
    /// <paramref name="normalProject"/>; candidates whose version is in <paramref name="isListed"/> win over others
    /// (e.g. project <c>foo</c>, file <c>foo-bar-1.0.tar.gz</c>: "bar-1.0" is not listed). Null with a reason when it cannot be told.
    /// </summary>
    public static (PyPIFilenameParts? Parts, string? Problem) Derive(string filename, string normalProject, Func<string, bool>? isListed = null)
    {
        if (filename.Length > MaxFilenameLength) return (null, $"the file name is longer than {MaxFilenameLength} characters");
        if (filename.IndexOfAny(['/', '\\']) >= 0) return (null, "the file name contains a path separator");

        PyPIDistributionKind kind;
        string stem;
        if (filename.EndsWith(".whl", StringComparison.OrdinalIgnoreCase)) (kind, stem) = (PyPIDistributionKind.Wheel, filename[..^4]);
        else if (filename.EndsWith(".egg", StringComparison.OrdinalIgnoreCase)) (kind, stem) = (PyPIDistributionKind.Egg, filename[..^4]);
        else if (SdistExtensions.FirstOrDefault(e => filename.EndsWith(e, StringComparison.OrdinalIgnoreCase)) is { } ext)
            (kind, stem) = (PyPIDistributionKind.Sdist, filename[..^ext.Length]);
        else return (null, "the file is neither an sdist (.tar.gz, .zip) nor a wheel (.whl), so its version cannot be read from its name");

        PyPIFilenameParts? first = null;
        for (var dash = stem.IndexOf('-'); dash > 0; dash = stem.IndexOf('-', dash + 1))
        {
            if (PackageNames.NormalizePyPI(stem[..dash]) != normalProject) continue;
            if (VersionAfterName(kind, stem[(dash + 1)..]) is not { } version) continue;
            var parts = new PyPIFilenameParts(kind, version);
            if (isListed is null || isListed(version)) return (parts, null);
            first ??= parts;
        }
        return first is not null
            ? (first, null)
            : (null, $"the file name does not read as <{normalProject}>-<version> for a {Describe(kind)}");
    }

    private static string Describe(PyPIDistributionKind kind) => kind switch
    {
        PyPIDistributionKind.Wheel => "wheel",
        PyPIDistributionKind.Egg => "egg",
        _ => "sdist",
    };

    /// <summary>The version in what follows "name-": sdist: all of it; wheel: version[-build]-python-abi-platform; egg: version[-pyX.Y[-platform]].</summary>
    private static string? VersionAfterName(PyPIDistributionKind kind, string rest)
    {
        if (rest.Length == 0) return null;
        if (kind == PyPIDistributionKind.Sdist) return rest;
        var parts = rest.Split('-');
        if (parts.Any(p => p.Length == 0)) return null;
        return kind switch
        {
            // A build tag, when present, starts with a digit.
            PyPIDistributionKind.Wheel when parts.Length == 4 || (parts.Length == 5 && char.IsAsciiDigit(parts[1][0])) => parts[0],
            PyPIDistributionKind.Egg when parts.Length <= 3 => parts[0],
            _ => null,
        };
    }

    // PEP 440, appendix B ("Parsing version strings with regular expressions"). Non-backtracking: input is bounded
    // anyway, but a hostile index must not be able to choose how long matching takes.
    [GeneratedRegex("""
        ^\s*v?(?:(?<epoch>[0-9]+)!)?(?<release>[0-9]+(?:\.[0-9]+)*)
        (?:[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?
        (?:-(?<post_n1>[0-9]+)|[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?)?
        (?:[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?
        (?:\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$
        """, RegexOptions.IgnoreCase | RegexOptions.IgnorePatternWhitespace | RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex Pep440();

    /// <summary>
    /// A key under which PEP 440-equal versions are equal (<c>1.0</c>, <c>1.0.0</c>, <c>1.0_rc1</c>/<c>1.0rc1</c>, <c>1.0-1</c>/
    /// <c>1.0.post1</c>): file names carry the normalised form while <c>versions</c> carries what was uploaded. Versions
    /// that are not PEP 440 (legacy) compare lower-cased, '_' read as '-' as wheel names escape it.
    /// </summary>
    public static string VersionKey(string version)
    {
        if (version.Length > 256) return "legacy:" + version.ToLowerInvariant();
        var m = Pep440().Match(version);
        if (!m.Success) return "legacy:" + version.ToLowerInvariant().Replace('_', '-');
        var key = new StringBuilder();
        key.Append(Number(m.Groups["epoch"].Success ? m.Groups["epoch"].Value : "0")).Append('!');
        var release = m.Groups["release"].Value.Split('.').Select(Number).ToList();
        while (release.Count > 1 && release[^1] == "0") release.RemoveAt(release.Count - 1);
        key.Append(string.Join('.', release));
        if (m.Groups["pre_l"].Success)
        {
            var label = m.Groups["pre_l"].Value.ToLowerInvariant() switch
            {
                "alpha" or "a" => "a",
                "beta" or "b" => "b",
                _ => "rc",
            };
            key.Append(label).Append(Number(m.Groups["pre_n"].Success ? m.Groups["pre_n"].Value : "0"));
        }
        if (m.Groups["post_n1"].Success) key.Append(".post").Append(Number(m.Groups["post_n1"].Value));
        else if (m.Groups["post_l"].Success) key.Append(".post").Append(Number(m.Groups["post_n2"].Success ? m.Groups["post_n2"].Value : "0"));
        if (m.Groups["dev_l"].Success) key.Append(".dev").Append(Number(m.Groups["dev_n"].Success ? m.Groups["dev_n"].Value : "0"));
        if (m.Groups["local"].Success) key.Append('+').Append(string.Join('.', m.Groups["local"].Value.ToLowerInvariant().Split('-', '_', '.').Select(NumberOrText)));
        return key.ToString();
    }

    private static string Number(string digits) => digits.TrimStart('0') is { Length: > 0 } n ? n : "0";

    private static string NumberOrText(string part) => part.All(char.IsAsciiDigit) ? Number(part) : part;
}

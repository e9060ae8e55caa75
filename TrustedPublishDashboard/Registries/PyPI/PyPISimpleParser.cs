using System.Globalization;
using System.Text.Json;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.PyPI;

/// <summary>
/// Reads one project's Simple API JSON (<c>GET &lt;base&gt;/simple/&lt;project&gt;/</c> with
/// <c>Accept: application/vnd.pypi.simple.v1+json</c>): meta.api-version, name, versions and per file its name, the
/// version derived from it, upload-time, yanked, provenance and size. Pure; unknown keys are ignored; bad input is an
/// error value, never an exception.
/// https://peps.python.org/pep-0691/ · https://peps.python.org/pep-0700/ · https://peps.python.org/pep-0740/
/// </summary>
public static class PyPISimpleParser
{
    public const string MediaType = "application/vnd.pypi.simple.v1+json";

    /// <summary>The only api-version major this reader understands (PEP 629: a new major means clients must not guess).</summary>
    public const int SupportedMajor = 1;

    /// <summary>The largest projects' indexes are a few megabytes; far beyond that is not an index.</summary>
    public const long DefaultMaxBytes = 64L << 20;

    public const int MaxFiles = 250_000;

    /// <summary>The document nests four deep (root, files, file, hashes); a little slack, no more.</summary>
    public const int MaxDepth = 16;

    /// <param name="project">The project as requested; the document must be for its PEP 503 normal form.</param>
    public static PyPISimpleReading Parse(ReadOnlySpan<byte> body, string project, long maxBytes = DefaultMaxBytes)
    {
        if (body.Length > maxBytes) return PyPISimpleReading.Failed($"the Simple API response is larger than {maxBytes} bytes");
        if (body.IsEmpty) return PyPISimpleReading.Failed("the Simple API response is empty");
        if (RegistryJson.Load(body, MaxDepth, out var problem) is not { } document) return PyPISimpleReading.Failed("the Simple API response " + problem);
        using (document)
        {
            try
            {
                return Read(document.RootElement, PackageNames.NormalizePyPI(project));
            }
            catch (InvalidOperationException)
            {
                // Every value's kind is checked before it is read, so this is a string escape that is not text ("\ud800").
                return PyPISimpleReading.Failed("the Simple API response holds a string that is not valid text");
            }
        }
    }

    private static PyPISimpleReading Read(JsonElement root, string normalProject)
    {
        if (root.ValueKind != JsonValueKind.Object) return PyPISimpleReading.Failed("the Simple API response is not a JSON object");

        if (!root.TryGetProperty("meta", out var meta) || meta.ValueKind != JsonValueKind.Object
            || !meta.TryGetProperty("api-version", out var apiElement) || apiElement.ValueKind != JsonValueKind.String)
            return PyPISimpleReading.Failed("the response has no meta.api-version: it is not a Simple API JSON document");
        var apiVersion = apiElement.GetString()!;
        if (ApiMajor(apiVersion) is not { } major) return PyPISimpleReading.Failed($"meta.api-version '{Shorten(apiVersion)}' is not a version number");
        if (major != SupportedMajor)
            return PyPISimpleReading.Failed($"the Simple API answered with api-version {Shorten(apiVersion)}; this version reads only {SupportedMajor}.x, " +
                "and a new major version may change what the keys mean, so nothing is read from it");
        long? lastSerial = meta.TryGetProperty("_last-serial", out var serial) && serial.ValueKind == JsonValueKind.Number && serial.TryGetInt64(out var s) ? s : null;

        var name = normalProject;
        if (root.TryGetProperty("name", out var nameElement))
        {
            if (nameElement.ValueKind != JsonValueKind.String) return PyPISimpleReading.Failed("'name' is not a string");
            name = PackageNames.NormalizePyPI(nameElement.GetString()!);
            if (name != normalProject) return PyPISimpleReading.Failed($"the index is for '{Shorten(name)}', not for '{normalProject}'");
        }

        List<string>? versions = null;
        if (root.TryGetProperty("versions", out var versionsElement))
        {
            if (versionsElement.ValueKind != JsonValueKind.Array) return PyPISimpleReading.Failed("'versions' is not an array");
            versions = [];
            foreach (var v in versionsElement.EnumerateArray())
            {
                if (v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 } text) return PyPISimpleReading.Failed("'versions' holds something other than version strings");
                versions.Add(text);
            }
        }

        if (!root.TryGetProperty("files", out var filesElement) || filesElement.ValueKind != JsonValueKind.Array)
            return PyPISimpleReading.Failed("the response has no 'files' array");
        if (filesElement.GetArrayLength() > MaxFiles) return PyPISimpleReading.Failed($"the index lists more than {MaxFiles} files");

        // The listed spelling of each version under its PEP 440 key, so a file named with the normalised form finds it.
        var listed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in versions ?? []) listed.TryAdd(PyPIFilenames.VersionKey(v), v);

        var files = new List<PyPIFile>();
        var unassigned = new List<PyPIUnassignedFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var entry in filesElement.EnumerateArray())
        {
            index++;
            if (entry.ValueKind != JsonValueKind.Object || Str(entry, "filename") is not { Length: > 0 } filename)
            {
                unassigned.Add(new PyPIUnassignedFile($"(files[{index - 1}])", "the entry has no file name"));
                continue;
            }
            if (!seen.Add(filename))
            {
                unassigned.Add(new PyPIUnassignedFile(filename, "the file is listed more than once; only its first entry is read"));
                continue;
            }
            var (parts, problem) = PyPIFilenames.Derive(filename, normalProject, versions is null ? null : v => listed.ContainsKey(PyPIFilenames.VersionKey(v)));
            if (parts is null)
            {
                unassigned.Add(new PyPIUnassignedFile(filename, problem!));
                continue;
            }
            string version;
            if (versions is null) version = parts.Version;
            else if (listed.TryGetValue(PyPIFilenames.VersionKey(parts.Version), out var listedVersion)) version = listedVersion;
            else
            {
                unassigned.Add(new PyPIUnassignedFile(filename, $"the file name says version '{parts.Version}', which is not among the project's versions"));
                continue;
            }
            files.Add(ReadFile(entry, filename, version, parts.Kind));
        }
        return new PyPISimpleReading(new PyPISimpleIndex(name, apiVersion, lastSerial, versions, files, unassigned), null);
    }

    private static PyPIFile ReadFile(JsonElement entry, string filename, string version, PyPIDistributionKind kind)
    {
        string? provenance = null, provenanceError = null;
        if (entry.TryGetProperty("provenance", out var p))
        {
            if (p.ValueKind == JsonValueKind.String && Uri.TryCreate(p.GetString(), UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
                provenance = uri.AbsoluteUri;
            else if (p.ValueKind != JsonValueKind.Null)
                provenanceError = $"the index's 'provenance' for this file is {(p.ValueKind == JsonValueKind.String ? "a string that is not an http(s) URL" : RegistryJson.Describe(p.ValueKind))}, not a URL or null";
        }
        var (yanked, reason) = entry.TryGetProperty("yanked", out var y) ? y.ValueKind switch
        {
            JsonValueKind.True => (true, null),
            // PEP 592: a string is the reason, and means yanked (even an empty one).
            JsonValueKind.String => (true, y.GetString() is { Length: > 0 } r ? r : null),
            _ => (false, (string?)null),
        } : (false, null);
        long? size = entry.TryGetProperty("size", out var sz) && sz.ValueKind == JsonValueKind.Number && sz.TryGetInt64(out var n) && n >= 0 ? n : null;
        return new PyPIFile(filename, version, kind, ParseTime(Str(entry, "upload-time")), yanked, reason, provenance, size, provenanceError);
    }

    /// <summary>An RFC 3339 upload time; null when absent or unreadable.</summary>
    private static DateTimeOffset? ParseTime(string? text) =>
        text is { Length: > 0 and <= 64 }
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t : null;

    /// <summary>"1.4" → 1; null when the text does not start with a number.</summary>
    private static int? ApiMajor(string apiVersion)
    {
        var dot = apiVersion.IndexOf('.');
        var head = dot < 0 ? apiVersion : apiVersion[..dot];
        return head.Length is > 0 and <= 6 && head.All(char.IsAsciiDigit) ? int.Parse(head, CultureInfo.InvariantCulture) : null;
    }

    private static string? Str(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

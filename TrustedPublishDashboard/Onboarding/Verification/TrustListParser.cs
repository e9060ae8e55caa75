using System.Text;
using System.Text.Json;

namespace TrustedPublishDashboard.Onboarding.Verification;

/// <summary>
/// One trusted-publisher configuration as `npm trust list --json` (or the API) reports it.
/// <paramref name="Other"/> keeps every other scalar the item carried (CircleCI claims such as `org_id`, keyed by their
/// name inside `claims`; other top-level fields by their own name), arrays joined with commas.
/// </summary>
public sealed record TrustConfiguration(
    string Package,
    string? Id,
    string? Type,
    string? Repository,
    string? File,
    string? Environment,
    string? ProjectPath,
    IReadOnlyList<string> Permissions,
    IReadOnlyDictionary<string, string> Other);

/// <summary>
/// Configurations by package name, the packages whose trust list could not be read (with why), and what else was wrong.
/// A package is in <see cref="ByPackage"/> only with at least one configuration: npm prints nothing both when a package has
/// none and when the read failed, so an empty list never means "not configured" — such a package is in <see cref="Unreadable"/>.
/// </summary>
public sealed record TrustListParseResult(
    IReadOnlyDictionary<string, IReadOnlyList<TrustConfiguration>> ByPackage,
    IReadOnlyList<string> Problems,
    IReadOnlyDictionary<string, string> Unreadable);

/// <summary>
/// Reads pasted `npm trust list --json` output. npm prints one flattened object per configuration (not an array; several
/// objects one after another, possibly pretty-printed) and NOTHING when there is none or when the read failed
/// (REGISTRY-FACTS.md). So this reads any number of JSON documents (junk lines in between reported and skipped), in the
/// shapes the collector script prints (`{"package": "x", "trust": [...]}`), an object keyed by package name, an array of
/// items carrying `package`/`name`, or bare items for <c>defaultPackage</c> (they add up). Empty output is "unreadable".
/// Never throws on input; its problems are sentences for a person, never the JSON reader's messages.
/// </summary>
public static class TrustListParser
{
    public const int MaxInputBytes = 5 * 1024 * 1024;
    public const int MaxDepth = 64;
    private const int MaxProblems = 50;

    private static readonly string[] PackageKeys = ["package", "packageName", "name"];

    public static TrustListParseResult Parse(string? text, string? defaultPackage = null)
    {
        var byPackage = new Dictionary<string, IReadOnlyList<TrustConfiguration>>(StringComparer.Ordinal);
        var problems = new List<string>();
        var unreadable = new Dictionary<string, string>(StringComparer.Ordinal);
        var defaultName = string.IsNullOrWhiteSpace(defaultPackage) ? null : defaultPackage.Trim();
        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add(defaultName is null ? "Nothing was pasted." : $"Nothing was pasted. {EmptyOutput(defaultName)}");
            if (defaultName is not null) unreadable[defaultName] = EmptyOutput(defaultName);
            return new TrustListParseResult(byPackage, problems, unreadable);
        }
        if (Encoding.UTF8.GetByteCount(text) > MaxInputBytes)
        {
            problems.Add($"The pasted text is larger than {MaxInputBytes / (1024 * 1024)} MiB; paste the trust lists of fewer packages at a time.");
            return new TrustListParseResult(byPackage, problems, unreadable);
        }
        var bytes = Encoding.UTF8.GetBytes(text.TrimStart('\uFEFF'));
        // Where a package was last seen: the document's index, negative when it came as bare items for the chosen package.
        var seenIn = new Dictionary<string, int>(StringComparer.Ordinal);
        var collectorErrors = new Dictionary<string, string>(StringComparer.Ordinal);
        var options = new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        var offset = 0;
        var documentIndex = 0;
        while (true)
        {
            offset = SkipWhitespace(bytes, offset);
            if (offset >= bytes.Length) break;
            var line = LineOf(bytes, offset);
            JsonDocument? document = null;
            try
            {
                var reader = new Utf8JsonReader(bytes.AsSpan(offset), options);
                document = JsonDocument.ParseValue(ref reader);
                offset += (int)reader.BytesConsumed;
            }
            catch (JsonException ex)
            {
                Add(problems, Describe(ex, bytes, offset));
                offset = NextDocumentStart(bytes, offset);
                continue;
            }
            using (document)
            {
                documentIndex++;
                var found = new Dictionary<string, List<TrustConfiguration>>(StringComparer.Ordinal);
                ReadDocument(document.RootElement, defaultName, $"Line {line}", found, problems, collectorErrors);
                foreach (var (package, items) in found)
                {
                    // npm prints one object per configuration: bare items for the chosen package add up, document after document.
                    var bare = defaultName == package && IsBare(document.RootElement);
                    if (bare && seenIn.TryGetValue(package, out var before) && before < 0 && byPackage.TryGetValue(package, out var earlierItems))
                    {
                        byPackage[package] = earlierItems.Concat(items).ToList();
                        seenIn[package] = -documentIndex;
                        continue;
                    }
                    if (seenIn.TryGetValue(package, out var earlier) && Math.Abs(earlier) != documentIndex)
                    {
                        Add(problems, $"Line {line}: {package} appears again; the later trust list replaces the earlier one.");
                    }
                    seenIn[package] = bare ? -documentIndex : documentIndex;
                    byPackage[package] = items;
                }
            }
        }
        // An empty list is what npm's empty output became (the collector, or a hand-made paste): it proves nothing.
        foreach (var (package, items) in byPackage.Where(p => p.Value.Count == 0).ToList())
        {
            byPackage.Remove(package);
            unreadable.TryAdd(package, EmptyOutput(package));
        }
        foreach (var (package, why) in collectorErrors) unreadable[package] = why;
        foreach (var package in byPackage.Keys) unreadable.Remove(package);
        if (problems.Count >= MaxProblems) problems.Add("Further problems were not listed.");
        return new TrustListParseResult(byPackage, problems, unreadable);
    }

    /// <summary>Why empty `npm trust list --json` output says nothing (REGISTRY-FACTS.md: npm prints nothing both ways).</summary>
    public static string EmptyOutput(string package) =>
        $"npm printed no trust configuration for {package}. It prints nothing both when a package has none and when the read failed, " +
        "so this says neither: run the trust probe from the release workflow (Verify tab) to know.";

    private static void ReadDocument(JsonElement root, string? defaultPackage, string where, Dictionary<string, List<TrustConfiguration>> found, List<string> problems,
        Dictionary<string, string> errors)
    {
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                if (root.GetArrayLength() == 0)
                {
                    if (defaultPackage is not null) Items(found, defaultPackage);
                    else Add(problems, $"{where}: an empty list without a package name; paste the collector's output, or choose the package first.");
                    return;
                }
                foreach (var element in root.EnumerateArray()) ReadEntry(element, defaultPackage, where, found, problems, errors);
                return;
            case JsonValueKind.Object:
                if (PackageName(root) is { } name && (root.TryGetProperty("trust", out _) || root.TryGetProperty("error", out _)))
                {
                    ReadCollectorLine(root, name, where, found, problems, errors);
                }
                else if (LooksLikeItem(root))
                {
                    ReadEntry(root, defaultPackage, where, found, problems, errors);
                }
                else
                {
                    ReadKeyedObject(root, where, found, problems);
                }
                return;
            default:
                Add(problems, $"{where}: expected a JSON object or list, found {Describe(root.ValueKind)}.");
                return;
        }
    }

    /// <summary>The collector script's line: `{"package": "x", "trust": &lt;list&gt;}` or `{"package": "x", "error": "…"}`.</summary>
    private static void ReadCollectorLine(JsonElement line, string package, string where, Dictionary<string, List<TrustConfiguration>> found, List<string> problems,
        Dictionary<string, string> errors)
    {
        if (line.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            var message = error.ValueKind == JsonValueKind.String ? error.GetString() : Scalar(error) ?? "(no message)";
            errors[package] = $"npm could not list the trust configuration of {package}: {Truncate(message ?? "(no message)")}.";
            return;
        }
        if (!line.TryGetProperty("trust", out var trust)) return;
        ReadListFor(trust, package, where, found, problems);
    }

    /// <summary>`{"pkg-a": [...], "@s/b": [...]}`.</summary>
    private static void ReadKeyedObject(JsonElement root, string where, Dictionary<string, List<TrustConfiguration>> found, List<string> problems)
    {
        var any = false;
        foreach (var property in root.EnumerateObject())
        {
            any = true;
            var package = property.Name.Trim();
            if (package.Length == 0 || package.Any(char.IsWhiteSpace) || !Domain.PackageNames.CheckNpm(package).IsValid)
            {
                Add(problems, $"{where}: \"{Truncate(property.Name)}\" is not a package name, so its value was ignored.");
                continue;
            }
            ReadListFor(property.Value, package, where, found, problems);
        }
        if (!any) Add(problems, $"{where}: an empty object; nothing to read.");
    }

    private static void ReadListFor(JsonElement value, string package, string where, Dictionary<string, List<TrustConfiguration>> found, List<string> problems)
    {
        var items = Items(found, package);
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var element in value.EnumerateArray())
                {
                    if (element.ValueKind == JsonValueKind.Object) items.Add(ReadItem(element, package));
                    else Add(problems, $"{where}: an entry in the trust list of {package} is {Describe(element.ValueKind)}, not an object; ignored.");
                }
                return;
            case JsonValueKind.Object when LooksLikeItem(value):
                items.Add(ReadItem(value, package));
                return;
            case JsonValueKind.Object when value.EnumerateObject().Any() == false:
            case JsonValueKind.Null:
            case JsonValueKind.String when string.IsNullOrWhiteSpace(value.GetString()):
                return;
            case JsonValueKind.Object:
                // A wrapper such as {"trustedPublishers": [...]}: take the lists inside.
                foreach (var inner in value.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array))
                {
                    ReadListFor(inner.Value, package, where, found, problems);
                }
                return;
            default:
                Add(problems, $"{where}: the trust list of {package} is {Describe(value.ValueKind)}, not a list; ignored.");
                return;
        }
    }

    /// <summary>An element of a top-level list (or a top-level item): an item naming its package, a collector line, or an item for the default package.</summary>
    private static void ReadEntry(JsonElement element, string? defaultPackage, string where, Dictionary<string, List<TrustConfiguration>> found, List<string> problems,
        Dictionary<string, string> errors)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Add(problems, $"{where}: a list entry is {Describe(element.ValueKind)}, not an object; ignored.");
            return;
        }
        var name = PackageName(element);
        if (name is not null && (element.TryGetProperty("trust", out _) || element.TryGetProperty("error", out _)))
        {
            ReadCollectorLine(element, name, where, found, problems, errors);
            return;
        }
        var package = name ?? defaultPackage;
        if (package is null)
        {
            Add(problems, $"{where}: a trust configuration without a package name; paste the collector's output, or choose the package first.");
            return;
        }
        Items(found, package).Add(ReadItem(element, package));
    }

    /// <summary>A document of bare configuration items (no package named anywhere): `npm trust list &lt;pkg&gt; --json` itself.</summary>
    private static bool IsBare(JsonElement root) => root.ValueKind switch
    {
        JsonValueKind.Object => PackageName(root) is null && LooksLikeItem(root),
        JsonValueKind.Array => root.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object && PackageName(e) is null),
        _ => false,
    };

    private static List<TrustConfiguration> Items(Dictionary<string, List<TrustConfiguration>> found, string package)
    {
        if (!found.TryGetValue(package, out var items)) found[package] = items = [];
        return items;
    }

    private static string? PackageName(JsonElement obj)
    {
        foreach (var key in PackageKeys)
        {
            if (obj.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { } s && !string.IsNullOrWhiteSpace(s))
            {
                return s.Trim();
            }
        }
        return null;
    }

    private static bool LooksLikeItem(JsonElement obj)
    {
        foreach (var p in obj.EnumerateObject())
        {
            var kind = p.Value.ValueKind;
            var marker = p.Name switch
            {
                "claims" => kind == JsonValueKind.Object,
                "permissions" => kind == JsonValueKind.Array,
                "id" => kind is JsonValueKind.String or JsonValueKind.Number,
                "workflow_ref" or "ci_config_ref_uri" => kind is JsonValueKind.String or JsonValueKind.Object,
                "type" or "provider" or "repository" or "repo" or "file" or "project" or "project_path" or "environment" or "env" => kind == JsonValueKind.String,
                _ => false,
            };
            if (marker) return true;
        }
        return false;
    }

    /// <summary>Reads one item: the API's `{id, type, claims:{…}, permissions}` or a flat variant (`file`, `repository`/`repo`, `project`, `environment`/`env`).</summary>
    private static TrustConfiguration ReadItem(JsonElement item, string package)
    {
        var claims = item.TryGetProperty("claims", out var c) && c.ValueKind == JsonValueKind.Object ? c : (JsonElement?)null;
        var consumedTop = new HashSet<string>(StringComparer.Ordinal) { "claims", "package", "packageName", "name" };
        var consumedClaims = new HashSet<string>(StringComparer.Ordinal);

        string? Take(params string[] keys)
        {
            foreach (var key in keys)
            {
                if (claims is { } cl && cl.TryGetProperty(key, out var v) && Scalar(v) is { } fromClaims) { consumedClaims.Add(key); return fromClaims; }
                if (item.TryGetProperty(key, out var w) && Scalar(w) is { } fromItem) { consumedTop.Add(key); return fromItem; }
            }
            return null;
        }

        string? TakeFile(string key)
        {
            if (claims is { } cl && cl.TryGetProperty(key, out var v) && FileOf(v) is { } fromClaims) { consumedClaims.Add(key); return fromClaims; }
            if (item.TryGetProperty(key, out var w) && FileOf(w) is { } fromItem) { consumedTop.Add(key); return fromItem; }
            return null;
        }

        var id = Take("id");
        var type = Take("type", "provider")?.Trim().ToLowerInvariant();
        var repository = Take("repository", "repo");
        var file = TakeFile("workflow_ref") ?? TakeFile("ci_config_ref_uri") ?? Take("file", "workflow", "workflow_file", "ci_file");
        var environment = Take("environment", "env");
        var projectPath = Take("project_path", "project");
        var permissions = ReadPermissions(item, claims, consumedTop, consumedClaims);

        if (type is null)
        {
            bool Has(string key) => (claims is { } cl && cl.TryGetProperty(key, out _)) || item.TryGetProperty(key, out _);
            type = Has("org_id") || Has("vcs_origin") ? "circleci" : projectPath is not null ? "gitlab" : repository is not null ? "github" : null;
        }

        var other = new Dictionary<string, string>(StringComparer.Ordinal);
        if (claims is { } claimElement) Flatten(claimElement, "", consumedClaims, other);
        Flatten(item, "", consumedTop, other);
        return new TrustConfiguration(package, id, type, repository, file, environment, projectPath, permissions, other);
    }

    private static IReadOnlyList<string> ReadPermissions(JsonElement item, JsonElement? claims, HashSet<string> consumedTop, HashSet<string> consumedClaims)
    {
        JsonElement value;
        if (item.TryGetProperty("permissions", out value)) consumedTop.Add("permissions");
        else if (claims is { } cl && cl.TryGetProperty("permissions", out value)) consumedClaims.Add("permissions");
        else return [];
        return value.ValueKind switch
        {
            JsonValueKind.Array => value.EnumerateArray().Select(Scalar).OfType<string>().ToList(),
            JsonValueKind.String => value.GetString()!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            // {"createPackage": true, ...}
            JsonValueKind.Object => value.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.True).Select(p => p.Name).ToList(),
            _ => [],
        };
    }

    /// <summary>`{"file": "release.yml"}` or a ref URI string.</summary>
    private static string? FileOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object when value.TryGetProperty("file", out var f) => Scalar(f),
        JsonValueKind.String => FileFromRef(value.GetString()!),
        _ => null,
    };

    /// <summary>`gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main` → `.gitlab-ci.yml`; `o/r/.github/workflows/release.yml@refs/…` → `release.yml`.</summary>
    private static string? FileFromRef(string value)
    {
        var v = value.Trim();
        var at = v.IndexOf('@');
        if (at >= 0) v = v[..at];
        var slash = v.LastIndexOf('/');
        v = slash >= 0 ? v[(slash + 1)..] : v;
        return v.Length == 0 ? null : v;
    }

    private static void Flatten(JsonElement obj, string prefix, HashSet<string> consumed, Dictionary<string, string> into)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (prefix.Length == 0 && consumed.Contains(property.Name)) continue;
            var key = prefix + property.Name;
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.Object:
                    Flatten(property.Value, key + ".", consumed, into);
                    break;
                case JsonValueKind.Array:
                    into.TryAdd(key, string.Join(",", property.Value.EnumerateArray().Select(Scalar).OfType<string>()));
                    break;
                default:
                    if (Scalar(property.Value) is { } s) into.TryAdd(key, s);
                    break;
            }
        }
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>What a JSON value is, in a person's words (shared with <see cref="TrustProbeReportParser"/>).</summary>
    internal static string Describe(JsonValueKind kind, string text = "a string") => kind switch
    {
        JsonValueKind.String => text,
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "true/false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static string Describe(JsonException ex, byte[] bytes, int offset)
    {
        var line = LineOf(bytes, offset) + (int)(ex.LineNumber ?? 0);
        var reason = ex.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0) reason = reason[..cut].TrimEnd();
        if (reason.Contains("depth", StringComparison.OrdinalIgnoreCase) && reason.Contains(MaxDepth.ToString(), StringComparison.Ordinal))
        {
            return $"Line {line}: the JSON is nested deeper than {MaxDepth} levels and was ignored.";
        }
        if (EndsMidValue(bytes.AsSpan(offset)))
        {
            return $"Line {line}: the JSON ends before it is complete (was the paste cut off?); the incomplete part was ignored.";
        }
        // The reader's own message ("Expected the literal 'null'…") means nothing to a person: show the line instead.
        return $"This is not the output of `npm trust list --json`: line {line} is not JSON (it reads \"{LineText(bytes, line)}\"), so it was skipped " +
            "up to the next line that starts with { or [.";
    }

    /// <summary>The start of a line (1-based) as a person sees it, without control characters.</summary>
    private static string LineText(byte[] bytes, int line)
    {
        var start = 0;
        for (var n = 1; n < line && start < bytes.Length; n++)
        {
            var next = Array.IndexOf(bytes, (byte)'\n', start);
            if (next < 0) return "";
            start = next + 1;
        }
        var end = Array.IndexOf(bytes, (byte)'\n', start);
        var length = Math.Min((end < 0 ? bytes.Length : end) - start, 200);
        var text = Encoding.UTF8.GetString(bytes, start, Math.Max(length, 0));
        text = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return text.Length <= 40 ? text : text[..40] + "…";
    }

    /// <summary>Whether the document is valid as far as it goes and only lacks its end (a cut-off paste), rather than malformed.</summary>
    private static bool EndsMidValue(ReadOnlySpan<byte> document)
    {
        try
        {
            var reader = new Utf8JsonReader(document, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }));
            while (reader.Read())
            {
                // The first value completed: whatever is wrong comes after it, so it is not a cut-off value.
                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return false;
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>After a broken document: the next line (after the one it started on) that starts with `{` or `[`.</summary>
    private static int NextDocumentStart(byte[] bytes, int offset)
    {
        var position = Array.IndexOf(bytes, (byte)'\n', offset);
        while (position >= 0 && position + 1 < bytes.Length)
        {
            var next = position + 1;
            if (bytes[next] is (byte)'{' or (byte)'[') return next;
            position = Array.IndexOf(bytes, (byte)'\n', next);
        }
        return bytes.Length;
    }

    private static int SkipWhitespace(byte[] bytes, int offset)
    {
        while (offset < bytes.Length && IsWhitespace(bytes[offset])) offset++;
        return offset;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static int LineOf(byte[] bytes, int offset) => 1 + bytes.AsSpan(0, Math.Min(offset, bytes.Length)).Count((byte)'\n');

    private static string Truncate(string s) => s.Length <= 60 ? s : s[..60] + "…";

    private static void Add(List<string> problems, string problem)
    {
        if (problems.Count < MaxProblems) problems.Add(problem);
    }
}

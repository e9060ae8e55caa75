using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TrustedPublishDashboard.Onboarding.Verification;

/// <summary>What a trust list or a trust probe says about one package's trust configuration.</summary>
public enum TrustReadState
{
    /// <summary>A configuration matches the plan's publisher (a matching trust list item, or the probe's 201).</summary>
    Configured,
    /// <summary>No configuration matches (a differing trust list item, or the probe's 404).</summary>
    NotConfigured,
    /// <summary>The read failed or proves nothing (empty `npm trust list` output, the probe's 403/5xx/no answer): nothing changes.</summary>
    Unreadable,
}

/// <summary>A package whose trust configuration could not be read, and why, in a person's words.</summary>
public sealed record UnreadableTrust(string Package, string Why);

/// <summary>One package's answer in a probe report: the OIDC exchange's HTTP status (null = no answer) and any error text.</summary>
public sealed record TrustProbeResult(string Package, int? Status, string? Error)
{
    public TrustReadState State => Status switch
    {
        201 => TrustReadState.Configured,
        404 => TrustReadState.NotConfigured,
        _ => TrustReadState.Unreadable,
    };

    /// <summary>Why the probe could not tell, for <see cref="TrustReadState.Unreadable"/>.</summary>
    public string UnreadableReason => (Status switch
    {
        null => "the probe got no answer from the registry",
        403 => "the registry refused the OIDC exchange (403): usually the job lacks `id-token: write` or runs on a self-hosted runner",
        401 => "the registry rejected the ID token (401)",
        429 => "the registry was rate-limiting (429)",
        >= 500 and <= 599 => $"the registry failed ({Status})",
        _ => $"the registry answered {Status}, which says neither yes nor no",
    }) + (Error is { Length: > 0 } e ? $" — {e}" : "");
}

/// <summary>
/// The report the generated release workflow's trust probe prints and uploads (schema
/// <see cref="TrustProbeReportParser.Schema"/>; the shared contract of issue #12): who ran the probe (repository,
/// workflow file, environment — npm checks exactly these), where and when, and the exchange's answer per package.
/// </summary>
public sealed record TrustProbeReport(
    string Registry,
    string Repository,
    string Workflow,
    string? Environment,
    string? RunUrl,
    DateTimeOffset? RanAt,
    IReadOnlyList<TrustProbeResult> Results);

/// <summary>A read report, or the one sentence that says why the input is not one (then nothing may change).</summary>
public sealed record TrustProbeParseResult(TrustProbeReport? Report, string? Problem, IReadOnlyList<string> Notes)
{
    public static TrustProbeParseResult Fail(string problem) => new(null, problem, []);
}

/// <summary>
/// Reads a trust-probe report: the JSON alone, the artifact file, or a whole job log with the report between the
/// BEGIN/END lines (GitHub prefixes every log line with a timestamp; the script's own source, echoed in the log, holds the
/// marker text inside a line and is not taken for it). Strict, because it moves steps: any wrong type, unknown schema or
/// oversized input refuses the whole report with a sentence a person understands. Never throws on input.
/// </summary>
public static partial class TrustProbeReportParser
{
    public const string Schema = "trusted-publish-dashboard/trust-probe/v1";
    public const string BeginMarker = "----- BEGIN TRUST PROBE REPORT -----";
    public const string EndMarker = "----- END TRUST PROBE REPORT -----";
    public const int MaxInputBytes = 5 * 1024 * 1024;
    /// <summary>The report is three levels deep; anything deeper is not a report.</summary>
    public const int MaxDepth = 8;
    public const int MaxResults = 10_000;
    private const int MaxErrorLength = 300;

    private const string NotAReport = "This is not a trust-probe report";

    public static TrustProbeParseResult Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return TrustProbeParseResult.Fail("Nothing was pasted: paste the trust probe's report (or the whole job log), or upload trust-probe-report.json.");
        if (Encoding.UTF8.GetByteCount(text) > MaxInputBytes)
            return TrustProbeParseResult.Fail($"The report is larger than {MaxInputBytes / (1024 * 1024)} MiB, far more than a probe prints: paste only the part between the BEGIN and END lines. Nothing was changed.");
        var (json, extractProblem) = Extract(text.TrimStart('\uFEFF'));
        if (extractProblem is not null) return TrustProbeParseResult.Fail(extractProblem);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json!, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            var deep = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase);
            return TrustProbeParseResult.Fail(deep
                ? $"{NotAReport}: it is nested deeper than a report ever is. Nothing was changed."
                : $"{NotAReport}: the text is not one complete JSON document (was the paste cut off, or is it another step's output?). " +
                  "Paste the job log with its BEGIN and END lines, or the JSON between them. Nothing was changed.");
        }
        using (document)
        {
            return Read(document.RootElement);
        }
    }

    private static TrustProbeParseResult Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return TrustProbeParseResult.Fail($"{NotAReport}: it is {Kind(root)}, not a JSON object. Nothing was changed.");
        var schema = root.TryGetProperty("schema", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (schema != Schema)
            return TrustProbeParseResult.Fail(schema is null
                ? $"{NotAReport}: it has no \"schema\": \"{Schema}\". Nothing was changed."
                : $"{NotAReport} this dashboard reads: its schema is \"{Cut(schema, 80)}\", and this dashboard reads \"{Schema}\". Nothing was changed.");

        string? Text(string name, bool required, out string? problem)
        {
            problem = null;
            if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (required) problem = $"The report has no \"{name}\". Nothing was changed.";
                return null;
            }
            if (v.ValueKind != JsonValueKind.String)
            {
                problem = $"The report's \"{name}\" is {Kind(v)}, not text. Nothing was changed.";
                return null;
            }
            var t = v.GetString()!.Trim();
            if (t.Length > 500) problem = $"The report's \"{name}\" is longer than any real value. Nothing was changed.";
            return t.Length == 0 ? null : t;
        }

        var registry = Text("registry", true, out var p1);
        var repository = Text("repository", true, out var p2);
        var workflow = Text("workflow", true, out var p3);
        var environment = Text("environment", false, out var p4);
        var runUrl = Text("runUrl", false, out var p5);
        var ranAtText = Text("ranAt", false, out var p6);
        if (new[] { p1, p2, p3, p4, p5, p6 }.FirstOrDefault(p => p is not null) is { } fieldProblem) return TrustProbeParseResult.Fail(fieldProblem);
        if (registry is null || !Uri.TryCreate(registry, UriKind.Absolute, out var registryUri) || registryUri.Scheme is not ("http" or "https"))
            return TrustProbeParseResult.Fail("The report's \"registry\" is not an http(s) address. Nothing was changed.");
        if (repository is null || !RepositoryPattern().IsMatch(repository))
            return TrustProbeParseResult.Fail($"The report's \"repository\" should read owner/repo; it reads \"{Cut(repository ?? "", 80)}\". Nothing was changed.");
        if (workflow is null || !WorkflowPattern().IsMatch(workflow))
            return TrustProbeParseResult.Fail($"The report's \"workflow\" should be a workflow file name such as release.yml; it reads \"{Cut(workflow ?? "", 80)}\". Nothing was changed.");
        // Only ever shown as a link: anything but an http(s) address is dropped rather than rendered.
        var notes = new List<string>();
        if (runUrl is not null && !(Uri.TryCreate(runUrl, UriKind.Absolute, out var run) && run.Scheme is "https" or "http"))
        {
            notes.Add("The report's run address is not an http(s) address, so it is not shown.");
            runUrl = null;
        }
        DateTimeOffset? ranAt = null;
        if (ranAtText is not null)
        {
            if (DateTimeOffset.TryParse(ranAtText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)) ranAt = at;
            else return TrustProbeParseResult.Fail($"The report's \"ranAt\" is not a date and time (\"{Cut(ranAtText, 40)}\"). Nothing was changed.");
        }

        if (!root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array)
            return TrustProbeParseResult.Fail("The report's \"results\" should be a list of {\"package\", \"status\"} entries. Nothing was changed.");
        if (results.GetArrayLength() > MaxResults)
            return TrustProbeParseResult.Fail($"The report lists more than {MaxResults:N0} packages, more than any plan. Nothing was changed.");
        var byPackage = new Dictionary<string, TrustProbeResult>(StringComparer.Ordinal);
        var index = 0;
        foreach (var entry in results.EnumerateArray())
        {
            index++;
            if (entry.ValueKind != JsonValueKind.Object)
                return TrustProbeParseResult.Fail($"Entry {index} of the report's results is {Kind(entry)}, not a {{\"package\", \"status\"}} object. Nothing was changed.");
            if (!entry.TryGetProperty("package", out var pkg) || pkg.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(pkg.GetString()))
                return TrustProbeParseResult.Fail($"Entry {index} of the report's results has no package name. Nothing was changed.");
            var name = pkg.GetString()!.Trim();
            if (name.Length > 214 || name.Any(char.IsWhiteSpace) || name.Any(char.IsControl))
                return TrustProbeParseResult.Fail($"Entry {index} of the report's results names \"{Cut(name, 60)}\", which is not a package name. Nothing was changed.");
            int? status;
            if (!entry.TryGetProperty("status", out var st) || st.ValueKind == JsonValueKind.Null) status = null;
            else if (st.ValueKind == JsonValueKind.Number && st.TryGetInt32(out var code) && code is >= 100 and <= 599) status = code;
            else return TrustProbeParseResult.Fail($"The status of {Cut(name, 60)} in the report is {Describe(st)}, not an HTTP status or null. Nothing was changed.");
            string? error = null;
            if (entry.TryGetProperty("error", out var er) && er.ValueKind != JsonValueKind.Null)
            {
                if (er.ValueKind != JsonValueKind.String)
                    return TrustProbeParseResult.Fail($"The error of {Cut(name, 60)} in the report is {Kind(er)}, not text. Nothing was changed.");
                error = Cut(new string(er.GetString()!.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim(), MaxErrorLength);
            }
            if (byPackage.ContainsKey(name)) notes.Add($"{name} is in the report twice; the later answer counts.");
            byPackage[name] = new TrustProbeResult(name, status, error);
        }
        if (byPackage.Count == 0) return TrustProbeParseResult.Fail("The report lists no package: the probe had nothing to check. Nothing was changed.");
        return new TrustProbeParseResult(new TrustProbeReport(registry, repository, workflow, environment, runUrl, ranAt, byPackage.Values.ToList()), null, notes);
    }

    /// <summary>The JSON between the marker lines when there are any (the last complete block), else the whole text.</summary>
    private static (string? Json, string? Problem) Extract(string text)
    {
        var lines = text.Split('\n').Select(l => TimestampPrefix().Replace(l.TrimEnd('\r'), "")).ToList();
        var begin = lines.FindLastIndex(l => l.Trim() == BeginMarker);
        var hasEnd = lines.Any(l => l.Trim() == EndMarker);
        if (begin < 0)
        {
            return hasEnd
                ? (null, "The log has the END line of a trust-probe report but not its BEGIN line: was the start cut off? Nothing was changed.")
                : (string.Join('\n', lines), null);
        }
        var end = lines.FindIndex(begin + 1, l => l.Trim() == EndMarker);
        if (end < 0) return (null, "The log has the BEGIN line of a trust-probe report but not its END line: was the paste cut off? Nothing was changed.");
        var body = string.Join('\n', lines.Skip(begin + 1).Take(end - begin - 1));
        return string.IsNullOrWhiteSpace(body)
            ? (null, "There is nothing between the BEGIN and END lines of the trust-probe report. Nothing was changed.")
            : (body, null);
    }

    private static string Kind(JsonElement v) => TrustListParser.Describe(v.ValueKind, text: "text");

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"the text \"{Cut(v.GetString()!, 20)}\"",
        JsonValueKind.Number => $"the number {Cut(v.GetRawText(), 20)}",
        _ => Kind(v),
    };

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    // GitHub's downloaded logs start every line with `2026-11-29T10:00:00.1234567Z `.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z ?")]
    private static partial Regex TimestampPrefix();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+\.ya?ml$")]
    private static partial Regex WorkflowPattern();
}

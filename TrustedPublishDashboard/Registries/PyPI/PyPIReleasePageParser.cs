using System.Net;
using System.Text;

namespace TrustedPublishDashboard.Registries.PyPI;

/// <summary>The release page's answer to "Uploaded using Trusted Publishing?" for one file.</summary>
public enum PyPITrustedPublishingAnswer { Unknown, Yes, No }

/// <param name="Reason">Why the answer is unknown (null when it is Yes or No).</param>
public sealed record PyPIPageVerdict(string Filename, PyPITrustedPublishingAnswer Answer, string? UploadedVia, string? Reason)
{
    public static PyPIPageVerdict Unknown(string filename, string reason) => new(filename, PyPITrustedPublishingAnswer.Unknown, null, reason);
}

/// <summary>Per file, what the release page says; <see cref="PageProblem"/> when the page as a whole could not be read.</summary>
public sealed record PyPIReleasePageReading(string? PageProblem, IReadOnlyDictionary<string, PyPIPageVerdict> Files)
{
    /// <summary>The verdict for a file; a file the page was not read for is unknown, never a guess.</summary>
    public PyPIPageVerdict VerdictFor(string filename) =>
        Files.TryGetValue(filename, out var verdict) ? verdict : PyPIPageVerdict.Unknown(filename, PageProblem ?? "the release page was not read for this file");
}

/// <summary>
/// Reads the release page <c>&lt;base&gt;/project/&lt;project&gt;/&lt;version&gt;/</c>: each file has a block
/// <c>&lt;div id="&lt;filename&gt;" …&gt;</c> saying "Uploaded using Trusted Publishing? Yes|No" and "Uploaded via: &lt;user agent&gt;".
/// It is the only place PyPI says a file was NOT uploaded by a trusted publisher (REGISTRY-FACTS, PyPI), so only a
/// clearly matched block gives Yes or No; anything else — no block, two blocks, a changed label, an answer that is
/// neither word, a page too large or not HTML — is unknown for that file, never token.
/// No HTML library: one linear scan over the tags with IndexOf, so a hostile page costs at most its (capped) size.
/// </summary>
public static class PyPIReleasePageParser
{
    /// <summary>Release pages with hundreds of wheels stay well under a megabyte or two.</summary>
    public const int DefaultMaxBytes = 5 << 20;

    public const string TrustedPublishingLabel = "Uploaded using Trusted Publishing?";
    public const string UploadedViaLabel = "Uploaded via:";

    /// <summary>How far after a label its value may end; the real markup ends it within a few characters.</summary>
    private const int MaxValueChars = 512;

    /// <summary>A single tag longer than this is not markup the page was written with.</summary>
    private const int MaxTagChars = 8 * 1024;

    // What ends a label's value: the end of its list item, paragraph, cell or block, whichever comes first.
    private static readonly string[] ValueTerminators = ["</li", "<li", "</p", "<p", "<br", "</div", "<div", "</dd", "<dd", "<dt", "</td", "</tr", "<h"];

    public static PyPIReleasePageReading Read(ReadOnlySpan<byte> body, IEnumerable<string> filenames, int maxBytes = DefaultMaxBytes)
    {
        var wanted = filenames.Distinct(StringComparer.Ordinal).ToList();
        if (body.Length > maxBytes) return Failed(wanted, $"the release page is larger than {maxBytes} bytes");
        string html;
        try
        {
            html = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return Failed(wanted, "the release page is not UTF-8 text");
        }
        if (!LooksLikeHtml(html)) return Failed(wanted, "the release page is not an HTML document");

        var blocks = DivBlocks(html, wanted.ToHashSet(StringComparer.Ordinal));
        var verdicts = new Dictionary<string, PyPIPageVerdict>(StringComparer.Ordinal);
        foreach (var filename in wanted)
        {
            verdicts[filename] = blocks.TryGetValue(filename, out var found) ? found switch
            {
                { Count: > 1 } => PyPIPageVerdict.Unknown(filename, "the release page has more than one block for this file"),
                [(-1, _)] => PyPIPageVerdict.Unknown(filename, "the release page's block for this file does not end"),
                [var (start, end)] => ReadBlock(filename, WithoutComments(html[start..end])),
                _ => PyPIPageVerdict.Unknown(filename, "the release page has no block for this file"),
            } : PyPIPageVerdict.Unknown(filename, "the release page has no block for this file");
        }
        return new PyPIReleasePageReading(null, verdicts);
    }

    private static PyPIReleasePageReading Failed(IEnumerable<string> filenames, string problem) =>
        new(problem, filenames.ToDictionary(f => f, f => PyPIPageVerdict.Unknown(f, problem), StringComparer.Ordinal));

    private static bool LooksLikeHtml(string html)
    {
        var head = html.AsSpan(0, Math.Min(html.Length, 4096)).TrimStart();
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.Contains("<html", StringComparison.OrdinalIgnoreCase);
    }

    private static PyPIPageVerdict ReadBlock(string filename, string block)
    {
        var (answerText, problem) = LabelValue(block, TrustedPublishingLabel);
        var via = LabelValue(block, UploadedViaLabel).Value is { Length: > 0 and <= 256 } v ? v : null;
        var answer = answerText switch
        {
            "Yes" => PyPITrustedPublishingAnswer.Yes,
            "No" => PyPITrustedPublishingAnswer.No,
            _ => PyPITrustedPublishingAnswer.Unknown,
        };
        if (answer != PyPITrustedPublishingAnswer.Unknown) return new PyPIPageVerdict(filename, answer, via, null);
        return new PyPIPageVerdict(filename, answer, via, problem ?? $"the release page answers \"{TrustedPublishingLabel}\" with \"{Shorten(answerText!)}\", neither Yes nor No");
    }

    /// <summary>The text after the one occurrence of <paramref name="label"/> up to the end of its item; tags stripped, entities decoded.</summary>
    private static (string? Value, string? Problem) LabelValue(string block, string label)
    {
        var at = block.IndexOf(label, StringComparison.Ordinal);
        if (at < 0) return (null, $"the file's block has no \"{label}\"");
        if (block.IndexOf(label, at + label.Length, StringComparison.Ordinal) >= 0) return (null, $"the file's block says \"{label}\" more than once");
        var from = at + label.Length;
        var window = block.AsSpan(from, Math.Min(MaxValueChars, block.Length - from));
        var end = -1;
        foreach (var terminator in ValueTerminators)
        {
            var t = window.IndexOf(terminator, StringComparison.OrdinalIgnoreCase);
            if (t >= 0 && (end < 0 || t < end)) end = t;
        }
        if (end < 0) return (null, $"the value after \"{label}\" does not end where expected");
        return (Text(window[..end]), null);
    }

    /// <summary>Markup to its visible text: tags dropped, entities decoded, whitespace collapsed.</summary>
    private static string Text(ReadOnlySpan<char> markup)
    {
        var text = new StringBuilder(markup.Length);
        var inTag = false;
        foreach (var c in markup)
        {
            if (c == '<') inTag = true;
            else if (c == '>' && inTag)
            {
                inTag = false;
                text.Append(' ');
            }
            else if (!inTag) text.Append(c);
        }
        var decoded = WebUtility.HtmlDecode(text.ToString());
        return string.Join(' ', decoded.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private static string WithoutComments(string markup)
    {
        if (!markup.Contains("<!--", StringComparison.Ordinal)) return markup;
        var kept = new StringBuilder(markup.Length);
        var position = 0;
        while (position < markup.Length)
        {
            var open = markup.IndexOf("<!--", position, StringComparison.Ordinal);
            if (open < 0)
            {
                kept.Append(markup, position, markup.Length - position);
                break;
            }
            kept.Append(markup, position, open - position);
            var close = markup.IndexOf("-->", open + 4, StringComparison.Ordinal);
            position = close < 0 ? markup.Length : close + 3;
        }
        return kept.ToString();
    }

    /// <summary>
    /// For each wanted id, the content range of every <c>&lt;div&gt;</c> carrying it: one pass over the tags with a stack
    /// of open divs (comments and script/style bodies skipped). A div that never closes has start -1.
    /// </summary>
    private static Dictionary<string, List<(int Start, int End)>> DivBlocks(string html, HashSet<string> wanted)
    {
        var blocks = new Dictionary<string, List<(int, int)>>(StringComparer.Ordinal);
        var open = new List<(string? Id, int ContentStart)>();
        var position = 0;
        while ((position = html.IndexOf('<', position)) >= 0)
        {
            var rest = html.AsSpan(position);
            if (rest.StartsWith("<!--", StringComparison.Ordinal))
            {
                var close = html.IndexOf("-->", position + 4, StringComparison.Ordinal);
                if (close < 0) break;
                position = close + 3;
            }
            else if (IsTag(rest, "<script") || IsTag(rest, "<style"))
            {
                var name = IsTag(rest, "<script") ? "</script" : "</style";
                var close = html.IndexOf(name, position + 1, StringComparison.OrdinalIgnoreCase);
                if (close < 0) break;
                position = close + name.Length;
            }
            else if (IsTag(rest, "<div"))
            {
                var (id, tagEnd) = ReadTag(html, position + 4);
                if (tagEnd < 0) break;
                var keep = id is not null && wanted.Contains(id) ? id : null;
                if (keep is not null && !blocks.ContainsKey(keep)) blocks[keep] = [];
                open.Add((keep, tagEnd));
                position = tagEnd;
            }
            else if (IsTag(rest, "</div"))
            {
                if (open.Count > 0)
                {
                    var (id, start) = open[^1];
                    open.RemoveAt(open.Count - 1);
                    if (id is not null) blocks[id].Add((start, position));
                }
                position += 5;
            }
            else position++;
        }
        foreach (var (id, _) in open)
        {
            if (id is not null) blocks[id].Add((-1, -1));
        }
        return blocks;
    }

    /// <summary>"&lt;div" followed by whitespace, '&gt;' or '/': not "&lt;divider".</summary>
    private static bool IsTag(ReadOnlySpan<char> at, string name) =>
        at.StartsWith(name, StringComparison.OrdinalIgnoreCase) && at.Length > name.Length && (char.IsWhiteSpace(at[name.Length]) || at[name.Length] is '>' or '/');

    /// <summary>From just after the tag name: the decoded id attribute and the index after the tag's '&gt;' (-1 when the tag does not end).</summary>
    private static (string? Id, int End) ReadTag(string html, int position)
    {
        string? id = null;
        var limit = Math.Min(html.Length, position + MaxTagChars);
        while (position < limit)
        {
            var c = html[position];
            if (c == '>') return (id, position + 1);
            if (char.IsWhiteSpace(c) || c == '/')
            {
                position++;
                continue;
            }
            var nameStart = position;
            while (position < limit && !char.IsWhiteSpace(html[position]) && html[position] is not ('=' or '>' or '/')) position++;
            var name = html.AsSpan(nameStart, position - nameStart);
            while (position < limit && char.IsWhiteSpace(html[position])) position++;
            if (position >= limit || html[position] != '=') continue;
            position++;
            while (position < limit && char.IsWhiteSpace(html[position])) position++;
            if (position >= limit) break;
            int valueStart, valueEnd;
            if (html[position] is '"' or '\'')
            {
                var quote = html[position];
                valueStart = position + 1;
                valueEnd = html.IndexOf(quote, valueStart, limit - valueStart);
                if (valueEnd < 0) break;
                position = valueEnd + 1;
            }
            else
            {
                valueStart = position;
                while (position < limit && !char.IsWhiteSpace(html[position]) && html[position] != '>') position++;
                valueEnd = position;
            }
            // A repeated id attribute: HTML keeps the first.
            if (id is null && name.Equals("id", StringComparison.OrdinalIgnoreCase)) id = WebUtility.HtmlDecode(html[valueStart..valueEnd]);
        }
        return (null, -1);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}

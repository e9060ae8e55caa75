using System.Net;
using System.Text;

namespace TrustedPublishDashboard.Registries.RubyGems;

/// <summary>
/// Reads the "Pushed by" verdict of a version page (<c>&lt;R&gt;/gems/&lt;gem&gt;/versions/&lt;number&gt;[-&lt;platform&gt;]</c>,
/// shared/REGISTRY-FACTS.md, RubyGems): the only place RubyGems says whether a gem was pushed with a user's API key.
/// A user profile link ⇒ <see cref="RubyGemsPusher.User"/>; a GitHub image titled with the trusted publisher ⇒
/// <see cref="RubyGemsPusher.TrustedPublisher"/>; anything else ⇒ <see cref="RubyGemsPusher.Unknown"/>, never a user.
/// Scans with IndexOf over a bounded window (no regular expressions, no HTML library), so hostile pages cost linear time.
/// </summary>
public static class RubyGemsVersionPageParser
{
    public const int MaxBytes = 5 * 1024 * 1024;

    /// <summary>How far after the heading the pusher may be; the real block is a few hundred characters.</summary>
    public const int WindowChars = 8 * 1024;

    /// <summary>"Pushed by" text that is not a heading (e.g. in a gem's description) is skipped; this many are tried.</summary>
    public const int MaxOccurrences = 16;

    private const string Heading = "Pushed by";
    private const string ProfilesPath = "/profiles/";

    public static RubyGemsPushedBy Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length > MaxBytes) return RubyGemsPushedBy.Unknown($"the version page is larger than {MaxBytes / (1024 * 1024)} MB");
        return Parse(Encoding.UTF8.GetString(body));
    }

    public static RubyGemsPushedBy Parse(string html)
    {
        if (html.Length > MaxBytes) return RubyGemsPushedBy.Unknown($"the version page is larger than {MaxBytes / (1024 * 1024)} MB");
        var (start, end) = FindBlock(html);
        if (start < 0) return RubyGemsPushedBy.Unknown("the version page has no \"Pushed by\" heading");
        return ReadBlock(html, start, end);
    }

    /// <summary>The text between the first "Pushed by" heading's end and the next heading (or the window's end); (-1, -1) when none.</summary>
    private static (int Start, int End) FindBlock(string html)
    {
        var from = 0;
        for (var n = 0; n < MaxOccurrences; n++)
        {
            var at = html.IndexOf(Heading, from, StringComparison.OrdinalIgnoreCase);
            if (at < 0) return (-1, -1);
            from = at + Heading.Length;
            // Inside a heading: an "<hN" opens before it and no "</h" closes in between (within a short reach).
            var reach = Math.Min(at, 512);
            var open = LastHeadingOpen(html, at - reach, at);
            if (open < 0 || html.IndexOf("</h", open, at - open, StringComparison.OrdinalIgnoreCase) >= 0) continue;
            var close = html.IndexOf("</h", from, StringComparison.OrdinalIgnoreCase);
            var closeEnd = close < 0 ? -1 : html.IndexOf('>', close);
            if (closeEnd < 0) return (-1, -1);
            var start = closeEnd + 1;
            var limit = Math.Min(html.Length, start + WindowChars);
            var next = NextHeadingOpen(html, start, limit);
            return (start, next < 0 ? limit : next);
        }
        return (-1, -1);
    }

    private static int LastHeadingOpen(string html, int from, int to)
    {
        for (var i = to - 1; i >= from; i--)
        {
            i = html.LastIndexOf("<h", i, i - from + 1, StringComparison.OrdinalIgnoreCase);
            if (i < 0) return -1;
            if (i + 2 < html.Length && html[i + 2] is >= '1' and <= '6') return i;
        }
        return -1;
    }

    private static int NextHeadingOpen(string html, int from, int to)
    {
        for (var i = from; i < to;)
        {
            i = html.IndexOf("<h", i, to - i, StringComparison.OrdinalIgnoreCase);
            if (i < 0) return -1;
            if (i + 2 < html.Length && html[i + 2] is >= '1' and <= '6') return i;
            i += 2;
        }
        return -1;
    }

    private static RubyGemsPushedBy ReadBlock(string html, int start, int end)
    {
        var handles = new List<string>();
        var publishers = new List<string?>();
        var insideProfileLink = false;
        for (var i = start; i < end;)
        {
            var lt = html.IndexOf('<', i, end - i);
            if (lt < 0) break;
            var gt = html.IndexOf('>', lt, end - lt);
            if (gt < 0) break;
            var tag = html.AsSpan(lt + 1, gt - lt - 1);
            i = gt + 1;
            if (IsTag(tag, "a"))
            {
                var href = Attribute(tag, "href");
                if (ProfileHandle(href) is { } handle)
                {
                    if (!handles.Contains(handle, StringComparer.Ordinal)) handles.Add(handle);
                    insideProfileLink = true;
                }
                else if (href?.Contains(ProfilesPath, StringComparison.OrdinalIgnoreCase) == true)
                {
                    return RubyGemsPushedBy.Unknown("the \"Pushed by\" profile link names no recognisable handle");
                }
            }
            else if (IsTag(tag, "/a"))
            {
                insideProfileLink = false;
            }
            else if (IsTag(tag, "img") && !insideProfileLink)
            {
                var src = Attribute(tag, "src");
                var alt = Attribute(tag, "alt");
                var title = Attribute(tag, "title");
                if (Mentions(src, "github") || Mentions(alt, "github") || Mentions(title, "github"))
                    publishers.Add(string.IsNullOrWhiteSpace(title) ? null : title.Trim());
            }
        }
        return (handles.Count, publishers.Count) switch
        {
            (1, 0) => new RubyGemsPushedBy(RubyGemsPusher.User, Handle: handles[0]),
            (0, > 0) when publishers[0] is { } title => new RubyGemsPushedBy(RubyGemsPusher.TrustedPublisher, TrustedPublisher: title),
            (0, > 0) => RubyGemsPushedBy.Unknown("the \"Pushed by\" GitHub image has no title naming the trusted publisher"),
            (0, 0) => RubyGemsPushedBy.Unknown("the \"Pushed by\" heading is followed by markup this version does not recognise"),
            _ => RubyGemsPushedBy.Unknown("the \"Pushed by\" block names more than one pusher"),
        };
    }

    private static bool IsTag(ReadOnlySpan<char> tag, string name) =>
        tag.StartsWith(name, StringComparison.OrdinalIgnoreCase) && (tag.Length == name.Length || char.IsWhiteSpace(tag[name.Length]) || tag[name.Length] == '/');

    private static bool Mentions(string? value, string word) => value?.Contains(word, StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>"/profiles/handle" or "https://host/profiles/handle" (optionally followed by '/', '?', '#') → "handle".</summary>
    public static string? ProfileHandle(string? href)
    {
        if (href is null) return null;
        var path = href;
        if (Uri.TryCreate(href, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http") path = uri.AbsolutePath;
        if (!path.StartsWith(ProfilesPath, StringComparison.Ordinal)) return null;
        var rest = path[ProfilesPath.Length..];
        var stop = rest.IndexOfAny(['/', '?', '#']);
        var handle = stop < 0 ? rest : rest[..stop];
        return RubyGemsNames.IsSafeSegment(handle, maxLength: 64) ? handle : null;
    }

    /// <summary>An attribute's value (quoted or bare), entity-decoded; null when absent.</summary>
    private static string? Attribute(ReadOnlySpan<char> tag, string name)
    {
        for (var i = 0; i < tag.Length;)
        {
            var at = tag[i..].IndexOf(name, StringComparison.OrdinalIgnoreCase);
            if (at < 0) return null;
            at += i;
            i = at + name.Length;
            if (at == 0 || !char.IsWhiteSpace(tag[at - 1])) continue;
            var j = i;
            while (j < tag.Length && char.IsWhiteSpace(tag[j])) j++;
            if (j >= tag.Length || tag[j] != '=') continue;
            j++;
            while (j < tag.Length && char.IsWhiteSpace(tag[j])) j++;
            if (j >= tag.Length) return "";
            ReadOnlySpan<char> value;
            if (tag[j] is '"' or '\'')
            {
                var quote = tag[j];
                var close = tag[(j + 1)..].IndexOf(quote);
                value = close < 0 ? tag[(j + 1)..] : tag.Slice(j + 1, close);
            }
            else
            {
                var stop = tag[j..].IndexOfAny(' ', '\t', '\n');
                value = stop < 0 ? tag[j..] : tag.Slice(j, stop);
            }
            return WebUtility.HtmlDecode(value.ToString());
        }
        return null;
    }
}

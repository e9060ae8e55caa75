namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// One workspace pattern as npm, yarn, pnpm and lerna write them, matched against folder paths of the snapshot
/// (never the file system). Supported: `*` and `?` within one segment, `**` for any number of segments
/// (including none), `{a,b}` alternatives, a leading `!` to exclude, and a leading `./` or trailing `/`.
/// As in their glob libraries, wildcards do not match names starting with '.', and nothing matches under
/// node_modules.
/// </summary>
public sealed class WorkspaceGlob
{
    public const int MaxLength = 1024;
    public const int MaxSegments = 64;
    /// <summary>Brace alternatives one pattern may expand to; `{a,b}{c,d}…` grows exponentially.</summary>
    public const int MaxAlternatives = 64;

    private readonly string[][] _alternatives;

    private WorkspaceGlob(string pattern, bool isExclusion, string[][] alternatives)
    {
        Pattern = pattern;
        IsExclusion = isExclusion;
        _alternatives = alternatives;
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>A `!pattern`: folders it matches are not workspaces even when another pattern matches them.</summary>
    public bool IsExclusion { get; }

    /// <returns>The glob; or neither glob nor error for a pattern naming the root (".", "./"), which is
    /// considered on its own; or why the pattern cannot be used.</returns>
    public static (WorkspaceGlob? Glob, string? Error) Parse(string pattern)
    {
        var body = pattern.Trim();
        var isExclusion = false;
        while (body.StartsWith('!'))
        {
            isExclusion = !isExclusion;
            body = body[1..];
        }
        if (body.Length > MaxLength) return (null, $"the workspace pattern '{Shorten(pattern)}' is longer than {MaxLength} characters");
        if (body.StartsWith('/')) return (null, $"the workspace pattern '{Shorten(pattern)}' is an absolute path");
        while (body.StartsWith("./", StringComparison.Ordinal)) body = body[2..];
        body = body.TrimEnd('/');

        var alternatives = new List<string>();
        if (!Expand(body, alternatives)) return (null, $"the workspace pattern '{Shorten(pattern)}' expands to more than {MaxAlternatives} alternatives");

        var compiled = new List<string[]>();
        foreach (var alternative in alternatives)
        {
            var segments = alternative.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
            if (segments.Contains("..")) return (null, $"the workspace pattern '{Shorten(pattern)}' points outside the repository");
            if (segments.Count > MaxSegments) return (null, $"the workspace pattern '{Shorten(pattern)}' has more than {MaxSegments} segments");
            // Consecutive `**` mean the same as one and only cost matching time.
            var collapsed = segments.Where((s, i) => !(s == "**" && i > 0 && segments[i - 1] == "**")).ToArray();
            if (collapsed.Length > 0) compiled.Add(collapsed);
        }
        return compiled.Count == 0 ? (null, null) : (new WorkspaceGlob(pattern, isExclusion, [.. compiled]), null);
    }

    /// <summary>Whether the folder matches the pattern's body (ignoring <see cref="IsExclusion"/>).</summary>
    public bool Matches(string directory)
    {
        if (directory.Length == 0 || ArchivePath.IsUnderNodeModules(directory)) return false;
        var segments = directory.Split('/');
        return _alternatives.Any(alternative => MatchSegments(alternative, segments));
    }

    /// <summary>A folder is selected when an including pattern matches it and no excluding one does.</summary>
    public static bool Selects(IReadOnlyList<WorkspaceGlob> globs, string directory) =>
        globs.Any(g => !g.IsExclusion && g.Matches(directory)) && !globs.Any(g => g.IsExclusion && g.Matches(directory));

    // Table over (pattern segment, path segment) suffixes: O(pattern × path) segment comparisons, no backtracking blow-up.
    private static bool MatchSegments(string[] pattern, string[] path)
    {
        var matches = new bool[pattern.Length + 1, path.Length + 1];
        matches[pattern.Length, path.Length] = true;
        for (var p = pattern.Length - 1; p >= 0; p--)
        {
            for (var s = path.Length; s >= 0; s--)
            {
                matches[p, s] = pattern[p] == "**"
                    ? matches[p + 1, s] || (s < path.Length && !IsHidden(path[s]) && matches[p, s + 1])
                    : s < path.Length && MatchSegment(pattern[p], path[s]) && matches[p + 1, s + 1];
            }
        }
        return matches[0, 0];
    }

    private static bool IsHidden(string segment) => segment.StartsWith('.');

    // `*` and `?` within one segment; the classic two-pointer match with one backtrack point is linear-ish and exact.
    private static bool MatchSegment(string pattern, string name)
    {
        if (IsHidden(name) && !pattern.StartsWith('.')) return false;
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]) && pattern[p] != '*')
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    /// <summary>Expands the first `{a,b}` group (braces without a top-level comma are literal); false past the cap.</summary>
    private static bool Expand(string pattern, List<string> into)
    {
        for (var open = pattern.IndexOf('{'); open >= 0; open = pattern.IndexOf('{', open + 1))
        {
            var (close, commas, depth) = (-1, new List<int>(), 0);
            for (var i = open; i < pattern.Length && close < 0; i++)
            {
                switch (pattern[i])
                {
                    case '{': depth++; break;
                    case '}': if (--depth == 0) close = i; break;
                    case ',': if (depth == 1) commas.Add(i); break;
                }
            }
            if (close < 0 || commas.Count == 0) continue;

            var start = open + 1;
            foreach (var end in commas.Append(close))
            {
                if (!Expand(pattern[..open] + pattern[start..end] + pattern[(close + 1)..], into)) return false;
                start = end + 1;
            }
            return true;
        }
        into.Add(pattern);
        return into.Count <= MaxAlternatives;
    }

    private static string Shorten(string pattern) => ArchivePath.Display(pattern);
}

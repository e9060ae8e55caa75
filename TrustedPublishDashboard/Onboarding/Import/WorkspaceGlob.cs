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

    private enum Kind { Literal, Wildcard, Globstar }

    /// <summary>One '/'-separated piece of a pattern, classified once so matching does not re-inspect it per folder.</summary>
    private readonly record struct Segment(Kind Kind, string Text)
    {
        public static Segment Of(string text) => new(
            text == "**" ? Kind.Globstar : text.AsSpan().IndexOfAny('*', '?') >= 0 ? Kind.Wildcard : Kind.Literal,
            text);
    }

    private readonly Segment[][] _alternatives;

    private WorkspaceGlob(string pattern, bool isExclusion, Segment[][] alternatives)
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
    public static (WorkspaceGlob? Glob, string? Error) Parse(string pattern) => Parse(pattern, DiscoveryBudget.Unlimited());

    /// <summary>As <see cref="Parse(string)"/>, charging the pattern's brace alternatives to a discovery's budget before expanding them.</summary>
    internal static (WorkspaceGlob? Glob, string? Error) Parse(string pattern, DiscoveryBudget budget)
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

        var braces = BraceExpansion.Parse(body);
        var count = BraceExpansion.Count(braces, MaxAlternatives);
        if (count > MaxAlternatives) return (null, $"the workspace pattern '{Shorten(pattern)}' expands to more than {MaxAlternatives} alternatives");
        budget.SpendAlternatives(count);

        var compiled = new List<Segment[]>();
        foreach (var alternative in BraceExpansion.Expand(braces))
        {
            var segments = alternative.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
            if (segments.Contains("..")) return (null, $"the workspace pattern '{Shorten(pattern)}' points outside the repository");
            if (segments.Count > MaxSegments) return (null, $"the workspace pattern '{Shorten(pattern)}' has more than {MaxSegments} segments");
            // Consecutive `**` mean the same as one and only cost matching time.
            var collapsed = segments.Where((s, i) => !(s == "**" && i > 0 && segments[i - 1] == "**")).Select(Segment.Of).ToArray();
            if (collapsed.Length > 0) compiled.Add(collapsed);
        }
        return compiled.Count == 0 ? (null, null) : (new WorkspaceGlob(pattern, isExclusion, [.. compiled]), null);
    }

    /// <summary>Whether the folder matches the pattern's body (ignoring <see cref="IsExclusion"/>).</summary>
    public bool Matches(string directory) =>
        Folder(directory) is { } segments && Matches(segments, DiscoveryBudget.Unlimited());

    /// <summary>A folder is selected when an including pattern matches it and no excluding one does.</summary>
    public static bool Selects(IReadOnlyList<WorkspaceGlob> globs, string directory) =>
        Folder(directory) is { } segments && Selects(globs, segments, DiscoveryBudget.Unlimited());

    /// <summary>As <see cref="Selects(IReadOnlyList{WorkspaceGlob}, string)"/> for a folder already split (and not under node_modules), charging the budget.</summary>
    internal static bool Selects(IReadOnlyList<WorkspaceGlob> globs, string[] folder, DiscoveryBudget budget) =>
        globs.Any(g => !g.IsExclusion && g.Matches(folder, budget)) && !globs.Any(g => g.IsExclusion && g.Matches(folder, budget));

    /// <summary>The folder's names, or null for the root and anything under node_modules, which no pattern matches.</summary>
    internal static string[]? Folder(string directory) =>
        directory.Length == 0 || ArchivePath.IsUnderNodeModules(directory) ? null : directory.Split('/');

    /// <summary>Whether the split folder matches; every step is charged to the budget, which may stop the discovery.</summary>
    internal bool Matches(string[] folder, DiscoveryBudget budget)
    {
        foreach (var alternative in _alternatives)
        {
            if (MatchSegments(alternative, folder, budget)) return true;
        }
        return false;
    }

    // The pattern's segments as an automaton run once along the folder: the set of pattern positions reachable
    // after each name. Work is (names × pattern segments), linear in the path, never the exponential number of
    // ways a backtracking matcher tries to split a path between several `**`.
    private static bool MatchSegments(Segment[] pattern, string[] folder, DiscoveryBudget budget)
    {
        Span<bool> current = stackalloc bool[pattern.Length + 1];
        Span<bool> next = stackalloc bool[pattern.Length + 1];
        current[0] = true;
        FollowGlobstars(pattern, current);
        foreach (var name in folder)
        {
            next.Clear();
            var alive = false;
            long steps = 0;
            for (var p = 0; p < pattern.Length; p++)
            {
                if (!current[p]) continue;
                steps++;
                if (pattern[p].Kind == Kind.Globstar)
                {
                    if (IsHidden(name)) continue;
                    next[p] = alive = true;
                }
                else if (MatchSegment(pattern[p], name, ref steps))
                {
                    next[p + 1] = alive = true;
                }
            }
            budget.Spend(steps);
            if (!alive) return false;
            FollowGlobstars(pattern, next);
            var swap = current;
            current = next;
            next = swap;
        }
        return current[pattern.Length];
    }

    // `**` also matches no folder at all, so a position reaching it reaches the segment after it too.
    private static void FollowGlobstars(Segment[] pattern, Span<bool> states)
    {
        for (var p = 0; p < pattern.Length; p++)
        {
            if (states[p] && pattern[p].Kind == Kind.Globstar) states[p + 1] = true;
        }
    }

    private static bool IsHidden(string segment) => segment.StartsWith('.');

    // `*` and `?` within one name: the classic two-pointer match, which on a mismatch resumes only from the last
    // `*` and so costs at most (name × pattern) steps, each charged.
    private static bool MatchSegment(Segment segment, string name, ref long steps)
    {
        if (segment.Kind == Kind.Literal) return string.Equals(segment.Text, name, StringComparison.Ordinal);
        var pattern = segment.Text;
        if (IsHidden(name) && !pattern.StartsWith('.')) return false;
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            steps++;
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

    private static string Shorten(string pattern) => ArchivePath.Display(pattern);
}

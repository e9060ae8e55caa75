using TrustedPublishDashboard.Onboarding.Import;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class WorkspaceGlobTests
{
    [Theory]
    [InlineData("packages/*", "packages/a", true)]
    [InlineData("packages/*", "packages", false)]
    [InlineData("packages/*", "packages/a/b", false)]
    [InlineData("packages/*", "packages/.hidden", false)]
    [InlineData("packages/.*", "packages/.hidden", true)]
    [InlineData("packages/**", "packages", true)]
    [InlineData("packages/**", "packages/a/b/c", true)]
    [InlineData("packages/**", "packages/.git/a", false)]
    [InlineData("packages/**", "other/a", false)]
    [InlineData("**", "a/b", true)]
    [InlineData("**/test/**", "apps/web/test/x", true)]
    [InlineData("**/test/**", "test", true)]
    [InlineData("**/test/**", "tests", false)]
    [InlineData("apps/*/libs/*", "apps/web/libs/ui", true)]
    [InlineData("apps/*/libs/*", "apps/web/libs", false)]
    [InlineData("apps/*/libs/*", "apps/web/x/libs/ui", false)]
    [InlineData("pkg-?", "pkg-a", true)]
    [InlineData("pkg-?", "pkg-ab", false)]
    [InlineData("*-plugin", "eslint-plugin", true)]
    [InlineData("*-plugin", "plugin", false)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    [InlineData("tools/cli", "tools/cli", true)]
    [InlineData("tools/cli", "tools/cli2", false)]
    [InlineData("Tools/cli", "tools/cli", false)]
    [InlineData("./tools/cli/", "tools/cli", true)]
    [InlineData("tools//cli", "tools/cli", true)]
    [InlineData("{packages,plugins}/*", "plugins/x", true)]
    [InlineData("{packages,plugins}/*", "tools/x", false)]
    [InlineData("packages/{a,{b,c}}", "packages/c", true)]
    [InlineData("packages/{a}", "packages/{a}", true)]
    [InlineData("packages/*", "packages/node_modules", false)]
    [InlineData("**", "x/node_modules/y", false)]
    [InlineData("!packages/*", "packages/a", true)]
    public void Matches_Pattern_TruthTable(string pattern, string directory, bool expected)
    {
        var (glob, error) = WorkspaceGlob.Parse(pattern);

        Assert.Null(error);
        Assert.Equal(expected, glob!.Matches(directory));
    }

    [Fact]
    public void Parse_Negation_IsAnExclusion()
    {
        Assert.True(WorkspaceGlob.Parse("!packages/a").Glob!.IsExclusion);
        Assert.False(WorkspaceGlob.Parse("!!packages/a").Glob!.IsExclusion);
        Assert.False(WorkspaceGlob.Parse("packages/a").Glob!.IsExclusion);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("./")]
    [InlineData("")]
    public void Parse_RootPattern_NeitherGlobNorError(string pattern) =>
        Assert.Equal((null, null), WorkspaceGlob.Parse(pattern));

    [Fact]
    public void Selects_IncludedAndNotExcluded_OnlyThen()
    {
        var globs = new[] { "packages/*", "!packages/b" }.Select(p => WorkspaceGlob.Parse(p).Glob!).ToList();

        Assert.True(WorkspaceGlob.Selects(globs, "packages/a"));
        Assert.False(WorkspaceGlob.Selects(globs, "packages/b"));
        Assert.False(WorkspaceGlob.Selects(globs, "apps/a"));
    }

    [Fact]
    public void Matches_PathologicalStars_FinishesQuickly()
    {
        var glob = WorkspaceGlob.Parse(string.Join('/', Enumerable.Repeat("**/*a*a*a*a*a*b", 10))).Glob!;
        var directory = string.Join('/', Enumerable.Repeat(new string('a', 60), 60));

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(glob.Matches(directory));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");
    }

    [Theory]
    [InlineData("a*a*a*a*a*a*a*b")]
    [InlineData("*a*a*a*a*a*a*a*")]
    [InlineData("?*?*?*?*?*?*?*b")]
    public void Matches_ManyStarsInOneName_StepsGrowLinearlyWithTheName(string pattern)
    {
        var glob = WorkspaceGlob.Parse(pattern).Glob!;

        long Steps(int length)
        {
            var budget = DiscoveryBudget.Unlimited();
            glob.Matches([new string('a', length)], budget);
            return budget.Steps;
        }

        var (small, large) = (Steps(1_000), Steps(4_000));
        // Greedy two-pointer matching resumes only from the last `*`: at most (name × pattern) steps, and for a
        // fixed pattern four times the name is about four times the work, where backtracking would explode.
        Assert.InRange(large, 1, 4_000L * pattern.Length);
        Assert.InRange((double)large / small, 3.5, 4.5);
    }

    [Theory]
    [InlineData("**/**/**/**/x")]
    [InlineData("**/a/**/a/**/a/**/x")]
    [InlineData("**/*/**/*/**/*/**/x")]
    public void Matches_RepeatedGlobstars_StepsGrowLinearlyWithTheDepth(string pattern)
    {
        var glob = WorkspaceGlob.Parse(pattern).Glob!;

        long Steps(int depth)
        {
            var budget = DiscoveryBudget.Unlimited();
            Assert.False(glob.Matches([.. Enumerable.Repeat("a", depth)], budget));
            return budget.Steps;
        }

        var (shallow, deep) = (Steps(100), Steps(400));
        // The folder is walked once with a set of pattern positions, so each name costs a few steps per pattern
        // segment at most (one for the position, up to three to match "a" against `*`); a backtracking matcher
        // tries every way to split 400 names among four `**`.
        var segments = pattern.Split('/').Length;
        Assert.InRange(deep, 1, 400L * segments * 4);
        Assert.InRange((double)deep / shallow, 3.5, 4.5);
    }

    [Fact]
    public void Matches_StepsAreChargedToTheBudget_WhichStopsTheMatch()
    {
        var glob = WorkspaceGlob.Parse("**/a/**/a/**/x").Glob!;
        var budget = new DiscoveryBudget(new DiscoveryLimits(MaxMatchSteps: 100), CancellationToken.None);

        var stopped = Assert.Throws<DiscoveryBudgetExceededException>(() => glob.Matches([.. Enumerable.Repeat("a", 1_000)], budget));

        Assert.Equal(DiscoveryFailure.TooManySteps, stopped.Code);
        Assert.InRange(budget.Steps, 101, 200);
    }

    [Fact]
    public void Parse_AlternativesOverTheDiscoveryBudget_RefusedBeforeExpanding()
    {
        var budget = new DiscoveryBudget(new DiscoveryLimits(MaxBraceAlternatives: 40), CancellationToken.None);

        Assert.NotNull(WorkspaceGlob.Parse("{a,b,c,d}{e,f,g,h}/*", budget).Glob);
        var stopped = Assert.Throws<DiscoveryBudgetExceededException>(() => WorkspaceGlob.Parse("{a,b,c,d}{e,f,g,h}{i,j}/*", budget));

        Assert.Equal(DiscoveryFailure.TooManyAlternatives, stopped.Code);
    }

    [Fact]
    public void ParseAndMatches_RandomPatternsAndFolders_SameAsTheBacktrackingExpansionAndTableMatcher()
    {
        // The matcher was rewritten for speed, not meaning: thousands of small random patterns (odd braces,
        // hidden names, `**` runs, `..`) must give the same errors and the same answers as the code it replaced.
        string[] tokens = ["a", "b", ".", "*", "?", "**", "/", "/", "{", "}", ",", "{a,b}", "{,a}", "{*,b/c}", "..", "{a}", "!"];
        string[] names = ["a", "b", "ab", "ba", "aab", ".a", "a.b", "c", "{a}", "a,b", "*"];
        var random = new Random(20_240_611);
        for (var i = 0; i < 3_000; i++)
        {
            var pattern = string.Concat(Enumerable.Range(0, random.Next(1, 9)).Select(_ => tokens[random.Next(tokens.Length)]));
            var (glob, error) = WorkspaceGlob.Parse(pattern);
            var (expected, expectedError) = PreviousGlob.Parse(pattern);

            Assert.True(expectedError == error, $"'{pattern}': error '{error}', previously '{expectedError}'");
            Assert.True((expected is null) == (glob is null), $"'{pattern}': glob {glob is not null}, previously {expected is not null}");
            if (glob is null) continue;
            for (var j = 0; j < 20; j++)
            {
                var folder = string.Join('/', Enumerable.Range(0, random.Next(1, 6)).Select(_ => names[random.Next(names.Length)]));
                Assert.True(PreviousGlob.Matches(expected!, folder) == glob.Matches(folder), $"'{pattern}' against '{folder}'");
            }
        }
    }

    /// <summary>The matcher before the work budget (recursive brace expansion, table over segment suffixes), kept as the oracle.</summary>
    private static class PreviousGlob
    {
        public static (string[][]? Alternatives, string? Error) Parse(string pattern)
        {
            var body = pattern.Trim();
            while (body.StartsWith('!')) body = body[1..];
            if (body.Length > WorkspaceGlob.MaxLength) return (null, "too long");
            if (body.StartsWith('/')) return (null, $"the workspace pattern '{pattern}' is an absolute path");
            while (body.StartsWith("./", StringComparison.Ordinal)) body = body[2..];
            body = body.TrimEnd('/');
            var alternatives = new List<string>();
            if (!Expand(body, alternatives)) return (null, $"the workspace pattern '{pattern}' expands to more than {WorkspaceGlob.MaxAlternatives} alternatives");
            var compiled = new List<string[]>();
            foreach (var alternative in alternatives)
            {
                var segments = alternative.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
                if (segments.Contains("..")) return (null, $"the workspace pattern '{pattern}' points outside the repository");
                if (segments.Count > WorkspaceGlob.MaxSegments) return (null, "too many segments");
                var collapsed = segments.Where((s, i) => !(s == "**" && i > 0 && segments[i - 1] == "**")).ToArray();
                if (collapsed.Length > 0) compiled.Add(collapsed);
            }
            return compiled.Count == 0 ? (null, null) : ([.. compiled], null);
        }

        public static bool Matches(string[][] alternatives, string directory)
        {
            if (directory.Length == 0 || directory.Split('/').Contains("node_modules")) return false;
            var segments = directory.Split('/');
            return alternatives.Any(alternative => MatchSegments(alternative, segments));
        }

        private static bool MatchSegments(string[] pattern, string[] path)
        {
            var matches = new bool[pattern.Length + 1, path.Length + 1];
            matches[pattern.Length, path.Length] = true;
            for (var p = pattern.Length - 1; p >= 0; p--)
            {
                for (var s = path.Length; s >= 0; s--)
                {
                    matches[p, s] = pattern[p] == "**"
                        ? matches[p + 1, s] || (s < path.Length && !path[s].StartsWith('.') && matches[p, s + 1])
                        : s < path.Length && MatchSegment(pattern[p], path[s]) && matches[p + 1, s + 1];
                }
            }
            return matches[0, 0];
        }

        private static bool MatchSegment(string pattern, string name)
        {
            if (name.StartsWith('.') && !pattern.StartsWith('.')) return false;
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
            return into.Count <= WorkspaceGlob.MaxAlternatives;
        }
    }
}

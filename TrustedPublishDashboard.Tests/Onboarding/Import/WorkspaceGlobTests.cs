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
}

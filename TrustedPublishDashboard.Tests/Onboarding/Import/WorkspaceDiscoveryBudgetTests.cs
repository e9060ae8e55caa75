using System.Diagnostics;
using TrustedPublishDashboard.Onboarding.Import;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class WorkspaceDiscoveryBudgetTests(GlobBombFixture bomb) : IClassFixture<GlobBombFixture>
{
    private const string SimplifyWorkspaces = "simplify the patterns in package.json workspaces (fewer patterns, `{a,b}` groups, `*` and `**`).";

    // Generous for a shared 2-core CI machine; the budget ends the bomb in well under a second on a free one.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static TestArchive Monorepo(params string[] workspaces) =>
        new TestArchive()
            .File("package.json", $$"""{ "private": true, "workspaces": [{{string.Join(", ", workspaces.Select(w => $"\"{w}\""))}}] }""")
            .Package("packages/a", "a")
            .Package("packages/b", "b")
            .Package("apps/web", "web");

    [Fact]
    public void Discover_GlobBombArchive_StopsWithABudgetErrorWithinSeconds()
    {
        Assert.Equal(GlobBombFixture.Chains * GlobBombFixture.Depth, bomb.Snapshot.Files.Count - 1);

        var started = Stopwatch.StartNew();
        var result = WorkspaceDiscovery.Discover(bomb.Snapshot);

        Assert.True(started.Elapsed < Bound, $"took {started.Elapsed}");
        Assert.NotNull(result.Failure);
        Assert.EndsWith(SimplifyWorkspaces, result.Failure.Message);
        Assert.Empty(result.Packages);
        Assert.Empty(result.Skipped);
    }

    [Fact]
    public void Discover_GlobBombWithItsShapeAllowed_StepBudgetStopsItWithinSeconds()
    {
        // The wall-time backstop is moved out of the way: on a busy machine it may fire first, and this test is about steps.
        var started = Stopwatch.StartNew();
        var result = WorkspaceDiscovery.Discover(bomb.Snapshot, GlobBombFixture.ShapeAllowed with { MaxDuration = TimeSpan.FromMinutes(1) });

        Assert.True(started.Elapsed < Bound, $"took {started.Elapsed}");
        Assert.Equal(DiscoveryFailure.TooManySteps, result.Failure?.Code);
        Assert.Equal(
            $"the workspace globs need more than 20,000,000 matching steps against 45,000 folders with a package.json; {SimplifyWorkspaces}",
            result.Failure!.Message);
    }

    [Fact]
    public void Discover_CancelledWhileMatchingTheBomb_ThrowsPromptly()
    {
        var unbounded = GlobBombFixture.ShapeAllowed with { MaxMatchSteps = long.MaxValue, MaxDuration = TimeSpan.FromMinutes(10) };
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var cancelled = Stopwatch.StartNew();
        using var _ = cts.Token.Register(cancelled.Restart);

        Assert.ThrowsAny<OperationCanceledException>(() => WorkspaceDiscovery.Discover(bomb.Snapshot, unbounded, cts.Token));

        // Without the token this discovery runs for minutes; with it, it stops within a check interval of the cancel
        // (milliseconds; the bound leaves room for a machine busy with the rest of the suite).
        Assert.True(cancelled.Elapsed < TimeSpan.FromSeconds(5), $"stopped {cancelled.Elapsed} after the cancel");
    }

    [Fact]
    public async Task Discover_AlreadyCancelled_Throws()
    {
        var snapshot = await Monorepo("packages/*").ReadAsync(ArchiveFormat.Zip);

        Assert.ThrowsAny<OperationCanceledException>(() => WorkspaceDiscovery.Discover(snapshot, new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Discover_MorePatternsThanLimit_StopsWithPatternCountError()
    {
        var result = await Monorepo("packages/*", "apps/*", "tools/*", "packages/*", "libs/*")
            .DiscoverAsync(discovery: new DiscoveryLimits(MaxPatterns: 3));

        Assert.Equal(DiscoveryFailure.TooManyPatterns, result.Failure?.Code);
        Assert.Equal($"there are 4 workspace patterns, more than the 3 accepted; {SimplifyWorkspaces}", result.Failure!.Message);
        Assert.Empty(result.Packages);
    }

    [Fact]
    public async Task Discover_PatternsAtLimitCountingDuplicatesOnce_Discovers()
    {
        var result = await Monorepo("packages/*", "apps/*", "packages/*").DiscoverAsync(discovery: new DiscoveryLimits(MaxPatterns: 2));

        Assert.Null(result.Failure);
        Assert.Equal(["a", "b", "web"], result.Packages.Select(p => p.Name));
    }

    [Fact]
    public async Task Discover_BraceAlternativesOverLimit_StopsWithBraceError()
    {
        // 3 + 8 alternatives: each pattern is under the per-pattern cap, together they are over the budget.
        var result = await Monorepo("{packages,apps,tools}/*", "{x,y}{1,2,3,4}/*").DiscoverAsync(discovery: new DiscoveryLimits(MaxBraceAlternatives: 10));

        Assert.Equal(DiscoveryFailure.TooManyAlternatives, result.Failure?.Code);
        Assert.Equal($"the workspace patterns' {{a,b}} braces expand to more than 10 alternatives together; {SimplifyWorkspaces}", result.Failure!.Message);
    }

    [Fact]
    public async Task Discover_FolderDeeperThanLimit_StopsWithDepthErrorNamingIt()
    {
        var result = await Monorepo("packages/*").Package("packages/a/test/fixtures/x", "x").DiscoverAsync(discovery: new DiscoveryLimits(MaxDepth: 4));

        Assert.Equal(DiscoveryFailure.TooDeep, result.Failure?.Code);
        Assert.Equal(
            "the package.json in 'packages/a/test/fixtures/x' is 5 folders deep, more than the 4 that workspace discovery accepts; " +
            "remove that package.json from the archive, or upload an archive of the workspace alone.",
            result.Failure!.Message);
    }

    [Fact]
    public async Task Discover_DeepFolderWithoutWorkspaces_NotMatchedSoNotLimited()
    {
        var result = await new TestArchive().Package("", "solo").Package("a/b/c/d/e", "deep").DiscoverAsync(discovery: new DiscoveryLimits(MaxDepth: 2));

        Assert.Null(result.Failure);
        Assert.Equal(["solo"], result.Packages.Select(p => p.Name));
    }

    [Fact]
    public async Task Discover_MoreStepsThanLimit_StopsWithStepError()
    {
        var result = await Monorepo("**/*a*").DiscoverAsync(discovery: new DiscoveryLimits(MaxMatchSteps: 5));

        Assert.Equal(DiscoveryFailure.TooManySteps, result.Failure?.Code);
        Assert.Equal($"the workspace globs need more than 5 matching steps against 3 folders with a package.json; {SimplifyWorkspaces}", result.Failure!.Message);
    }

    [Fact]
    public async Task Discover_OutOfTime_StopsWithTimeError()
    {
        var result = await Monorepo("packages/*").DiscoverAsync(discovery: new DiscoveryLimits { MaxDuration = TimeSpan.Zero });

        Assert.Equal(DiscoveryFailure.TooSlow, result.Failure?.Code);
        Assert.StartsWith("workspace discovery took longer than 0 seconds; simplify the patterns in ", result.Failure!.Message);
    }

    [Fact]
    public async Task Discover_OnePatternOverItsOwnCap_StillOnlyAProblemAndTheRestDiscovered()
    {
        var result = await Monorepo("packages/*", "{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}").DiscoverAsync();

        Assert.Null(result.Failure);
        Assert.Equal(["a", "b"], result.Packages.Select(p => p.Name));
        Assert.Equal(["the workspace pattern '{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}' expands to more than 64 alternatives"], result.Problems);
    }

    [Fact]
    public async Task Discover_LargeOrdinaryMonorepo_FindsEveryPackageWithinOnePercentOfTheStepBudget()
    {
        // 2,000 packages and a test fixture tree, with the pattern kinds real repositories use: the defaults must
        // never come near an honest upload.
        var archive = new TestArchive()
            .File("package.json", """{ "private": true, "workspaces": ["packages/*", "{apps,services}/*", "tools/**", "!**/fixtures/**", "!packages/*-internal"] }""");
        for (var i = 0; i < 1_500; i++) archive.Package($"packages/pkg-{i:0000}", $"pkg-{i:0000}");
        for (var i = 0; i < 300; i++) archive.Package($"{(i % 2 == 0 ? "apps" : "services")}/app-{i:000}", $"app-{i:000}");
        for (var i = 0; i < 200; i++) archive.Package($"tools/group-{i % 10}/tool-{i:000}", $"tool-{i:000}");
        for (var i = 0; i < 200; i++) archive.Package($"tools/group-0/fixtures/case-{i:000}/nested/more", $"fixture-{i:000}");
        archive.Package("packages/secret-internal", "secret-internal");

        var result = await archive.DiscoverAsync(ArchiveFormat.TarGz, discovery: new DiscoveryLimits(MaxMatchSteps: DiscoveryLimits.Default.MaxMatchSteps / 100));

        Assert.Null(result.Failure);
        Assert.Equal(2_000, result.Packages.Count);
        Assert.DoesNotContain(result.Packages, p => p.Name.StartsWith("fixture-", StringComparison.Ordinal) || p.Name == "secret-internal");
        Assert.Empty(result.Problems);
    }
}

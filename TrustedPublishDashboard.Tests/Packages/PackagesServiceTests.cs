using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding;
using TrustedPublishDashboard.Packages;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Packages;

/// <summary>The grid's and the detail page's services over a real SQLite file.</summary>
public sealed class PackagesServiceTests : PackagesServicesTest
{
    private PackagesService Packages => Services.GetRequiredService<PackagesService>();

    private PackageDetailService Details => Services.GetRequiredService<PackageDetailService>();

    private async Task<IReadOnlyList<long>> TrackAsync(params string[] names)
    {
        var ids = new List<long>();
        for (var i = 0; i < names.Length; i++)
            ids.Add(await Services.TrackWithHistoryAsync(i % 2 == 0 ? PackagesTestServices.Downgraded(names[i]) : PackagesTestServices.Trusted(names[i], $"org/{names[i]}")));
        return ids;
    }

    [Fact]
    public async Task DataChangingMethods_AViewer_IsRefused_AndNothingChanges()
    {
        var ids = await TrackAsync("kept-a", "kept-b");
        var viewer = PackagesTestServices.Viewer;

        await Assert.ThrowsAsync<AccessDeniedException>(() => Packages.AddOneAsync(viewer, Registry.Npm, "new-one", null, default));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Packages.ImportAsync(viewer, "new-two", null, default));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Packages.RemoveAsync(viewer, ids[0], default));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Packages.RemoveAsync(viewer, ids, default));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Packages.MoveToGroupAsync(viewer, ids, "elsewhere", default));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Packages.RecheckAsync(viewer, ids, null, default));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Packages.AddToPlanAsync(viewer, "plan", ids, default));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Packages.RemoveSampleAsync(viewer, default));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Details.RecheckAsync(viewer, ids[0], default));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Services.GetRequiredService<OnboardingService>().AddFromGridAsync(viewer, "plan", ids, default));

        var page = await Packages.QueryAsync(PackageGridState.Default, default);
        Assert.Equal(["kept-a", "kept-b"], page.Items.Select(r => r.Name));
        Assert.All(page.Items, r => Assert.Null(r.GroupName));
        Assert.Empty((await Packages.OverviewAsync(default)).PlanNames);
    }

    [Fact]
    public async Task MatchingIdsAsync_SelectsEveryPageOfTheFilter_NotOnlyTheVisibleOne()
    {
        var ids = await TrackAsync("match-a", "match-b", "match-c", "other");
        var state = new PackageGridState { Search = "match-", PageSize = 1, Page = 2 };

        var matching = await Packages.MatchingIdsAsync(state, default);

        Assert.Equal(ids.Take(3).Order(), matching.Order());
        Assert.Single((await Packages.QueryAsync(state, default)).Items);
    }

    [Fact]
    public async Task MoveToGroupAsync_MovesThem_AndATooLongNameChangesNothing()
    {
        var ids = await TrackAsync("move-a", "move-b");

        var moved = await Packages.MoveToGroupAsync(PackagesTestServices.Maintainer, ids, " team-x ", default);
        var refused = await Packages.MoveToGroupAsync(PackagesTestServices.Maintainer, ids, new string('g', PackageImportService.MaxGroupNameLength + 1), default);

        Assert.Equal(new BulkResult(2), moved);
        Assert.Equal(0, refused.Count);
        Assert.Contains("at most", refused.Error);
        Assert.All((await Packages.QueryAsync(PackageGridState.Default, default)).Items, r => Assert.Equal("team-x", r.GroupName));
        Assert.Equal(["team-x"], (await Packages.OverviewAsync(default)).Groups.Select(g => g.Name));
    }

    [Fact]
    public async Task RemoveAsync_Many_StopsTrackingThem()
    {
        var ids = await TrackAsync("gone-a", "gone-b", "stays");

        var result = await Packages.RemoveAsync(PackagesTestServices.Maintainer, ids.Take(2).ToList(), default);

        Assert.Equal(2, result.Count);
        Assert.Equal(["stays"], (await Packages.QueryAsync(PackageGridState.Default, default)).Items.Select(r => r.Name));
    }

    [Fact]
    public async Task AddToPlanAsync_CreatesThePlan_AndCountsWhatWasNew()
    {
        var ids = await TrackAsync("plan-a", "plan-b");

        var first = await Packages.AddToPlanAsync(PackagesTestServices.Maintainer, "Grid plan", [ids[0]], default);
        var second = await Packages.AddToPlanAsync(PackagesTestServices.Maintainer, "Grid plan", ids, default);

        Assert.Equal((1, 1), (first.Added, first.Requested));
        Assert.Equal((first.PlanId, 1, 2), (second.PlanId, second.Added, second.Requested));
        var overview = await Packages.OverviewAsync(default);
        Assert.Equal(["Grid plan"], overview.PlanNames);
        Assert.Equal("Grid plan", overview.SuggestedPlan);
    }

    [Fact]
    public async Task QueryAsync_SortByPublisher_PutsPackagesWithoutOneLastBothWays()
    {
        await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("pub-z", "zeta/z"));
        await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("pub-a", "alpha/a"));
        await Services.GetRequiredService<PackageRepository>().AddAsync([new PackageId(Registry.Npm, "pub-none")], null, default);

        var ascending = await Packages.QueryAsync(new PackageGridState { Sort = ComplianceSort.Publisher }, default);
        var descending = await Packages.QueryAsync(new PackageGridState { Sort = ComplianceSort.Publisher, Descending = true }, default);

        Assert.Equal(["pub-a", "pub-z", "pub-none"], ascending.Items.Select(r => r.Name));
        Assert.Equal(["pub-z", "pub-a", "pub-none"], descending.Items.Select(r => r.Name));
    }

    [Fact]
    public async Task QueryAsync_Grouped_CountsEachGroupInSql_AndExportHasEveryRow()
    {
        await TrackAsync("g-1", "g-2", "g-3");
        var state = new PackageGridState { GroupBy = GroupKey.Status, PageSize = 1 };

        var page = await Packages.QueryAsync(state, default);
        var exported = new List<ComplianceRow>();
        await foreach (var row in Packages.ExportAsync(state, default)) exported.Add(row);

        Assert.Equal(3, page.Total);
        Assert.Equal([("compliant", 1L), ("non-compliant", 2L)], page.Groups!.Select(g => (g.Key, g.Count)));
        Assert.Equal(3, exported.Count);
        Assert.Equal(["g-2", "g-1", "g-3"], exported.Select(r => r.Name));
    }

    [Fact]
    public async Task Lookup_FindsTheDetail_NewestFirst_WithExplainedFindings()
    {
        await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("detail-x"));

        var lookup = await Details.LookupAsync("NPM", "detail-x", default);

        var detail = Assert.IsType<PackageDetail>(lookup.Detail);
        Assert.Null(lookup.Problem);
        Assert.Equal(["1.0.0", "2.0.0"], detail.Timeline.Select(v => v.Version));
        Assert.Equal(["2.0.0", "1.0.0"], detail.NewestFirst.Select(v => v.Version));
        Assert.Equal(FindingKinds.TrustDowngrade, Assert.Single(detail.Findings).Kind);
        Assert.True(detail.CanRecheck);
        Assert.Equal("badge/npm/detail-x.svg", detail.BadgePath);
    }

    [Theory]
    [InlineData("cargo", "serde", PackageLookupProblem.UnknownRegistry)]
    [InlineData("npm", "Not Valid", PackageLookupProblem.InvalidName)]
    [InlineData("npm", "not-tracked", PackageLookupProblem.NotTracked)]
    public async Task Lookup_Problems_AreValuesWithASentence(string registry, string name, PackageLookupProblem problem)
    {
        var lookup = await Details.LookupAsync(registry, name, default);

        Assert.Null(lookup.Detail);
        Assert.Equal(problem, lookup.Problem);
        Assert.False(string.IsNullOrWhiteSpace(lookup.Message));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/", "![trusted publishing](http://127.0.0.1:8080/badge/npm/@scope/x.svg)")]
    [InlineData("https://dash.example.test/base", "![trusted publishing](https://dash.example.test/base/badge/npm/@scope/x.svg)")]
    public void BadgeMarkdown_PointsAtThisDashboardsBadge(string baseUri, string expected) =>
        Assert.Equal(expected, PackageDetailService.BadgeMarkdown(baseUri, new PackageId(Registry.Npm, "@scope/x")));
}

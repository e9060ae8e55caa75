using MudBlazor;
using Bunit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Packages;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Web.Components.Pages.Dashboard;
using TrustedPublishDashboard.Web.Theme;

namespace TrustedPublishDashboard.Tests.Web.Components;

/// <summary>The dashboard page over its real service and a real SQLite file: loading, error, empty and data states.</summary>
public sealed class DashboardComponentTests : MudComponentTest
{
    private readonly List<TempDatabase> _databases = [];

    private DashboardService UseDatabase(IDbConnectionFactory connections, string role = Actor.AdministratorRole)
    {
        var compliance = new ComplianceRepository(connections);
        var service = new DashboardService(compliance, new AlertRepository(connections),
            new SampleWorkspace(new PackageRepository(connections), new EvidenceRepository(connections), compliance, new AlertRepository(connections)), TimeProvider.System);
        Services.AddSingleton(service);
        Services.AddSingleton<IHttpContextAccessor, HttpContextAccessor>();
        Services.AddScoped<CurrentUser>();
        this.AddAuthorization().SetAuthorized("tester").SetRoles(role);
        return service;
    }

    private async Task<TempDatabase> Migrated()
    {
        var db = await TempDatabase.CreateMigratedAsync();
        _databases.Add(db);
        return db;
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        foreach (var db in _databases) await db.DisposeAsync();
    }

    [Fact]
    public async Task Loading_ShowsProgress_ThenTheEmptyState()
    {
        var db = await Migrated();
        var gated = new GatedConnections(db.Connections);
        UseDatabase(gated);

        var cut = Render<DashboardPage>();

        Assert.NotNull(cut.Find("[data-testid=dashboard-loading]"));
        Assert.Empty(cut.FindAll("[data-testid=first-step]"));
        gated.Open.SetResult();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=first-step]")));
        Assert.Empty(cut.FindAll("[data-testid=dashboard-loading]"));
    }

    [Fact]
    public void Error_ShowsTheReasonInAnAlert_NotACrash()
    {
        // A database without the schema: every read fails with "no such table".
        var db = new TempDatabase();
        _databases.Add(db);
        UseDatabase(db.Connections);

        var cut = Render<DashboardPage>();

        cut.WaitForAssertion(() => Assert.Contains("no such table", cut.Find("[data-testid=dashboard-error]").TextContent));
        Assert.Contains("mud-alert-text-error", cut.Find("[data-testid=dashboard-error]").ClassName);
        Assert.Empty(cut.FindAll("[data-testid=tiles]"));
    }

    [Fact]
    public async Task Empty_OffersFirstSteps_AndTheSampleToMaintainers()
    {
        var db = await Migrated();
        UseDatabase(db.Connections, Actor.MaintainerRole);

        var cut = Render<DashboardPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=first-step]")));
        Assert.Equal("packages", cut.Find("[data-testid=start-add]").GetAttribute("href"));
        Assert.Contains("Load sample workspace", cut.Find("[data-testid=load-sample]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=tiles]"));
    }

    [Fact]
    public async Task Empty_Viewer_GetsNoSampleButton()
    {
        var db = await Migrated();
        UseDatabase(db.Connections, Actor.ViewerRole);

        var cut = Render<DashboardPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=first-step]")));
        Assert.Empty(cut.FindAll("[data-testid=load-sample]"));
    }

    [Fact]
    public async Task LoadSample_ShowsTilesLinkedToTheGrid_TheFeedAndTheNotice_ThenRemoveEmptiesIt()
    {
        var db = await Migrated();
        UseDatabase(db.Connections);
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<DashboardPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=load-sample]")));

        await cut.Find("[data-testid=load-sample]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("60", cut.Find("[data-testid=tile-packages] .tpd-tile-value").TextContent));
        Assert.Equal("packages?status=non-compliant", cut.Find("[data-testid=tile-non-compliant]").GetAttribute("href"));
        Assert.Equal("packages?filter=findings&sort=findings&desc=true", cut.Find("[data-testid=tile-findings]").GetAttribute("href"));
        Assert.Equal("alerts?severity=critical", cut.Find("[data-testid=tile-critical-alerts]").GetAttribute("href"));
        Assert.Contains("60 sample package(s)", cut.Find("[data-testid=sample-notice]").TextContent);
        Assert.Equal(DashboardService.FeedSize, cut.FindAll("[data-testid=publish-feed] li").Count);
        Assert.All(cut.FindAll("[data-testid=publish-feed] li"), li => Assert.NotNull(li.QuerySelector("[data-testid=method-chip]")));

        // Removing asks first, saying what else goes (the sample alerts) and what stays.
        var cancelling = cut.Find("[data-testid=remove-sample]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Contains("Remove 60 sample package(s)", dialogs.Markup));
        Assert.Contains("sample alert(s)", dialogs.Markup);
        Assert.Contains("Your own packages, plans and alerts are not changed.", dialogs.Markup);
        await dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").ClickAsync(new());
        await cancelling.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("60", cut.Find("[data-testid=tile-packages] .tpd-tile-value").TextContent);

        var removing = cut.Find("[data-testid=remove-sample]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Contains("Remove 60 sample package(s)", dialogs.Markup));
        await dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Remove sample data").ClickAsync(new());
        await removing.WaitAsync(TimeSpan.FromSeconds(10));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=first-step]")));
    }

    [Fact]
    public async Task Chart_EachStatusSegmentHasItsTilesColour()
    {
        var db = await Migrated();
        var service = UseDatabase(db.Connections);
        await service.LoadSampleAsync(TestActors.Administrator(), default);
        // Real packages in every verdict beside the samples: a stored snapshot as a poll writes it.
        await using (var c = await db.Connections.OpenAsync(default))
            await Dapper.SqlMapper.ExecuteAsync(c, """
                UPDATE compliance_snapshots SET count = CASE status WHEN 'compliant' THEN 3 WHEN 'non-compliant' THEN 2 WHEN 'unknown' THEN 1 WHEN 'error' THEN 1 ELSE count END
                """);

        var cut = Render<DashboardPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=compliance-chart]")));
        var chart = cut.Find("[data-testid=compliance-chart]");
        var bars = chart.QuerySelectorAll("path.mud-chart-bar").Select(p => p.GetAttribute("stroke")).Distinct().ToList();
        // Sample packages are a series of their own, never counted in a verdict.
        Assert.Equal(["compliant", "non-compliant", "unknown", "error", "sample"], chart.GetAttribute("data-series")!.Split(','));
        Assert.Equal([DashboardTheme.Compliant, DashboardTheme.NonCompliant, DashboardTheme.Unknown, DashboardTheme.Error, DashboardTheme.Sample], bars);
        foreach (var (status, colour) in new[] { ("compliant", DashboardTheme.Compliant), ("non-compliant", DashboardTheme.NonCompliant), ("unknown", DashboardTheme.Unknown), ("error", DashboardTheme.Error) })
            Assert.Contains(colour, cut.Find($"[data-testid=tile-{status}]").GetAttribute("style"));
        Assert.Equal(["Compliant", "Non-compliant", "Unknown", "Error", "Sample packages"], chart.QuerySelectorAll(".mud-chart-legend-item").Select(l => l.TextContent.Trim()));
    }

    [Fact]
    public async Task NothingCheckedOrPublishedYet_ChartShowsThePendingPackage_FeedSaysSo()
    {
        var db = await Migrated();
        UseDatabase(db.Connections);
        await new PackageRepository(db.Connections).AddAsync([new TrustedPublishDashboard.Domain.PackageId(TrustedPublishDashboard.Domain.Registry.Npm, "not-polled")], null, default);

        var cut = Render<DashboardPage>();

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=tile-pending] .tpd-tile-value").TextContent));
        // Adding the package rewrote today's snapshot: the chart shows it as not checked yet, not an empty chart.
        Assert.Equal(["compliant", "non-compliant", "unknown", "error", "pending"], cut.Find("[data-testid=compliance-chart]").GetAttribute("data-series")!.Split(','));
        Assert.NotNull(cut.Find("[data-testid=feed-empty]"));
        Assert.Empty(cut.FindAll("[data-testid=sample-notice]"));
    }
}

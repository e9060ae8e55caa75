using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Packages;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Monitoring;

public sealed class DashboardServiceTests
{
    private static DashboardService Service(TempDatabase db)
    {
        var packages = new PackageRepository(db.Connections);
        var compliance = new ComplianceRepository(db.Connections);
        var sample = new SampleWorkspace(packages, new EvidenceRepository(db.Connections), compliance, new AlertRepository(db.Connections));
        return new DashboardService(compliance, new AlertRepository(db.Connections), sample, TimeProvider.System);
    }

    [Fact]
    public void Tiles_LinkEachCountToTheGridFilteredToIt()
    {
        var counts = new ComplianceCounts(Packages: 10, Compliant: 4, NonCompliant: 3, Unknown: 1, Error: 1, Pending: 1, OpenFindings: 7, Sample: 0);

        var tiles = DashboardService.Tiles(counts, openCriticalAlerts: 2).ToDictionary(t => t.Key);

        Assert.Equal(["packages", "compliant", "non-compliant", "unknown", "error", "findings", "critical-alerts", "pending"], DashboardService.Tiles(counts, 2).Select(t => t.Key));
        Assert.Equal(("Packages", 10L, "packages"), (tiles["packages"].Label, tiles["packages"].Value, tiles["packages"].Href));
        Assert.Equal((3L, "packages?status=non-compliant", "non-compliant"), (tiles["non-compliant"].Value, tiles["non-compliant"].Href, tiles["non-compliant"].Status));
        Assert.Equal("packages?status=compliant", tiles["compliant"].Href);
        Assert.Equal("packages?status=unknown", tiles["unknown"].Href);
        Assert.Equal("packages?status=error", tiles["error"].Href);
        Assert.Equal("packages?status=pending", tiles["pending"].Href);
        Assert.Equal((7L, "packages?filter=findings&sort=findings&desc=true", true), (tiles["findings"].Value, tiles["findings"].Href, tiles["findings"].Alarm));
        Assert.Equal((2L, "alerts?severity=critical", true), (tiles["critical-alerts"].Value, tiles["critical-alerts"].Href, tiles["critical-alerts"].Alarm));
    }

    [Fact]
    public void Tiles_NothingPendingOrOpen_NoPendingTileAndNoAlarm()
    {
        var tiles = DashboardService.Tiles(new ComplianceCounts(5, 5, 0, 0, 0, Pending: 0, OpenFindings: 0, Sample: 0), openCriticalAlerts: 0);

        Assert.DoesNotContain(tiles, t => t.Key == "pending");
        Assert.DoesNotContain(tiles, t => t.Alarm);
    }

    [Fact]
    public void Trend_OneSeriesPerStatusInFixedOrder_ZeroOnDaysWithoutThatStatus()
    {
        ComplianceSnapshot S(string day, string status, long count) => new() { Day = day, Status = status, Count = count };

        var trend = ComplianceTrend.From([S("2026-03-02", "compliant", 5), S("2026-03-01", "compliant", 4), S("2026-03-01", "error", 1), S("2026-03-02", "non-compliant", 2)]);

        Assert.Equal(["2026-03-01", "2026-03-02"], trend.Days);
        Assert.Equal(["compliant", "non-compliant", "unknown", "error"], trend.Series.Select(s => s.Status));
        Assert.Equal([4d, 5d], trend.Series[0].Counts);
        Assert.Equal([0d, 2d], trend.Series[1].Counts);
        Assert.Equal([0d, 0d], trend.Series[2].Counts);
        Assert.Equal([1d, 0d], trend.Series[3].Counts);
    }

    [Fact]
    public void Trend_PendingOnlyWhenSomePackageWaited_EmptyWithoutSnapshots()
    {
        var withPending = ComplianceTrend.From([new ComplianceSnapshot { Day = "2026-03-01", Status = "pending", Count = 3 }]);

        Assert.Equal("pending", withPending.Series[^1].Status);
        Assert.True(ComplianceTrend.From([]).IsEmpty);
    }

    [Theory]
    [InlineData("2026-03-01", "Mar 1")]
    [InlineData("not a day", "not a day")]
    public void DayLabel_IsShortAndCultureFree(string day, string label) => Assert.Equal(label, DashboardService.DayLabel(day));

    [Fact]
    public async Task LoadAsync_EmptyDatabase_IsEmpty()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();

        var summary = await Service(db).LoadAsync(default);

        Assert.True(summary.IsEmpty);
        Assert.Empty(summary.LatestPublishes);
        Assert.True(summary.Trend.IsEmpty);
        Assert.Equal(0, summary.OpenCriticalAlerts);
    }

    [Fact]
    public async Task LoadSampleAsync_ThenLoad_ShowsTheSampleEverywhere_AndRemoveEmptiesIt()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var dashboard = Service(db);

        var added = await dashboard.LoadSampleAsync(TestActors.Maintainer(), default);
        var loaded = await dashboard.LoadAsync(default);

        Assert.Equal(DashboardService.SamplePackages, added);
        Assert.False(loaded.IsEmpty);
        Assert.Equal(DashboardService.SamplePackages, loaded.Counts.Sample);
        Assert.Equal(DashboardService.SamplePackages, loaded.Tiles.Single(t => t.Key == "packages").Value);
        Assert.Equal(loaded.Counts.Packages, loaded.Counts.Compliant + loaded.Counts.NonCompliant + loaded.Counts.Unknown + loaded.Counts.Error + loaded.Counts.Pending + loaded.Counts.NotPublished);
        Assert.Equal(DashboardService.FeedSize, loaded.LatestPublishes.Count);
        Assert.All(loaded.LatestPublishes, p => Assert.True(p.IsSample));
        Assert.Single(loaded.Trend.Days);
        // Sample packages are their own series in the chart, never counted in the real statuses.
        Assert.Equal(DashboardService.SamplePackages, loaded.Trend.Series.Single(s => s.Status == "sample").Counts.Single());
        Assert.Equal(0, loaded.Trend.Series.Single(s => s.Status == "compliant").Counts.Single());

        Assert.Equal(DashboardService.SamplePackages, await dashboard.RemoveSampleAsync(TestActors.Maintainer(), default));
        Assert.True((await dashboard.LoadAsync(default)).IsEmpty);
    }

    [Fact]
    public async Task SampleChanges_NeedMaintain()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var dashboard = Service(db);

        var load = await Assert.ThrowsAsync<AccessDeniedException>(() => dashboard.LoadSampleAsync(TestActors.Viewer(), default));
        var remove = await Assert.ThrowsAsync<AccessDeniedException>(() => dashboard.RemoveSampleAsync(TestActors.Viewer(), default));

        Assert.Equal(Permission.Maintain, load.Permission);
        Assert.Equal(Permission.Maintain, remove.Permission);
        Assert.True((await dashboard.LoadAsync(default)).IsEmpty);
    }
}

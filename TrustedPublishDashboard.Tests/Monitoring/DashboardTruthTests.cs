using Dapper;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Packages;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Registries.Npm;

namespace TrustedPublishDashboard.Tests.Monitoring;

/// <summary>
/// The dashboard's own state is true (#12 §1): sample data is never polled, a poll with failures is not "succeeded",
/// snapshots are the real distribution, a package not published yet is not an error, added packages are checked at
/// once, legacy npm names are tracked only when they exist. The real app's services, a real SQLite file and a strict
/// local registry that fails on any request it was not told about.
/// </summary>
public sealed class DashboardTruthTests : RegistryAppTest
{
    private static readonly Provenance Release = new("acme/widgets", ".github/workflows/release.yml", "refs/tags/v1", "push");

    protected override IEnumerable<string> Settings => ["--Registries:Http:MaxRetries=0", "--Jobs:npm-poll:Interval=01:00:00"];

    private async Task<long> TrackAsync(string name)
    {
        await Get<PackageRepository>().AddAsync([new PackageId(Registry.Npm, name)], null, default);
        return (await Get<PackageRepository>().FindAsync(new PackageId(Registry.Npm, name), default))!.Id;
    }

    private Task<ComplianceRow?> RowAsync(string name) => Get<ComplianceRepository>().FindAsync(new PackageId(Registry.Npm, name), default);

    private async Task<Dictionary<string, long>> TodayAsync()
    {
        await using var c = await App.Database.Connections.OpenAsync(default);
        var day = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return (await c.QueryAsync<(string Status, long Count)>("SELECT status, count FROM compliance_snapshots WHERE day = @day", new { day }))
            .ToDictionary(r => r.Status, r => r.Count);
    }

    private static PackumentBuilder Trusted(string name) => new PackumentBuilder(name).Add("1.0.0", 1, new Publish.Trusted("oidc:" + name), Release).Latest("1.0.0");

    [Fact]
    public async Task Poll_SamplePackages_AreNeverRequested_AndKeepTheirGeneratedEvidence()
    {
        await Get<DashboardService>().LoadSampleAsync(TestActors.Maintainer(), default);
        var before = await Get<ComplianceRepository>().CountsAsync(default);
        Trusted("real-one").ServeOn(Replay);
        await TrackAsync("real-one");

        var summary = await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);

        Assert.Equal((1, 1, 0), (summary.Total, summary.Ok, summary.Failed));
        Assert.Contains($"{DashboardService.SamplePackages} sample package(s) not polled", summary.ToString());
        Assert.DoesNotContain(Replay.Requests, r => r.Target.Contains("sample", StringComparison.Ordinal));
        Assert.Empty(Replay.Unexpected);
        var after = await Get<ComplianceRepository>().CountsAsync(default);
        Assert.Equal(0, after.Error);
        Assert.Equal(before.Compliant + 1, after.Compliant);
        Assert.Equal(before.NonCompliant, after.NonCompliant);
    }

    [Fact]
    public async Task Recheck_SamplePackage_SaysItIsSampleData_AndReadsNothing()
    {
        await Get<DashboardService>().LoadSampleAsync(TestActors.Maintainer(), default);
        var sample = (await Get<ComplianceRepository>().QueryAsync(new ComplianceQuery(Sample: true, Take: 1), default)).Items.Single();

        var result = await Get<PackageDetailService>().RecheckAsync(TestActors.Maintainer(), sample.Id, default);

        Assert.Empty(result.Polls);
        Assert.Equal(1, result.Sample);
        Assert.Contains("sample", result.ToString(), StringComparison.Ordinal);
        Assert.Empty(Replay.Requests);
        Assert.Equal(sample.Status, (await Get<ComplianceRepository>().FindAsync(sample.PackageId, default))!.Status);
    }

    [Fact]
    public async Task Poll_SomePackagesFail_IsCompletedWithFailures_WithTheCountAndALinkToThem()
    {
        Trusted("ok-one").ServeOn(Replay);
        Replay.Serve("/broken-one", ReplayResponse.WithStatus(500));
        await TrackAsync("ok-one");
        await TrackAsync("broken-one");

        var summary = await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);
        var job = summary.ToJobResult(Registry.Npm);

        Assert.Equal(JobOutcomes.CompletedWithFailures, summary.Outcome);
        Assert.Equal((JobOutcomes.CompletedWithFailures, 1, "packages?filter=errors&registry=npm"), (job.Outcome, job.FailedCount, job.Link));
        var failing = await Get<PackagesService>().QueryAsync(new PackageGridState { Filter = QuickFilter.Errors, Registry = Registry.Npm }, default);
        Assert.Equal("broken-one", Assert.Single(failing.Items).Name);
    }

    [Fact]
    public async Task Poll_EveryPackageFails_IsFailedWithTheReason()
    {
        Replay.Serve("/broken-a", ReplayResponse.WithStatus(500));
        Replay.Serve("/broken-b", ReplayResponse.WithStatus(500));
        await TrackAsync("broken-a");
        await TrackAsync("broken-b");

        var job = (await Get<PollService>().PollAsync(Registry.Npm, "test", null, default)).ToJobResult(Registry.Npm);

        Assert.Equal(JobOutcomes.Failed, job.Outcome);
        Assert.Contains("every package failed (2 of 2)", job.Error);
    }

    [Fact]
    public async Task RunNow_PollWithFailures_IsRecordedAsCompletedWithFailures_NotSucceeded()
    {
        Trusted("ok-two").ServeOn(Replay);
        Replay.Serve("/broken-two", ReplayResponse.WithStatus(500));
        await TrackAsync("ok-two");
        await TrackAsync("broken-two");
        var jobs = Get<JobsService>();

        Assert.True(await jobs.RunNowAsync(TestActors.Administrator(), "npm-poll", default));
        await Eventually.HoldsAsync(async () => (await jobs.ListAsync(default)).Single(j => j.Job.Key == "npm-poll").LastRun is { Outcome: not "running" },
            "the manual poll has finished");

        var run = (await jobs.ListAsync(default)).Single(j => j.Job.Key == "npm-poll").LastRun!;
        Assert.Equal((JobOutcomes.CompletedWithFailures, 1, "packages?filter=errors&registry=npm"), (run.Outcome, run.FailedCount, run.Link));
        Assert.Contains("1 failed", run.Detail);
    }

    [Fact]
    public async Task Poll_NeverFoundPackage_IsNotPublished_NotAnError_AndHasItsOwnFilter()
    {
        Replay.Serve("/waiting-bootstrap", ReplayResponse.WithStatus(404));
        await TrackAsync("waiting-bootstrap");

        var summary = await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);

        Assert.Equal((0, 1, JobOutcomes.Succeeded), (summary.Failed, summary.NotPublished, summary.Outcome));
        var row = (await RowAsync("waiting-bootstrap"))!;
        Assert.Equal((ComplianceStatus.NotPublished, (string?)null), (row.StatusValue, row.Error));
        var counts = await Get<ComplianceRepository>().CountsAsync(default);
        Assert.Equal((0L, 1L), (counts.Error, counts.NotPublished));
        var filtered = await Get<PackagesService>().QueryAsync(PackageGridState.Parse("filter=not-published").State!, default);
        Assert.Equal("waiting-bootstrap", Assert.Single(filtered.Items).Name);
        var tiles = (await Get<DashboardService>().LoadAsync(default)).Tiles;
        Assert.Equal((1L, "packages?status=not-published"), (tiles.Single(t => t.Key == "not-published").Value, tiles.Single(t => t.Key == "not-published").Href));
        Assert.Equal(0L, tiles.Single(t => t.Key == "error").Value);
    }

    [Fact]
    public async Task Poll_PackageFoundBefore_Now404_IsAnError()
    {
        Trusted("went-away").ServeOn(Replay);
        await TrackAsync("went-away");
        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);
        Replay.Serve("/went-away", ReplayResponse.WithStatus(404));

        var summary = await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);

        Assert.Equal(1, summary.Failed);
        Assert.Equal(ComplianceStatus.Error, (await RowAsync("went-away"))!.StatusValue);
    }

    [Fact]
    public async Task Snapshot_EveryStatusRecorded_AStatusThatDisappearsIsZero_SamplesAreTheirOwnSeries()
    {
        await Get<DashboardService>().LoadSampleAsync(TestActors.Maintainer(), default);
        Trusted("real-two").ServeOn(Replay);
        await TrackAsync("real-two");
        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);

        var withSample = await TodayAsync();
        Assert.Equal(ComplianceRepository.SnapshotSeries.Order(), withSample.Keys.Order());
        Assert.Equal((1L, DashboardService.SamplePackages), (withSample["compliant"], withSample["sample"]));
        Assert.Equal(0L, withSample["non-compliant"]);

        // Removing the samples changes the package set: the day's snapshot is rewritten at once, not at the next poll.
        await Get<DashboardService>().RemoveSampleAsync(TestActors.Maintainer(), default);
        var without = await TodayAsync();
        Assert.Equal((1L, 0L), (without["compliant"], without["sample"]));
        var trend = (await Get<DashboardService>().LoadAsync(default)).Trend;
        Assert.Equal(1, trend.Series.Single(s => s.Status == "compliant").Counts.Single());
        Assert.Equal(1, trend.Series.Sum(s => s.Counts.Single()));

        // Adding rewrites it as well (the new package is pending until checked), and so does removing one.
        await TrackAsync("added-later");
        Assert.Equal(1L, (await TodayAsync())["pending"]);
        var id = (await Get<PackageRepository>().FindAsync(new PackageId(Registry.Npm, "added-later"), default))!.Id;
        await Get<PackagesService>().RemoveAsync(TestActors.Maintainer(), id, default);
        Assert.Equal(0L, (await TodayAsync())["pending"]);
    }

    [Fact]
    public async Task Import_AddedPackages_AreCheckedAtOnce_WithProgress()
    {
        Trusted("checked-now").ServeOn(Replay);
        Replay.Serve("/not-yet", ReplayResponse.WithStatus(404));
        var reported = new System.Collections.Concurrent.ConcurrentBag<PollProgress>();

        var report = await Get<PackagesService>().ImportAsync(TestActors.Maintainer(), "checked-now\nnot-yet", null, default,
            new SynchronousProgress<PollProgress>(reported.Add));

        Assert.Equal(2, report.Added);
        Assert.NotNull(report.Check);
        Assert.Equal("Checked on the registry: 1 read, 1 not published yet.", report.Check!.Brief());
        Assert.Equal(ComplianceStatus.Compliant, (await RowAsync("checked-now"))!.StatusValue);
        Assert.Equal(ComplianceStatus.NotPublished, (await RowAsync("not-yet"))!.StatusValue);
        Assert.Equal([1, 2], reported.Select(p => p.Done).Order());
        Assert.All(reported, p => Assert.Equal(2, p.Total));
    }

    [Fact]
    public async Task Import_LegacyNpmName_IsTrackedWhenItExists_RefusedWhenItDoesNot_WithoutADidYouMean()
    {
        new PackumentBuilder("JSONStream").Add("1.3.5", 1, new Publish.Token("dominictarr")).Latest("1.3.5").ServeOn(Replay);
        Replay.Serve("/NoSuchThing", ReplayResponse.WithStatus(404));

        var report = await Get<PackagesService>().ImportAsync(TestActors.Maintainer(), "JSONStream\nNoSuchThing", null, default);

        var added = report.Lines.Single(l => l.Text == "JSONStream");
        Assert.Equal(ImportOutcome.Added, added.Outcome);
        Assert.Contains("capital letters", added.Message);
        var refused = report.Lines.Single(l => l.Text == "NoSuchThing");
        Assert.Equal(ImportOutcome.Invalid, refused.Outcome);
        Assert.Contains("no package named 'NoSuchThing' exists", refused.Message);
        Assert.DoesNotContain("did you mean", string.Join(" ", report.Lines.Select(l => l.Message)), StringComparison.OrdinalIgnoreCase);
        Assert.Null(await RowAsync("NoSuchThing"));
        Assert.Equal(ComplianceStatus.NonCompliant, (await RowAsync("JSONStream"))!.StatusValue);
        Assert.Empty(Replay.Unexpected);
    }

    [Fact]
    public async Task AddToPlan_SamplePackages_AreLeftOut_AndRemovingSamplesSaysWhichPlansLoseThem()
    {
        await Get<DashboardService>().LoadSampleAsync(TestActors.Maintainer(), default);
        var sampleIds = (await Get<ComplianceRepository>().QueryAsync(new ComplianceQuery(Sample: true, Take: 3), default)).Items.Select(r => r.Id).ToList();
        Replay.Serve("/real-three", ReplayResponse.WithStatus(404));
        var realId = await TrackAsync("real-three");
        var service = Get<PackagesService>();

        var onlySamples = await service.AddToPlanAsync(TestActors.Maintainer(), "release", sampleIds, default);
        var mixed = await service.AddToPlanAsync(TestActors.Maintainer(), "release", [.. sampleIds, realId], default);

        Assert.NotNull(onlySamples.Error);
        Assert.Equal((1, 3), (mixed.Added, mixed.SkippedSample));
        Assert.Contains("3 sample package(s) left out", mixed.Summary);
        // A plan made before this rule may still hold samples: the confirmation names it.
        await using (var c = await App.Database.Connections.OpenAsync(default))
            await c.ExecuteAsync("INSERT INTO onboarding_plan_packages (plan_id, package_id, added_at, source) VALUES (@PlanId, @Id, '2026-01-01T00:00:00.000Z', 'grid')",
                new { mixed.PlanId, Id = sampleIds[0] });
        var impact = await service.SampleImpactAsync(default);
        Assert.Equal((DashboardService.SamplePackages, 1), (impact.Packages, impact.Plans.Single().Packages));
        Assert.True(impact.Alerts > 0);
        Assert.Contains("\u201crelease\u201d (1)", impact.Describe());
        Assert.Contains($"{impact.Alerts} sample alert(s)", impact.Describe());
    }

    /// <summary>Reports on the calling thread: <see cref="Progress{T}"/> posts to the thread pool, too late for an assertion.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

using Dapper;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Registries.Npm;

namespace TrustedPublishDashboard.Tests.Monitoring;

/// <summary>Polling through the real app's services, a real SQLite file and a local replay registry.</summary>
public sealed class PollServiceTests : RegistryAppTest
{
    private static readonly Provenance Release = new("acme/widgets", ".github/workflows/release.yml", "refs/tags/v1", "push");

    protected override IEnumerable<string> Settings => [];

    private async Task<long> Track(string name)
    {
        await Get<PackageRepository>().AddAsync([new PackageId(Registry.Npm, name)], null, default);
        return (await Get<PackageRepository>().FindAsync(new PackageId(Registry.Npm, name), default))!.Id;
    }

    private async Task<List<string>> StoredVersions(long id)
    {
        await using var c = await App.Database.Connections.OpenAsync(default);
        return (await c.QueryAsync<string>("SELECT version || '=' || method || '/' || attestation_state FROM package_versions WHERE package_id = @id ORDER BY version", new { id })).AsList();
    }

    [Fact]
    public async Task Poll_StoresVersionsFindingsAndStatus_ThenUsesConditionalGet()
    {
        var builder = new PackumentBuilder("p-main")
            .Add("1.0.0", 1, new Publish.Trusted("oidc:m"), Release)
            .Add("1.0.1", 2, new Publish.Token("someone"))
            .Latest("1.0.1");
        builder.ServeOn(Replay, etag: "\"v1\"");
        var id = await Track("p-main");

        var first = await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);

        Assert.Equal((1, 1, 0), (first.Total, first.Ok, first.Failed));
        Assert.Equal(["1.0.0=trusted-publisher/fetched", "1.0.1=token/not-applicable"], await StoredVersions(id));
        var evidence = (await Get<EvidenceRepository>().GetEvidenceAsync(id, default))!;
        Assert.Equal("non-compliant", evidence.Status);
        Assert.Equal("1.0.1", evidence.LatestVersion);
        Assert.Equal("token", evidence.LatestMethod);
        Assert.Equal("\"v1\"", evidence.ETag);
        var finding = Assert.Single(await Get<EvidenceRepository>().ListFindingsAsync(id, default));
        Assert.Equal((FindingKinds.TrustDowngrade, "1.0.1"), (finding.Kind, finding.Version));

        var second = await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);

        Assert.Equal((1, 1, 1), (second.Ok, second.Unchanged, second.NotModified));
        Assert.Equal(1, second.Requests);
        Assert.Equal("\"v1\"", Replay.Requests.Last(r => r.Target == "/p-main").IfNoneMatch);
        Assert.Equal(1, Replay.CountRequests(builder.AttestationPath("1.0.0")));
        var again = Assert.Single(await Get<EvidenceRepository>().ListFindingsAsync(id, default));
        Assert.Equal(finding.DetectedAt, again.DetectedAt);
        Assert.Equal("non-compliant", (await Get<EvidenceRepository>().GetEvidenceAsync(id, default))!.Status);

        var listed = (await Get<ComplianceRepository>().FindAsync(new PackageId(Registry.Npm, "p-main"), default))!;
        Assert.Equal((ComplianceStatus.NonCompliant, "1.0.1", PublishMethod.Token), (listed.StatusValue, listed.LatestVersion, listed.LatestMethodValue));
        Assert.Equal(("1.0.1", true, 1L), (listed.LastTokenVersion, listed.HasDowngrade, listed.FindingCount));
        Assert.NotNull(listed.CheckedAt);
        Assert.Null(listed.Error);
        Assert.Contains(await Get<ComplianceRepository>().SnapshotsAsync(DateTimeOffset.UtcNow.AddDays(-1), default), s => s is { Status: "non-compliant", Count: >= 1 });

        var runs = await Get<PollRunRepository>().RecentAsync(10, default);
        Assert.Equal(2, runs.Count);
        Assert.Equal(1, runs[0].NotModified);
        Assert.True(runs[1].Bytes > runs[0].Bytes);
        Assert.Empty(Replay.Unexpected);
    }

    [Fact]
    public async Task Poll_NewVersion_FetchesOnlyItsAttestation_AndKeepsEarlierOnes()
    {
        var builder = new PackumentBuilder("p-grow").Add("1.0.0", 1, new Publish.Trusted("oidc:g"), Release);
        builder.ServeOn(Replay, etag: "\"a\"");
        var id = await Track("p-grow");
        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);

        builder.Add("1.1.0", 2, new Publish.Trusted("oidc:g"), Release with { Workflow = ".github/workflows/other.yml" });
        builder.ServeOn(Replay, etag: "\"b\"");
        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);

        Assert.Equal(1, Replay.CountRequests(builder.AttestationPath("1.0.0")));
        Assert.Equal(1, Replay.CountRequests(builder.AttestationPath("1.1.0")));
        Assert.Equal(["1.0.0=trusted-publisher/fetched", "1.1.0=trusted-publisher/fetched"], await StoredVersions(id));
        // Drift needs the earlier version's stored provenance, which was not fetched again.
        var finding = Assert.Single(await Get<EvidenceRepository>().ListFindingsAsync(id, default));
        Assert.Equal((FindingKinds.PublisherDrift, "1.1.0"), (finding.Kind, finding.Version));
        await using var c = await App.Database.Connections.OpenAsync(default);
        Assert.Equal(2, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM attestations WHERE package_id = @id AND body LIKE '%slsa.dev/provenance/v1%'", new { id }));
    }

    [Fact]
    public async Task Poll_FailedFetch_LeavesStoredEvidenceUntouched_AndTheRestOfTheBatchContinues()
    {
        var good = new PackumentBuilder("p-fragile").Add("1.0.0", 1, new Publish.Trusted("oidc:f"), Release);
        good.ServeOn(Replay, etag: "\"f1\"");
        new PackumentBuilder("p-steady").Add("1.0.0", 1, new Publish.Trusted("oidc:s")).ServeOn(Replay);
        var fragile = await Track("p-fragile");
        var steady = await Track("p-steady");
        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);
        var versionsBefore = await StoredVersions(fragile);
        var findingsBefore = await Get<EvidenceRepository>().ListFindingsAsync(fragile, default);

        var json = good.Add("2.0.0", 2, new Publish.Token("intruder")).BuildPackument(Replay.BaseUrl);
        Replay.Serve(good.PackumentPath, ReplayResponse.Json(json[..(json.Length - 40)], etag: "\"f2\""));
        var summary = await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);

        Assert.Equal((2, 1, 1), (summary.Total, summary.Ok, summary.Failed));
        Assert.Equal(versionsBefore, await StoredVersions(fragile));
        Assert.Equal(findingsBefore, await Get<EvidenceRepository>().ListFindingsAsync(fragile, default));
        var evidence = (await Get<EvidenceRepository>().GetEvidenceAsync(fragile, default))!;
        Assert.Equal("error", evidence.Status);
        Assert.Contains("not valid JSON", evidence.Error);
        Assert.Equal(1, evidence.ConsecutiveFailures);
        Assert.Equal("\"f1\"", evidence.ETag);
        Assert.Equal("1.0.0", evidence.LatestVersion);
        Assert.Equal("compliant", (await Get<EvidenceRepository>().GetEvidenceAsync(steady, default))!.Status);

        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);
        Assert.Equal(2, (await Get<EvidenceRepository>().GetEvidenceAsync(fragile, default))!.ConsecutiveFailures);

        // Recovery: the registry answers properly again and the token publish is found.
        Replay.Serve(good.PackumentPath, ReplayResponse.Json(json, etag: "\"f3\""));
        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);
        var recovered = (await Get<EvidenceRepository>().GetEvidenceAsync(fragile, default))!;
        Assert.Equal(0, recovered.ConsecutiveFailures);
        Assert.Null(recovered.Error);
        Assert.Equal("non-compliant", recovered.Status);
        Assert.Equal((FindingKinds.TrustDowngrade, "2.0.0"), (await Get<EvidenceRepository>().ListFindingsAsync(fragile, default)).Select(f => (f.Kind, f.Version)).Single());
    }

    [Fact]
    public async Task Poll_AttestationServerError_LeavesItPending_AndRetriesWithoutConditionalGet()
    {
        var builder = new PackumentBuilder("p-pending").Add("1.0.0", 1, new Publish.Trusted("oidc:pe"), Release);
        builder.ServeOn(Replay, etag: "\"p\"");
        Replay.Serve(builder.AttestationPath("1.0.0"), ReplayResponse.WithStatus(503));
        var id = await Track("p-pending");

        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);
        Assert.Equal(["1.0.0=trusted-publisher/pending"], await StoredVersions(id));

        Replay.Serve(builder.AttestationPath("1.0.0"), ReplayResponse.Json(PackumentBuilder.Attestations("p-pending", "1.0.0", Release)));
        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);

        Assert.Null(Replay.Requests.Last(r => r.Target == "/p-pending").IfNoneMatch);
        Assert.Equal(["1.0.0=trusted-publisher/fetched"], await StoredVersions(id));
    }

    [Fact]
    public async Task Poll_RecordsOneCheckPerPackage_WithOutcomeAndRun_KeepingOnlyTheNewest()
    {
        new PackumentBuilder("p-checked").Add("1.0.0", 1, new Publish.Trusted("oidc:k")).ServeOn(Replay, etag: "\"k\"");
        var id = await Track("p-checked");
        var missing = await Track("p-checked-missing");
        Replay.Serve("/p-checked-missing", ReplayResponse.WithStatus(404));
        var checks = Get<EvidenceRepository>();

        var first = await Get<PollService>().PollAsync(Registry.Npm, "schedule", null, default);
        await Get<PollService>().RecheckAsync([id], null, default);

        var mine = await checks.ListChecksAsync(id, 10, default);
        Assert.Equal([("unchanged", "manual"), ("updated", "schedule")], mine.Select(c => (c.Outcome, c.Trigger!)));
        Assert.Equal(first.RunId, mine[1].PollRunId);
        var theirs = Assert.Single(await checks.ListChecksAsync(missing, 10, default));
        Assert.Equal((PackageCheck.NotPublished, "schedule"), (theirs.Outcome, theirs.Trigger));
        Assert.Null(theirs.Error);

        // Bounded: a package keeps its newest ChecksKept checks, however many polls ran.
        for (var i = 0; i < EvidenceRepository.ChecksKept + 3; i++) await Get<PollService>().RecheckAsync([id], null, default);
        await using var c = await App.Database.Connections.OpenAsync(default);
        Assert.Equal(EvidenceRepository.ChecksKept, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM package_checks WHERE package_id = @id", new { id }));
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM package_checks WHERE package_id = @missing", new { missing }));
    }

    [Fact]
    public async Task Poll_RemovedPackage_CascadesItsEvidence()
    {
        new PackumentBuilder("p-removed").Add("1.0.0", 1, new Publish.Token("a")).ServeOn(Replay);
        var id = await Track("p-removed");
        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);
        Assert.True(await Get<PackageRepository>().RemoveAsync(id, default));
        await using var c = await App.Database.Connections.OpenAsync(default);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT (SELECT COUNT(*) FROM package_versions WHERE package_id = @id) + (SELECT COUNT(*) FROM findings WHERE package_id = @id) + (SELECT COUNT(*) FROM package_evidence WHERE package_id = @id)", new { id }));
    }

    [Fact]
    public async Task RecheckAsync_PollsOnlyTheChosenPackages_AndCountsUnreadableRegistries()
    {
        new PackumentBuilder("p-chosen").Add("1.0.0", 1, new Publish.Trusted("oidc:c")).ServeOn(Replay);
        var chosen = await Track("p-chosen");
        var other = await Track("p-not-chosen");
        await Get<PackageRepository>().AddAsync([new PackageId(Registry.PyPI, "some-python-pkg")], null, default);
        var python = (await Get<PackageRepository>().FindAsync(new PackageId(Registry.PyPI, "some-python-pkg"), default))!.Id;

        var result = await Get<PollService>().RecheckAsync([chosen, python], null, default);

        Assert.Equal(1, result.Unsupported);
        Assert.Equal((1, 1), (Assert.Single(result.Polls).Total, result.Polls[0].Ok));
        Assert.Contains("cannot read yet", result.ToString());
        Assert.Equal("compliant", (await Get<EvidenceRepository>().GetEvidenceAsync(chosen, default))!.Status);
        Assert.Null(await Get<EvidenceRepository>().GetEvidenceAsync(other, default));
        Assert.Equal(0, Replay.CountRequests("/p-not-chosen"));
    }

    [Fact]
    public async Task Shutdown_DuringAPoll_InterruptsItAndRecordsIt()
    {
        var slow = new PackumentBuilder("p-slow").Add("1.0.0", 1, new Publish.Token("a"));
        Replay.Serve(slow.PackumentPath, ReplayResponse.Json(slow.BuildPackument(Replay.BaseUrl)) with { Delay = TimeSpan.FromSeconds(20) });
        await Track("p-slow");
        var jobs = Get<JobsService>();
        Assert.True(await jobs.RunNowAsync(TestActors.Administrator("tester"), "npm-poll", default));
        await Eventually.HoldsAsync(() => Task.FromResult(Replay.CountRequests(slow.PackumentPath) > 0), "the poll is waiting on the slow registry");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await App.App.StopAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {clock.Elapsed}");
        var run = (await Get<JobRunRepository>().RecentAsync("npm-poll", 1, default)).Single();
        Assert.True(run.Outcome == "interrupted", $"{run.Outcome}: {run.Error} / {run.Detail}");
        Assert.Equal("cancelled", (await Get<PollRunRepository>().RecentAsync(1, default)).Single().Error);
    }

    [Fact]
    public async Task NpmPollJob_RunNow_PollsAndRecordsTheSummary()
    {
        new PackumentBuilder("p-job").Add("1.0.0", 1, new Publish.Trusted("oidc:j")).ServeOn(Replay);
        var id = await Track("p-job");
        var jobs = Get<JobsService>();

        Assert.True(await jobs.RunNowAsync(TestActors.Administrator("tester"), "npm-poll", default));
        await Eventually.HoldsAsync(async () => (await jobs.ListAsync(default)).Single(j => j.Job.Key == "npm-poll").LastRun is { Outcome: "succeeded" },
            "the npm poll job has succeeded");

        var run = (await jobs.ListAsync(default)).Single(j => j.Job.Key == "npm-poll").LastRun!;
        Assert.Contains("1 package(s): 1 ok", run.Detail);
        Assert.Equal("compliant", (await Get<EvidenceRepository>().GetEvidenceAsync(id, default))!.Status);
    }

    [Fact]
    public async Task Poll_KeepsAnAcceptedFindingAccepted_ButANewTokenVersionIsOpenAgain()
    {
        var builder = new PackumentBuilder("p-triage")
            .Add("1.0.0", 1, new Publish.Trusted("oidc:t"), Release)
            .Add("1.0.1", 2, new Publish.Token("someone"));
        builder.ServeOn(Replay, etag: "\"t1\"");
        var id = await Track("p-triage");
        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);
        await Get<TrustedPublishDashboard.Packages.FindingTriageService>().AcceptAsync(TestActors.Maintainer(), id, FindingKinds.TrustDowngrade, "1.0.1",
            new TrustedPublishDashboard.Packages.AcceptRequest(AcceptanceReason.AcceptedRisk, "one-off token publish, token revoked"), default);
        Assert.Equal("compliant", (await Get<EvidenceRepository>().GetEvidenceAsync(id, default))!.Status);

        // Unchanged (304) and a full fetch alike evaluate under the acceptance.
        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);
        Assert.Equal("compliant", (await Get<EvidenceRepository>().GetEvidenceAsync(id, default))!.Status);

        builder.Add("1.0.2", 3, new Publish.Token("someone"));
        builder.ServeOn(Replay, etag: "\"t2\"");
        await Get<PollService>().PollAsync(Registry.Npm, "test", null, default);

        var row = (await Get<ComplianceRepository>().FindAsync(new PackageId(Registry.Npm, "p-triage"), default))!;
        Assert.Equal(("non-compliant", 1L, 1L), (row.Status, row.FindingCount, row.AcceptedCount));
    }
}

using Dapper;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Packages;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Web.Api;

namespace TrustedPublishDashboard.Tests.Packages;

/// <summary>Findings triage through the app's services over a real SQLite file: permissions, status re-stored at once, expiry, grid filter.</summary>
public sealed class FindingTriageServiceTests : PackagesServicesTest
{
    private FindingTriageService Triage => Services.GetRequiredService<FindingTriageService>();

    private PackagesService Packages => Services.GetRequiredService<PackagesService>();

    private PackageDetailService Details => Services.GetRequiredService<PackageDetailService>();

    private static readonly AcceptRequest Intended = new(AcceptanceReason.IntendedChange, "token publish from the old release box, token revoked");

    private async Task<ComplianceRow> RowAsync(string name) =>
        (await Packages.QueryAsync(new PackageGridState { Search = name }, default)).Items.Single(r => r.Name == name);

    [Fact]
    public async Task TriageChanges_AViewer_IsRefused_AndNothingChanges()
    {
        var id = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("tri-viewer"));
        var viewer = TestActors.Viewer();

        await Assert.ThrowsAsync<AccessDeniedException>(() => Triage.AcceptAsync(viewer, id, FindingKinds.TrustDowngrade, "2.0.0", Intended, default));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Triage.AcceptManyAsync(viewer, [new FindingRef(id, FindingKinds.TrustDowngrade, "2.0.0")], Intended, default));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Triage.ReopenAsync(viewer, id, FindingKinds.TrustDowngrade, "2.0.0", default));

        var row = await RowAsync("tri-viewer");
        Assert.Equal(("non-compliant", 1L, 0L), (row.Status, row.FindingCount, row.AcceptedCount));
        Assert.Empty(await Services.GetRequiredService<FindingAcceptanceRepository>().HistoryAsync(id, default));
    }

    [Fact]
    public async Task AcceptAsync_StoresTheStatusAtOnce_AndGridCountsBadgeApiAndDetailAgree_ThenReopenUndoesIt()
    {
        var id = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("tri-accept"));
        var countsBefore = await Packages.OverviewAsync(default);

        var outcome = await Triage.AcceptAsync(TestActors.Maintainer("alice"), id, FindingKinds.TrustDowngrade, "2.0.0", Intended, default);

        Assert.Equal(new TriageOutcome(1), outcome);
        var row = await RowAsync("tri-accept");
        Assert.Equal(("compliant", 0L, 1L, false), (row.Status, row.FindingCount, row.AcceptedCount, row.HasDowngrade));
        var counts = (await Packages.OverviewAsync(default)).Counts;
        Assert.Equal((countsBefore.Counts.Compliant + 1, countsBefore.Counts.NonCompliant - 1, 0L), (counts.Compliant, counts.NonCompliant, counts.OpenFindings));
        Assert.Equal("compliant · 1 accepted", Badges.For(await Details.FindRowAsync("npm", "tri-accept", default)).Message);
        Assert.Equal(1L, PackageItem.From(row).AcceptedFindings);
        var finding = Assert.Single((await Details.LookupAsync("npm", "tri-accept", default)).Detail!.Findings);
        Assert.Equal(FindingState.Accepted, finding.State);
        Assert.Equal(("alice", "intended-change"), (finding.Acceptance!.AcceptedBy, finding.Acceptance.ReasonKind));
        Assert.Equal([FindingHistory.Raised, FindingHistory.Accepted], finding.History.Select(e => e.What));
        Assert.Equal("accepted", FindingItem.From(finding).State);

        var reopened = await Triage.ReopenAsync(TestActors.Maintainer("bob"), id, FindingKinds.TrustDowngrade, "2.0.0", default);

        Assert.Equal(new TriageOutcome(1), reopened);
        row = await RowAsync("tri-accept");
        Assert.Equal(("non-compliant", 1L, 0L, true), (row.Status, row.FindingCount, row.AcceptedCount, row.HasDowngrade));
        Assert.Equal("token", Badges.For(row).Message);
        finding = Assert.Single((await Details.LookupAsync("npm", "tri-accept", default)).Detail!.Findings);
        Assert.Equal(FindingState.Open, finding.State);
        Assert.Equal([(FindingHistory.Raised, (string?)null), (FindingHistory.Accepted, "alice"), (FindingHistory.Reopened, "bob")],
            finding.History.Select(e => (e.What, e.Who)));
    }

    [Theory]
    [InlineData(AcceptanceReason.FalsePositive, "  ", 0, "Say why")]
    [InlineData(AcceptanceReason.FalsePositive, "ok", -1, "in the future")]
    [InlineData(AcceptanceReason.FalsePositive, "ok", 5000, "three years")]
    [InlineData((AcceptanceReason)42, "ok", 0, "Choose why")]
    public async Task AcceptAsync_BadRequest_SaysWhy_AndChangesNothing(AcceptanceReason reason, string note, int expiresInDays, string expected)
    {
        var id = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("tri-bad"));
        var request = new AcceptRequest(reason, note, expiresInDays == 0 ? null : DateTimeOffset.UtcNow.AddDays(expiresInDays));

        var outcome = await Triage.AcceptAsync(TestActors.Maintainer(), id, FindingKinds.TrustDowngrade, "2.0.0", request, default);

        Assert.Contains(expected, outcome.Error);
        Assert.Equal("non-compliant", (await RowAsync("tri-bad")).Status);
    }

    [Fact]
    public async Task AcceptAsync_AFindingThePackageDoesNotHave_AcceptsNothing()
    {
        var id = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("tri-missing"));

        var outcome = await Triage.AcceptAsync(TestActors.Maintainer(), id, FindingKinds.TrustDowngrade, "9.9.9", Intended, default);

        Assert.NotNull(outcome.Error);
        Assert.Equal("non-compliant", (await RowAsync("tri-missing")).Status);
    }

    [Fact]
    public async Task Expiry_TakesEffectAtTheNextRead_WithoutAnyUserAction()
    {
        var id = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("tri-expiry"));
        await Triage.AcceptAsync(TestActors.Maintainer(), id, FindingKinds.TrustDowngrade, "2.0.0", Intended with { ExpiresAt = DateTimeOffset.UtcNow.AddDays(30) }, default);
        Assert.Equal("compliant", (await RowAsync("tri-expiry")).Status);

        // Time passes: the expiry is now behind us (moved back in the stored row, as a clock cannot be).
        await using (var c = await Db.Connections.OpenAsync(default))
            await c.ExecuteAsync("UPDATE finding_acceptances SET expires_at = @At", new { At = DbTime.ToText(DateTimeOffset.UtcNow.AddMinutes(-5)) });

        var row = await RowAsync("tri-expiry");
        Assert.Equal(("non-compliant", 1L, 0L), (row.Status, row.FindingCount, row.AcceptedCount));
        var finding = Assert.Single((await Details.LookupAsync("npm", "tri-expiry", default)).Detail!.Findings);
        Assert.Equal(FindingState.Open, finding.State);
        Assert.Equal([FindingHistory.Raised, FindingHistory.Accepted, FindingHistory.Expired], finding.History.Select(e => e.What));
    }

    [Fact]
    public async Task ExpireDueAsync_EndsOnlyDueAcceptances_AndRestoresThoseStatuses()
    {
        var due = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("tri-due"));
        var kept = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("tri-kept"));
        await Triage.AcceptAsync(TestActors.Maintainer(), due, FindingKinds.TrustDowngrade, "2.0.0", Intended with { ExpiresAt = DateTimeOffset.UtcNow.AddDays(1) }, default);
        await Triage.AcceptAsync(TestActors.Maintainer(), kept, FindingKinds.TrustDowngrade, "2.0.0", Intended with { ExpiresAt = DateTimeOffset.UtcNow.AddDays(10) }, default);

        Assert.Equal(1, await Triage.ExpireDueAsync(DateTimeOffset.UtcNow.AddDays(2), default));

        await using var c = await Db.Connections.OpenAsync(default);
        var statuses = (await c.QueryAsync<(string Name, string Status)>(
            "SELECT p.name, e.status FROM packages p JOIN package_evidence e ON e.package_id = p.id ORDER BY p.name")).ToList();
        Assert.Equal([("tri-due", "non-compliant"), ("tri-kept", "compliant")], statuses);
    }

    [Fact]
    public async Task AnyFindingFilter_ExcludesAcceptedByDefault_AndIncludesThemWhenAsked()
    {
        var accepted = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("flt-accepted"));
        await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("flt-open"));
        await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("flt-clean", "o/clean"));
        await Triage.AcceptAsync(TestActors.Maintainer(), accepted, FindingKinds.TrustDowngrade, "2.0.0", Intended, default);

        var open = await Packages.QueryAsync(new PackageGridState { Search = "flt-", Filter = QuickFilter.Findings }, default);
        var all = await Packages.QueryAsync(new PackageGridState { Search = "flt-", Filter = QuickFilter.Findings, IncludeAccepted = true }, default);

        Assert.Equal(["flt-open"], open.Items.Select(r => r.Name));
        Assert.Equal(["flt-accepted", "flt-open"], all.Items.Select(r => r.Name));
        var parsed = PackageGridState.Parse("?filter=findings&accepted=include");
        Assert.True(parsed.State!.IncludeAccepted);
        Assert.Equal("?filter=findings&accepted=include", parsed.State.ToQueryString());
        Assert.Contains("accepted must be include or exclude", PackageGridState.Parse("?accepted=maybe").Problem);
    }

    [Fact]
    public async Task PreviewThenAcceptMany_AcceptsExactlyThePreviewedOpenFindings()
    {
        var a = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("bulk-a"));
        var b = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("bulk-b"));
        var clean = await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("bulk-clean", "o/c"));

        var preview = await Triage.PreviewAcceptAsync([a, b, clean], default);

        Assert.Equal([("bulk-a", "trust-downgrade", "2.0.0"), ("bulk-b", "trust-downgrade", "2.0.0")],
            preview.Findings.Select(f => (f.Package.Name, f.Kind, f.Version)));
        Assert.Equal((3, 2, 1), (preview.Packages, preview.PackagesWithFindings, preview.PackagesWithoutOpenFindings));

        var outcome = await Triage.AcceptManyAsync(TestActors.Maintainer(), preview.Findings.Select(f => f.Ref).ToList(), Intended, default);

        Assert.Equal(2, outcome.Count);
        foreach (var name in new[] { "bulk-a", "bulk-b" }) Assert.Equal("compliant", (await RowAsync(name)).Status);
        Assert.Empty((await Triage.PreviewAcceptAsync([a, b], default)).Findings);
    }
}

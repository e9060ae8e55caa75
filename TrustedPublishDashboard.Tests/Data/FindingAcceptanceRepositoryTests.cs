using Dapper;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Packages;

namespace TrustedPublishDashboard.Tests.Data;

/// <summary>Finding acceptances on a real SQLite file: one active per finding, history kept, expiry recorded at its own time.</summary>
public sealed class FindingAcceptanceRepositoryTests : PackagesServicesTest
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private FindingAcceptanceRepository Repository => Services.GetRequiredService<FindingAcceptanceRepository>();

    private static readonly PackageSummary Accepted = new(null, null, null, null, null, null, null, 0, false, false, 1);

    private Task<(int Accepted, int Reopened)> AcceptAsync(long id, string version = "2.0.0", DateTimeOffset? expires = null, string by = "alice") =>
        Repository.SaveAsync(id, [new NewAcceptance(FindingKinds.TrustDowngrade, version, AcceptanceReason.AcceptedRisk, "legacy token, revoked", expires)], [],
            by, Accepted, ComplianceStatus.Compliant, [], Now, default);

    [Fact]
    public async Task SaveAsync_Accept_StoresItAndTheStatusInOneGo_AndASecondActiveAcceptanceIsRefused()
    {
        var id = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("repo-accept"));

        Assert.Equal((1, 0), await AcceptAsync(id));
        Assert.Equal((0, 0), await AcceptAsync(id, by: "bob"));

        var active = Assert.Single(await Repository.ActiveAsync(id, default));
        Assert.Equal((FindingKinds.TrustDowngrade, "2.0.0", AcceptanceReason.AcceptedRisk, "legacy token, revoked", "alice", Now),
            (active.Kind, active.Version, active.Reason, active.Note, active.AcceptedBy, active.AcceptedAt));
        Assert.Equal(active, Assert.Single(await Repository.ActiveAsync(new PackageId(Registry.Npm, "repo-accept"), default)));
        await using var c = await Db.Connections.OpenAsync(default);
        var stored = await c.QuerySingleAsync<(string Status, long Findings, long Accepted)>(
            "SELECT status, finding_count, accepted_count FROM package_evidence WHERE package_id = @id", new { id });
        Assert.Equal(("compliant", 0L, 1L), stored);
    }

    [Fact]
    public async Task SaveAsync_Reopen_EndsTheAcceptance_KeepsItAsHistory_AndAllowsANewOne()
    {
        var id = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("repo-reopen"));
        await AcceptAsync(id);

        var reopened = await Repository.SaveAsync(id, [], [(FindingKinds.TrustDowngrade, "2.0.0")], "bob",
            Accepted with { AcceptedCount = 0, FindingCount = 1 }, ComplianceStatus.NonCompliant, [], Now.AddHours(1), default);
        await AcceptAsync(id, by: "carol");

        Assert.Equal((0, 1), reopened);
        var history = await Repository.HistoryAsync(id, default);
        Assert.Equal([("alice", "reopened", "bob"), ("carol", null, null)], history.Select(h => (h.AcceptedBy, h.EndReason, h.EndedBy)));
        Assert.Equal("carol", Assert.Single(await Repository.ActiveAsync(id, default)).AcceptedBy);
    }

    [Fact]
    public async Task DuePackageIdsAsync_AndEndExpired_RecordTheExpiryAtItsOwnTime()
    {
        var due = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("repo-due"));
        var later = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("repo-later"));
        await AcceptAsync(due, expires: Now.AddDays(1));
        await AcceptAsync(later, expires: Now.AddDays(30));

        Assert.Empty(await Repository.DuePackageIdsAsync(Now, default));
        Assert.Equal([due], await Repository.DuePackageIdsAsync(Now.AddDays(2), default));

        var expired = await Repository.ActiveAsync(due, default);
        await Repository.SaveAsync(due, [], [], "system", Accepted, ComplianceStatus.NonCompliant, expired, Now.AddDays(2), default);

        Assert.Empty(await Repository.ActiveAsync(due, default));
        var row = Assert.Single(await Repository.HistoryAsync(due, default));
        Assert.Equal(("expired", DbTime.ToText(Now.AddDays(1))), (row.EndReason, row.EndedAt));
        Assert.Empty(await Repository.DuePackageIdsAsync(Now.AddDays(2), default));
        Assert.Single(await Repository.ActiveAsync(later, default));
    }

    [Fact]
    public async Task RemovingThePackage_RemovesItsAcceptances()
    {
        var id = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("repo-removed"));
        await AcceptAsync(id);

        await Services.GetRequiredService<PackageRepository>().RemoveAsync(id, default);

        Assert.Empty(await Repository.HistoryAsync(id, default));
    }
}

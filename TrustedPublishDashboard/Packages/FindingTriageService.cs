using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding;

namespace TrustedPublishDashboard.Packages;

/// <summary>What a person gives when accepting findings: the kind of reason, the reason in words, and an optional expiry.</summary>
public sealed record AcceptRequest(AcceptanceReason Reason, string? Note, DateTimeOffset? ExpiresAt = null);

/// <summary>One finding of one package, by its identity (kind and version; null or "" for a package-level finding).</summary>
public sealed record FindingRef(long PackageId, string Kind, string? Version);

/// <summary>An open finding a bulk accept would accept, with what the preview shows about it.</summary>
public sealed record AcceptCandidate(long PackageId, PackageId Package, string Kind, string? Version, string Title, string Happened)
{
    public FindingRef Ref => new(PackageId, Kind, Version);
}

/// <summary>The preview of a bulk accept: every open finding of the chosen packages, and how many packages have none.</summary>
public sealed record BulkAcceptPreview(IReadOnlyList<AcceptCandidate> Findings, int Packages, int PackagesWithoutOpenFindings)
{
    public int PackagesWithFindings => Findings.Select(f => f.PackageId).Distinct().Count();
}

/// <summary>How a triage action went: how many findings it changed, or why it changed none.</summary>
public sealed record TriageOutcome(int Count, string? Error = null)
{
    public static TriageOutcome Failed(string error) => new(0, error);
}

/// <summary>
/// Findings triage: accept (one finding, or every open finding of a grid selection after a preview), reopen, and
/// expiry. Every change re-evaluates the package with the domain rules and stores its status and counts at once, so
/// the grid, dashboard, badge, API and exports agree without waiting for the next poll. Expired acceptances are
/// ended by <see cref="ExpireDueAsync"/>, which every poll and every read of the grid, a package, the dashboard or a
/// badge runs first: expiry needs no user action and no read ever shows an expired acceptance as active.
/// </summary>
public sealed class FindingTriageService(
    EvidenceRepository evidence,
    FindingAcceptanceRepository acceptances,
    PackageRepository packages,
    OnboardingVerifier onboarding,
    ComplianceRepository compliance)
{
    public const int MaxNoteLength = 500;
    /// <summary>The longest expiry a person can set: an acceptance is a decision to revisit, not a permanent mute.</summary>
    public static readonly TimeSpan MaxExpiry = TimeSpan.FromDays(3 * 366);

    /// <summary>Accepts one finding of one package.</summary>
    public Task<TriageOutcome> AcceptAsync(Actor actor, long packageId, string kind, string? version, AcceptRequest request, CancellationToken ct) =>
        AcceptManyAsync(actor, [new FindingRef(packageId, kind, version)], request, ct);

    /// <summary>
    /// Accepts the given findings with one reason (the list a preview showed). Findings that are gone since the preview
    /// or already accepted are skipped; the count says how many were accepted now.
    /// </summary>
    public async Task<TriageOutcome> AcceptManyAsync(Actor actor, IReadOnlyCollection<FindingRef> findings, AcceptRequest request, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        var now = DateTimeOffset.UtcNow;
        if (Validate(request, now) is { } problem) return TriageOutcome.Failed(problem);
        if (findings.Count == 0) return TriageOutcome.Failed("No finding is selected.");
        var note = request.Note!.Trim();
        var total = 0;
        foreach (var row in await ResolveAsync(findings.Select(f => f.PackageId).Distinct().ToList(), ct))
        {
            var current = (await evidence.ListFindingsAsync(row.Id, ct)).Select(f => (f.Kind, f.Version)).ToHashSet();
            var accept = findings.Where(f => f.PackageId == row.Id && current.Contains((f.Kind, f.Version ?? "")))
                .Select(f => new NewAcceptance(f.Kind, f.Version ?? "", request.Reason, note, request.ExpiresAt))
                .DistinctBy(a => (a.Kind, a.Version)).ToList();
            if (accept.Count == 0) continue;
            total += (await RestoreAsync(row, accept, [], actor.Name, now, ct)).Accepted;
        }
        if (total == 0) return TriageOutcome.Failed("Nothing was accepted: the findings are gone or already accepted.");
        // Statuses changed: today's compliance snapshot says so at once, as after a poll.
        await compliance.RecordSnapshotAsync(now, ct);
        return new TriageOutcome(total);
    }

    /// <summary>Ends the active acceptance of a finding: it is open again and counts toward the status.</summary>
    public async Task<TriageOutcome> ReopenAsync(Actor actor, long packageId, string kind, string? version, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        var row = (await ResolveAsync([packageId], ct)).FirstOrDefault();
        if (row is null) return TriageOutcome.Failed("The package is not tracked.");
        var (_, reopened) = await RestoreAsync(row, [], [(kind, version ?? "")], actor.Name, DateTimeOffset.UtcNow, ct);
        if (reopened == 0) return TriageOutcome.Failed("The finding is not accepted: nothing to reopen.");
        await compliance.RecordSnapshotAsync(DateTimeOffset.UtcNow, ct);
        return new TriageOutcome(reopened);
    }

    /// <summary>Every open finding of the packages, for the bulk-accept dialog's preview. Read-only.</summary>
    public async Task<BulkAcceptPreview> PreviewAcceptAsync(IReadOnlyCollection<long> packageIds, CancellationToken ct)
    {
        await ExpireDueAsync(DateTimeOffset.UtcNow, ct);
        var candidates = new List<AcceptCandidate>();
        var rows = await ResolveAsync(packageIds, ct);
        var without = 0;
        foreach (var row in rows.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            var active = await acceptances.ActiveAsync(row.Id, ct);
            var open = (await evidence.ListFindingsAsync(row.Id, ct))
                .Where(f => !active.Any(a => a.Kind == f.Kind && a.Version == f.Version))
                .Select(f => new AcceptCandidate(row.Id, row.PackageId, f.Kind, f.Version.Length == 0 ? null : f.Version,
                    FindingGuide.For(f.Kind).Title, FindingGuide.Split(f.Message).Happened))
                .ToList();
            if (open.Count == 0) without++;
            candidates.AddRange(open);
        }
        return new BulkAcceptPreview(candidates, rows.Count, without);
    }

    /// <summary>
    /// Ends every acceptance whose expiry has passed and stores the affected packages' status and counts. Cheap when
    /// nothing is due (one indexed query), so polls and reads run it first.
    /// </summary>
    public async Task<int> ExpireDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var due = await acceptances.DuePackageIdsAsync(now, ct);
        if (due.Count == 0) return 0;
        foreach (var row in await ResolveAsync(due, ct))
            await RestoreAsync(row, [], [], "system", now, ct);
        await compliance.RecordSnapshotAsync(now, ct);
        return due.Count;
    }

    /// <summary>The problem with a request, or null; shown inline by the dialog and returned by the service alike.</summary>
    public static string? Validate(AcceptRequest request, DateTimeOffset now)
    {
        if (!Enum.IsDefined(request.Reason)) return "Choose why the findings are accepted.";
        if (string.IsNullOrWhiteSpace(request.Note)) return "Say why the findings are accepted: the reason is shown with them.";
        if (request.Note.Trim().Length > MaxNoteLength) return $"The reason is at most {MaxNoteLength} characters.";
        if (request.ExpiresAt is { } expires && expires <= now) return "The expiry must be in the future.";
        if (request.ExpiresAt is { } far && far - now > MaxExpiry) return "The expiry can be at most three years ahead.";
        return null;
    }

    /// <summary>Re-evaluates the package under its acceptances after the change, and stores the change with the new status.</summary>
    private async Task<(int Accepted, int Reopened)> RestoreAsync(PackageRow row, IReadOnlyList<NewAcceptance> accept,
        IReadOnlyList<(string Kind, string Version)> reopen, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var history = await evidence.LoadHistoryAsync(row.PackageId, row.Id, ct) with { Expectation = await onboarding.ExpectationAsync(row.Id, ct) };
        var active = await acceptances.ActiveAsync(row.Id, ct);
        var after = active.Where(a => !reopen.Contains((a.Kind, a.Version)))
            .Concat(accept.Where(n => !active.Any(a => a.Kind == n.Kind && a.Version == n.Version))
                .Select(n => new FindingAcceptance(0, n.Kind, n.Version, n.Reason, n.Note, actor, now, n.ExpiresAt)))
            .ToList();
        var evaluation = EvidenceRules.Evaluate(history, after, now);
        return await acceptances.SaveAsync(row.Id, accept, reopen, actor, PackageSummary.From(history, evaluation), evaluation.Status,
            evaluation.ExpiredAcceptances, now, ct);
    }

    private async Task<IReadOnlyList<PackageRow>> ResolveAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        var rows = new List<PackageRow>();
        foreach (var registry in RegistryCatalog.All.Select(d => d.Registry))
            rows.AddRange(await packages.ListByRegistryAsync(registry, ids, ct));
        return rows;
    }
}

using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Onboarding;

namespace TrustedPublishDashboard.Packages;

/// <summary>One page of the grid: its rows, how many rows the filter selects in all, and each group's size when grouped.</summary>
public sealed record PackageGridPage(IReadOnlyList<ComplianceRow> Items, int Total, IReadOnlyList<ComplianceGroup>? Groups)
{
    public static PackageGridPage Empty { get; } = new([], 0, null);
}

/// <summary>What the grid page shows beside the rows: totals, the groups and plans its pickers offer.</summary>
public sealed record PackagesOverview(ComplianceCounts Counts, IReadOnlyList<PackageGroupRow> Groups, IReadOnlyList<string> PlanNames, string? SuggestedPlan);

/// <summary>How a bulk action went: how many packages it changed, or why it changed none.</summary>
public sealed record BulkResult(int Count, string? Error = null)
{
    public static BulkResult Failed(string error) => new(0, error);
}

/// <summary>A selection added to an onboarding plan: the plan, how many were new to it, and how many were asked for.</summary>
/// <param name="SkippedSample">Sample packages in the selection, left out: generated data has nothing to onboard.</param>
/// <param name="Error">Why nothing was added (e.g. the selection holds only sample packages).</param>
public sealed record PlanAddition(long PlanId, int Added, int Requested, int SkippedSample = 0, string? Error = null)
{
    public string Summary => Error ?? $"{Added:N0} package(s) added to the onboarding plan ({Requested - SkippedSample - Added:N0} were already in it)" +
        (SkippedSample > 0 ? $"; {SkippedSample:N0} sample package(s) left out: sample data cannot be onboarded." : ".");
}

/// <summary>
/// The compliance grid's operations: the page of rows for a grid state, exports, adding packages one at a time or by
/// paste, removing, moving to a group, re-checking and adding to an onboarding plan (for the ticked rows, or every row
/// matching the filter through <see cref="MatchingIdsAsync"/>). The page and the JSON API call only this (and <see cref="PackageDetailService"/>). Every method
/// that changes data takes the acting user and checks <see cref="Permission.Maintain"/> first.
/// </summary>
public sealed class PackagesService(
    ComplianceRepository compliance,
    PackageRepository packages,
    PackageImportService importer,
    SampleWorkspace sample,
    PollService polls,
    OnboardingService onboarding,
    OnboardingPlanRepository plans,
    FindingTriageService triage)
{
    /// <summary>The rows of a grid state's page, its total and (when grouped) every group's size, all from SQL.</summary>
    public async Task<PackageGridPage> QueryAsync(PackageGridState state, CancellationToken ct)
    {
        await triage.ExpireDueAsync(DateTimeOffset.UtcNow, ct);
        var query = state.ToQuery();
        var page = await compliance.QueryAsync(query, ct);
        var groups = state.GroupBy is { } key ? await compliance.GroupCountsAsync(query, key, ct) : null;
        return new PackageGridPage(page.Items, page.Total, groups);
    }

    /// <summary>Every row of the state's filter in the grid's order, streamed: the CSV and JSON exports.</summary>
    public async IAsyncEnumerable<ComplianceRow> ExportAsync(PackageGridState state, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await triage.ExpireDueAsync(DateTimeOffset.UtcNow, ct);
        await foreach (var row in compliance.StreamAsync(state.ToUnpagedQuery(), ct)) yield return row;
    }

    public async Task<PackagesOverview> OverviewAsync(CancellationToken ct)
    {
        await triage.ExpireDueAsync(DateTimeOffset.UtcNow, ct);
        var counts = await compliance.CountsAsync(ct);
        var groups = await packages.ListGroupsAsync(ct);
        var planRows = await plans.ListPlansAsync(ct);
        // The plan most recently worked on is the likely target of "add to onboarding plan".
        var suggested = planRows.OrderByDescending(p => p.UpdatedAt ?? p.CreatedAt, StringComparer.Ordinal).FirstOrDefault()?.Name;
        return new PackagesOverview(counts, groups, planRows.Select(p => p.Name).ToList(), suggested);
    }

    /// <summary>The ids of every package the state's filter selects, on all pages: "select all matching" before a bulk action.</summary>
    public Task<IReadOnlyList<long>> MatchingIdsAsync(PackageGridState state, CancellationToken ct) =>
        compliance.SelectIdsAsync(state.ToUnpagedQuery(), ct);

    /// <summary>Adds one package and checks it on its registry at once (reporting progress), as an onboarding import does.</summary>
    public async Task<ImportReport> AddOneAsync(Actor actor, Registry registry, string name, string? groupName, CancellationToken ct,
        IProgress<PollProgress>? progress = null)
    {
        actor.Require(Permission.Maintain);
        return await CheckAddedAsync(await importer.AddOneAsync(registry, name, groupName, ct), progress, ct);
    }

    /// <summary>Adds the pasted packages and checks the added ones on their registries at once, reporting each as it is done.</summary>
    public async Task<ImportReport> ImportAsync(Actor actor, string text, string? groupName, CancellationToken ct, IProgress<PollProgress>? progress = null)
    {
        actor.Require(Permission.Maintain);
        return await CheckAddedAsync(await importer.ImportAsync(text, groupName, ct), progress, ct);
    }

    // The packages are added (and committed) before the check: a check cut short leaves them tracked and pending,
    // and the next scheduled poll reads them.
    private async Task<ImportReport> CheckAddedAsync(ImportReport report, IProgress<PollProgress>? progress, CancellationToken ct) =>
        report.AddedIds.Count == 0 ? report : report with { Check = await polls.RecheckAsync(report.AddedIds, progress, ct) };

    /// <summary>Stops tracking one package; its stored history goes with it.</summary>
    public Task<bool> RemoveAsync(Actor actor, long packageId, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        return packages.RemoveAsync(packageId, ct);
    }

    public async Task<BulkResult> RemoveAsync(Actor actor, IReadOnlyCollection<long> packageIds, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        return new BulkResult(await packages.RemoveManyAsync(packageIds, ct));
    }

    /// <summary>Moves the packages to a group (created if new), or out of any group when the name is blank.</summary>
    public async Task<BulkResult> MoveToGroupAsync(Actor actor, IReadOnlyCollection<long> packageIds, string? groupName, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        if (groupName?.Trim() is { Length: > PackageImportService.MaxGroupNameLength })
            return BulkResult.Failed($"Group names are at most {PackageImportService.MaxGroupNameLength} characters; nothing was moved.");
        if (packageIds.Count == 0) return BulkResult.Failed("No package is selected.");
        return new BulkResult(await packages.MoveToGroupAsync(packageIds, groupName, ct));
    }

    /// <summary>Polls the packages now, reporting each one as it is done.</summary>
    public Task<RecheckResult> RecheckAsync(Actor actor, IReadOnlyCollection<long> packageIds, IProgress<PollProgress>? progress, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        return polls.RecheckAsync(packageIds, progress, ct);
    }

    /// <summary>Adds the packages to the named onboarding plan (created if new; blank is the default plan).</summary>
    public async Task<PlanAddition> AddToPlanAsync(Actor actor, string? planName, IReadOnlyCollection<long> packageIds, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        var samples = await packages.CountSampleAsync(packageIds, ct);
        if (samples == packageIds.Count && samples > 0)
            return new PlanAddition(0, 0, packageIds.Count, samples,
                "Sample packages cannot be added to an onboarding plan: they are generated and exist on no registry. Nothing was added.");
        var (planId, added) = await onboarding.AddFromGridAsync(actor, planName ?? "", packageIds, ct);
        return new PlanAddition(planId, added, packageIds.Count, samples);
    }

    /// <summary>What removing the sample data would change (its packages, alerts, and plans holding samples), to confirm first.</summary>
    public Task<SampleImpact> SampleImpactAsync(CancellationToken ct) => sample.ImpactAsync(ct);

    /// <summary>Removes every sample package (the generated workspace); returns how many.</summary>
    public Task<int> RemoveSampleAsync(Actor actor, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        return sample.RemoveAsync(ct);
    }
}

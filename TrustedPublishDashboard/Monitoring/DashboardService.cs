using System.Globalization;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Packages;

namespace TrustedPublishDashboard.Monitoring;

/// <summary>
/// A number on the dashboard and the grid (or alert list) it opens, filtered to what it counts. <paramref name="Status"/>
/// is the compliance status code it counts (compliant, non-compliant, unknown, error, pending), which gives it the same
/// colour as that status's line in the chart; <paramref name="Alarm"/> marks a count that needs attention when above zero.
/// </summary>
public sealed record DashboardTile(string Key, string Label, long Value, string Href, string? Status = null, bool Alarm = false);

/// <summary>One status's count per day of <see cref="ComplianceTrend.Days"/> (0 on a day without packages in that status).</summary>
public sealed record TrendSeries(string Status, IReadOnlyList<double> Counts)
{
    /// <summary>The legend's name for the line: the same words as the status's tile.</summary>
    public string Label => ComplianceTrend.Label(Status);
}

/// <summary>The daily compliance snapshots as chart series: one per status, in a fixed order, over the recorded days.</summary>
public sealed record ComplianceTrend(IReadOnlyList<string> Days, IReadOnlyList<TrendSeries> Series)
{
    /// <summary>
    /// The series plotted, in legend order. The four verdicts always show; "not-published", "pending" and "sample" only
    /// when some day has such packages. Sample packages are their own series, never counted in a verdict.
    /// </summary>
    public static IReadOnlyList<string> Statuses { get; } = ["compliant", "non-compliant", "unknown", "error", "not-published", "pending", "sample"];

    private static readonly IReadOnlySet<string> ShownWhenPresent = new HashSet<string>(StringComparer.Ordinal) { "not-published", "pending", "sample" };

    public bool IsEmpty => Days.Count == 0;

    /// <summary>How a status code reads on the tiles and in the chart's legend.</summary>
    public static string Label(string status) => status switch
    {
        "compliant" => "Compliant",
        "non-compliant" => "Non-compliant",
        "unknown" => "Unknown",
        "error" => "Error",
        "pending" => "Not checked yet",
        "not-published" => "Not published yet",
        "sample" => "Sample packages",
        _ => status,
    };

    public static ComplianceTrend From(IReadOnlyList<ComplianceSnapshot> snapshots)
    {
        var days = snapshots.Select(s => s.Day).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var counts = snapshots.ToDictionary(s => (s.Day, s.Status), s => (double)s.Count);
        var series = Statuses
            .Select(status => new TrendSeries(status, days.Select(d => counts.GetValueOrDefault((d, status))).ToList()))
            .Where(s => !ShownWhenPresent.Contains(s.Status) || s.Counts.Any(c => c > 0))
            .ToList();
        return new ComplianceTrend(days, series);
    }
}

/// <summary>Everything the dashboard shows, read in one call.</summary>
public sealed record DashboardSummary(
    ComplianceCounts Counts,
    long OpenCriticalAlerts,
    IReadOnlyList<DashboardTile> Tiles,
    ComplianceTrend Trend,
    IReadOnlyList<PublishFeedItem> LatestPublishes)
{
    /// <summary>Nothing is tracked yet: the page shows its first steps instead of zeros.</summary>
    public bool IsEmpty => Counts.Packages == 0;
}

/// <summary>The dashboard page's service: the tiles, the compliance trend, the latest publishes, and the sample workspace.</summary>
public sealed class DashboardService(ComplianceRepository compliance, AlertRepository alerts, SampleWorkspace sample, TimeProvider clock,
    FindingTriageService? triage = null)
{
    /// <summary>What "Load sample workspace" adds: enough packages for every tile and a page of the grid, generated in a second or two.</summary>
    public const int SamplePackages = 60;

    public const int SampleVersionsPerPackage = 12;

    public const int FeedSize = 12;

    /// <summary>How far back the chart reaches.</summary>
    public static readonly TimeSpan TrendPeriod = TimeSpan.FromDays(90);

    public async Task<DashboardSummary> LoadAsync(CancellationToken ct)
    {
        // Expired finding acceptances end before the tiles count, as they do before the grid reads.
        if (triage is not null) await triage.ExpireDueAsync(clock.GetUtcNow(), ct);
        var counts = await compliance.CountsAsync(ct);
        var openCritical = (await alerts.OpenCountsBySeverityAsync(ct)).GetValueOrDefault(AlertSeverity.Critical.Code());
        var feed = await compliance.LatestPublishesAsync(FeedSize, ct);
        var snapshots = await compliance.SnapshotsAsync(clock.GetUtcNow() - TrendPeriod, ct);
        return new DashboardSummary(counts, openCritical, Tiles(counts, openCritical), ComplianceTrend.From(snapshots), feed);
    }

    /// <summary>The tiles in display order, each linking to the grid (or the alerts) filtered to what it counts.</summary>
    public static IReadOnlyList<DashboardTile> Tiles(ComplianceCounts counts, long openCriticalAlerts)
    {
        List<DashboardTile> tiles =
        [
            new("packages", "Packages", counts.Packages, "packages"),
            Status("compliant", counts.Compliant),
            Status("non-compliant", counts.NonCompliant),
            Status("unknown", counts.Unknown),
            Status("error", counts.Error),
            new("findings", "Open findings", counts.OpenFindings, "packages?filter=findings&sort=findings&desc=true", Alarm: counts.OpenFindings > 0),
            new("critical-alerts", "Open critical alerts", openCriticalAlerts, "alerts?severity=critical", Alarm: openCriticalAlerts > 0),
        ];
        // Only while some packages wait for their first publish or their first poll; otherwise always-zero tiles.
        if (counts.NotPublished > 0) tiles.Insert(5, Status("not-published", counts.NotPublished));
        if (counts.Pending > 0) tiles.Add(Status("pending", counts.Pending));
        return tiles;

        static DashboardTile Status(string status, long count) => new(status, ComplianceTrend.Label(status), count, "packages?status=" + status, status);
    }

    /// <summary>Adds the generated sample packages (marked as sample everywhere). Needs Maintain.</summary>
    public async Task<int> LoadSampleAsync(Actor actor, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        return await sample.LoadAsync(SamplePackages, SampleVersionsPerPackage, null, ct);
    }

    /// <summary>What removing the sample data would change (its packages, alerts, and plans holding samples), to confirm first.</summary>
    public Task<SampleImpact> SampleImpactAsync(CancellationToken ct) => sample.ImpactAsync(ct);

    /// <summary>Removes every sample package and its evidence. Needs Maintain.</summary>
    public async Task<int> RemoveSampleAsync(Actor actor, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        return await sample.RemoveAsync(ct);
    }

    /// <summary>A chart label for a stored day (yyyy-MM-dd): short, and still a date in every locale.</summary>
    public static string DayLabel(string day) =>
        DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("MMM d", CultureInfo.InvariantCulture)
            : day;
}

namespace TrustedPublishDashboard.Domain;

/// <summary>Where a finding stands: open (counts toward the status) or accepted by a person (does not count).</summary>
public enum FindingState { Open, Accepted }

/// <summary>Why a finding was accepted: the three answers code-scanning tools ask for when a result is dismissed.</summary>
public enum AcceptanceReason { IntendedChange, AcceptedRisk, FalsePositive }

public static class AcceptanceReasons
{
    public static IReadOnlyList<AcceptanceReason> All { get; } = [AcceptanceReason.IntendedChange, AcceptanceReason.AcceptedRisk, AcceptanceReason.FalsePositive];

    public static string Code(this AcceptanceReason reason) => reason switch
    {
        AcceptanceReason.IntendedChange => "intended-change",
        AcceptanceReason.AcceptedRisk => "accepted-risk",
        _ => "false-positive",
    };

    public static string Describe(this AcceptanceReason reason) => reason switch
    {
        AcceptanceReason.IntendedChange => "intended change",
        AcceptanceReason.AcceptedRisk => "accepted risk",
        _ => "false positive",
    };

    public static bool TryParse(string? code, out AcceptanceReason reason)
    {
        foreach (var r in All)
        {
            if (string.Equals(r.Code(), code, StringComparison.Ordinal))
            {
                reason = r;
                return true;
            }
        }
        reason = default;
        return false;
    }

    public static string State(this FindingState state) => state == FindingState.Accepted ? "accepted" : "open";
}

/// <summary>
/// A person's decision that one finding of one package does not count. The finding is named by kind and version
/// ("" for a package-level finding): the identity of a finding, so that a new finding on a later version is never
/// covered by an acceptance of an earlier one.
/// </summary>
public sealed record FindingAcceptance(
    long Id,
    string Kind,
    string Version,
    AcceptanceReason Reason,
    string Note,
    string AcceptedBy,
    DateTimeOffset AcceptedAt,
    DateTimeOffset? ExpiresAt)
{
    public bool Covers(Finding finding) =>
        string.Equals(Kind, finding.Kind, StringComparison.Ordinal) && string.Equals(Version, finding.Version ?? "", StringComparison.Ordinal);

    /// <summary>An expiry at or before now ends the acceptance: the finding is open again.</summary>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expires && expires <= now;
}

/// <summary>One finding with its state, and the acceptance that makes it accepted.</summary>
public sealed record TriagedFinding(Finding Finding, FindingState State, FindingAcceptance? Acceptance);

/// <summary>Every finding's state, and the acceptances whose expiry has passed (to be recorded as expired).</summary>
public sealed record TriageDecision(IReadOnlyList<TriagedFinding> Findings, IReadOnlyList<FindingAcceptance> Expired)
{
    public static TriageDecision AllOpen(IReadOnlyList<Finding> findings) => new(findings.Select(f => new TriagedFinding(f, FindingState.Open, null)).ToList(), []);

    public IEnumerable<Finding> Open => Findings.Where(f => f.State == FindingState.Open).Select(f => f.Finding);

    public IEnumerable<Finding> Accepted => Findings.Where(f => f.State == FindingState.Accepted).Select(f => f.Finding);
}

/// <summary>
/// The acceptance decision, pure: given a package's findings, its active acceptances and the time, which findings are
/// accepted and which acceptances have expired. An acceptance covers exactly the finding with its kind and version.
/// </summary>
public static class FindingTriage
{
    public static TriageDecision Decide(IReadOnlyList<Finding> findings, IReadOnlyList<FindingAcceptance> acceptances, DateTimeOffset now)
    {
        var expired = acceptances.Where(a => a.IsExpired(now)).ToList();
        var active = acceptances.Where(a => !a.IsExpired(now)).ToList();
        var triaged = findings.Select(f =>
        {
            // Several active acceptances of one finding cannot be stored; if they were, the newest speaks.
            var acceptance = active.Where(a => a.Covers(f)).MaxBy(a => a.AcceptedAt);
            return new TriagedFinding(f, acceptance is null ? FindingState.Open : FindingState.Accepted, acceptance);
        }).ToList();
        return new TriageDecision(triaged, expired);
    }
}

using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Packages;

/// <summary>One event in a finding's life: raised, accepted, reopened or expired, when, by whom and why.</summary>
public sealed record FindingEvent(string What, string At, string? Who, string? Detail);

/// <summary>A stored finding's history and state from its acceptance rows. Pure.</summary>
public static class FindingHistory
{
    public const string Raised = "raised";
    public const string Accepted = "accepted";
    public const string Reopened = "reopened";
    public const string Expired = "expired";

    public static FindingView With(FindingView view, string detectedAt, IReadOnlyList<AcceptanceRow> acceptances)
    {
        var mine = acceptances.Where(a => a.Kind == view.Kind && a.Version == (view.Version ?? ""))
            .OrderBy(a => a.AcceptedAt, StringComparer.Ordinal).ThenBy(a => a.Id).ToList();
        var events = new List<FindingEvent> { new(Raised, detectedAt, null, null) };
        foreach (var a in mine)
        {
            var reason = AcceptanceReasons.TryParse(a.ReasonKind, out var kind) ? kind.Describe() : a.ReasonKind;
            var until = a.ExpiresAt is null ? "" : $" (until {a.ExpiresAt})";
            events.Add(new(Accepted, a.AcceptedAt, a.AcceptedBy, $"{reason}: {a.Reason}{until}"));
            if (a.EndedAt is not null)
                events.Add(new(a.EndReason == Expired ? Expired : Reopened, a.EndedAt, a.EndedBy, null));
        }
        // In the order things happened to the finding (each acceptance followed by its end), not sorted by timestamp.
        var active = mine.LastOrDefault(a => a.IsActive);
        return view with { State = active is null ? FindingState.Open : FindingState.Accepted, Acceptance = active, History = events };
    }
}

using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Packages;

/// <summary>How urgent a finding is, for its colour: danger (tokens can publish), warning (publisher changed), info.</summary>
public enum FindingTone { Danger, Warning, Info }

/// <summary>What a finding kind means, in a maintainer's words.</summary>
public sealed record FindingExplanation(string Kind, string Title, string Meaning, FindingTone Tone);

/// <summary>A stored finding as the detail page shows it: what it means, what happened, and the fix.</summary>
public sealed record FindingView(FindingExplanation Explanation, string? Version, string DetectedAt, string Message, string Happened, string? Fix)
{
    public string Kind => Explanation.Kind;

    /// <summary>Open, or accepted by a person (then it does not count toward the status).</summary>
    public FindingState State { get; init; } = FindingState.Open;

    /// <summary>The acceptance in force, when accepted.</summary>
    public AcceptanceRow? Acceptance { get; init; }

    /// <summary>Raised, accepted, reopened, expired: oldest first.</summary>
    public IReadOnlyList<FindingEvent> History { get; init; } = [];

    /// <summary>Splits a rule's message (EvidenceRules, OnboardingRules) at its "Fix:" into what happened and what to do.</summary>
    public static FindingView From(string kind, string? version, string message, string detectedAt)
    {
        var (happened, fix) = FindingGuide.Split(message);
        return new FindingView(FindingGuide.For(kind), string.IsNullOrEmpty(version) ? null : version, detectedAt, message, happened, fix);
    }
}

/// <summary>One row per finding kind (the kinds are <see cref="FindingKinds"/>; a new rule adds its row here).</summary>
public static class FindingGuide
{
    private const string FixMarker = "Fix:";

    public static IReadOnlyDictionary<string, FindingExplanation> Kinds { get; } = new FindingExplanation[]
    {
        new(FindingKinds.TrustDowngrade, "Trust downgrade",
            "A version was published with a weaker method than an earlier one, typically a token after trusted publishing: a long-lived token can still publish this package. " +
            "npm exception: versions staged with npm 11.15.0 (published 2026-05-20 to 2026-05-29) lost their trusted-publisher marker and provenance and look like token " +
            "publishes; the finding says so when a version falls in that window.",
            FindingTone.Danger),
        new(FindingKinds.TokenAfterOnboarding, "Token publish after onboarding",
            "A version was published with a token after the package was moved to trusted publishing, so tokens were not shut off.",
            FindingTone.Danger),
        new(FindingKinds.PublisherDrift, "Publisher drift",
            "A version came from a different trusted publisher (trust configuration, repository, workflow, environment or ref) than the version before it, or from a risky trigger.",
            FindingTone.Warning),
        new(FindingKinds.PublisherMismatch, "Publisher not the planned one",
            "A trusted publish after onboarding came from a publisher other than the one the onboarding plan configured.",
            FindingTone.Warning),
        new(FindingKinds.NeverTrusted, "Never published with trusted publishing",
            "No version was published with trusted publishing: every version whose method is known was published with a long-lived token.",
            FindingTone.Danger),
        new(FindingKinds.NoEvidence, "No publish evidence",
            "The registry returned no publisher metadata, so how the versions were published cannot be told (neither token nor trusted).",
            FindingTone.Info),
        new(FindingKinds.EvidenceError, "Evidence could not be read",
            "A version's provenance or publisher evidence was present but could not be read; its method is reported as far as the rest of the metadata proves it.",
            FindingTone.Info),
    }.ToDictionary(e => e.Kind, StringComparer.Ordinal);

    /// <summary>The explanation of a kind; a kind this build does not know is shown by its code, not hidden.</summary>
    public static FindingExplanation For(string kind) =>
        Kinds.TryGetValue(kind, out var known) ? known : new FindingExplanation(kind, kind, "A finding this version of the dashboard has no description for.", FindingTone.Info);

    /// <summary>"What happened. Fix: what to do." → (what happened, what to do); a message without a fix keeps it null.</summary>
    public static (string Happened, string? Fix) Split(string message)
    {
        var at = message.IndexOf(FixMarker, StringComparison.Ordinal);
        if (at < 0) return (message.Trim(), null);
        var fix = message[(at + FixMarker.Length)..].Trim();
        return (message[..at].Trim(), fix.Length == 0 ? null : fix);
    }
}

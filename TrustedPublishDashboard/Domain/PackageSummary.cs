namespace TrustedPublishDashboard.Domain;

/// <summary>The facts the compliance grid shows for one package, derived from its history and evaluation. Pure.</summary>
public sealed record PackageSummary(
    DateTimeOffset? LatestPublishedAt,
    bool? LatestProvenance,
    string? LatestProvider,
    string? LatestRepository,
    string? LatestWorkflow,
    string? LastTokenVersion,
    DateTimeOffset? LastTokenAt,
    int FindingCount,
    bool HasDowngrade,
    bool HasDrift,
    int AcceptedCount = 0)
{
    public static PackageSummary From(PackageHistory history, PackageEvaluation evaluation)
    {
        var latest = history.Versions.FirstOrDefault(v => v.Version == evaluation.LatestVersion);
        // "Last token publish": the newest version by time that was published with a token, with or without provenance.
        var lastToken = history.Versions
            .Where(v => v.Method is PublishMethod.Token or PublishMethod.TokenWithProvenance && v.PublishedAt is not null)
            .MaxBy(v => v.PublishedAt);
        return new PackageSummary(
            latest?.PublishedAt,
            latest?.Provenance,
            latest?.Publisher?.Provider,
            latest?.Publisher?.Repository,
            latest?.Publisher?.Workflow,
            lastToken?.Version,
            lastToken?.PublishedAt,
            evaluation.OpenFindings.Count,
            // Accepted findings count nowhere but in AcceptedCount (the grid's marker).
            // A token publish after onboarding is a downgrade of what was promised, a publisher other than the planned
            // one is drift from it: the grid's quick filters find both.
            evaluation.OpenFindings.Any(f => f.Kind is FindingKinds.TrustDowngrade or FindingKinds.TokenAfterOnboarding),
            evaluation.OpenFindings.Any(f => f.Kind is FindingKinds.PublisherDrift or FindingKinds.PublisherMismatch),
            evaluation.AcceptedCount);
    }
}

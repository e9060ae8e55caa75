namespace TrustedPublishDashboard.Domain;

/// <summary>How one version was published, as far as the registry's metadata proves it.</summary>
public enum PublishMethod
{
    /// <summary>Published with a trusted-publisher (OIDC) credential.</summary>
    TrustedPublisher,

    /// <summary>Staged from CI and approved by a person with 2FA: at least as strong as trusted publishing.</summary>
    Staged,

    /// <summary>Published with a token, but with a provenance attestation.</summary>
    TokenWithProvenance,

    /// <summary>Published with a token (the registry recorded a publisher and no trusted-publisher credential).</summary>
    Token,

    /// <summary>The metadata does not say. Never counted as token, never compared.</summary>
    Unknown,
}

public static class PublishMethods
{
    public static string Code(this PublishMethod method) => method switch
    {
        PublishMethod.TrustedPublisher => "trusted-publisher",
        PublishMethod.Staged => "staged",
        PublishMethod.TokenWithProvenance => "token-with-provenance",
        PublishMethod.Token => "token",
        _ => "unknown",
    };

    public static PublishMethod Parse(string code) => code switch
    {
        "trusted-publisher" => PublishMethod.TrustedPublisher,
        "staged" => PublishMethod.Staged,
        "token-with-provenance" => PublishMethod.TokenWithProvenance,
        "token" => PublishMethod.Token,
        "unknown" => PublishMethod.Unknown,
        _ => throw new FormatException($"Unknown publish method '{code}'."),
    };

    /// <summary>trusted-publisher = staged (3) &gt; token-with-provenance (2) &gt; token (1); unknown has no strength.</summary>
    public static int? Strength(this PublishMethod method) => method switch
    {
        PublishMethod.TrustedPublisher or PublishMethod.Staged => 3,
        PublishMethod.TokenWithProvenance => 2,
        PublishMethod.Token => 1,
        _ => null,
    };

    public static bool IsTrusted(this PublishMethod method) => method is PublishMethod.TrustedPublisher or PublishMethod.Staged;

    public static string Describe(this PublishMethod method) => method switch
    {
        PublishMethod.TrustedPublisher => "a trusted publisher (OIDC)",
        PublishMethod.Staged => "a staged publish approved with 2FA",
        PublishMethod.TokenWithProvenance => "a token (with provenance)",
        PublishMethod.Token => "a token",
        _ => "an unknown method",
    };
}

/// <summary>The facts a registry's metadata gives about one version's publish, before any judgement.</summary>
/// <param name="LacksExpectedMarker">
/// The publisher record contradicts itself: it names the CI's OIDC identity yet carries no trusted-publisher marker,
/// which is what a source that strips the marker produces. Such a record proves nothing about tokens.
/// </param>
public sealed record PublishFacts(
    bool HasPublisherRecord,
    bool HasTrustedPublisher,
    bool HasApprover,
    bool HasProvenance,
    bool LacksExpectedMarker = false);

/// <summary>The CI identity that published a version, as far as it is known.</summary>
public sealed record PublisherIdentity(
    string Provider,
    string? Repository = null,
    string? Workflow = null,
    string? Ref = null,
    string? Environment = null,
    string? Trigger = null,
    string? ConfigId = null,
    string? Commit = null,
    string? Runner = null,
    string? Invocation = null);

/// <summary>What is known about one published version.</summary>
public sealed record VersionEvidence(
    string Version,
    DateTimeOffset? PublishedAt,
    PublishMethod Method,
    bool Provenance,
    PublisherIdentity? Publisher,
    string? PublishedBy = null,
    string? ApprovedBy = null,
    string? EvidenceError = null);

public static class FindingKinds
{
    public const string TrustDowngrade = "trust-downgrade";
    public const string PublisherDrift = "publisher-drift";
    public const string NoEvidence = "no-evidence";
    public const string EvidenceError = "evidence-error";
    /// <summary>A token publish after the package's onboarding configured its trusted publisher.</summary>
    public const string TokenAfterOnboarding = "token-after-onboarding";
    /// <summary>A trusted publish after onboarding by a publisher other than the planned one.</summary>
    public const string PublisherMismatch = "publisher-mismatch";
    /// <summary>Every version with a known method was published with a token: the package never used trusted publishing.</summary>
    public const string NeverTrusted = "never-trusted";
}

/// <summary>Something about a package a maintainer should know, with a stable kebab-case kind.</summary>
public sealed record Finding(string Kind, string? Version, string Message);

/// <summary>
/// A package's verdict. <see cref="NotPublished"/>: the registry has never had it (e.g. waiting for its onboarding
/// bootstrap publish) — not an error, and nothing to judge yet.
/// </summary>
public enum ComplianceStatus { Compliant, NonCompliant, Unknown, Error, NotPublished }

public static class ComplianceStatuses
{
    public static string Code(this ComplianceStatus status) => status switch
    {
        ComplianceStatus.Compliant => "compliant",
        ComplianceStatus.NonCompliant => "non-compliant",
        ComplianceStatus.Unknown => "unknown",
        ComplianceStatus.NotPublished => "not-published",
        _ => "error",
    };

    public static ComplianceStatus Parse(string code) => code switch
    {
        "compliant" => ComplianceStatus.Compliant,
        "non-compliant" => ComplianceStatus.NonCompliant,
        "unknown" => ComplianceStatus.Unknown,
        "error" => ComplianceStatus.Error,
        "not-published" => ComplianceStatus.NotPublished,
        _ => throw new FormatException($"Unknown status '{code}'."),
    };
}

/// <summary>A package's versions as the registry reports them, ready for the rules.</summary>
public sealed record PackageHistory(PackageId Package, string? LatestTag, IReadOnlyList<VersionEvidence> Versions)
{
    /// <summary>What an onboarding plan expects of the package, when it has been onboarded.</summary>
    public OnboardingExpectation? Expectation { get; init; }
}

public sealed record PackageEvaluation(ComplianceStatus Status, string? LatestVersion, PublishMethod? LatestMethod, IReadOnlyList<Finding> Findings)
{
    /// <summary>Each finding's state under the package's acceptances (null: evaluated without any, every finding open).</summary>
    public TriageDecision? Triage { get; init; }

    public IReadOnlyList<TriagedFinding> Triaged => (Triage ?? TriageDecision.AllOpen(Findings)).Findings;

    /// <summary>The findings that count: what the grid's finding count, the dashboard's "open findings" and alerts read.</summary>
    public IReadOnlyList<Finding> OpenFindings => (Triage?.Open ?? Findings).ToList();

    public int AcceptedCount => Triage?.Accepted.Count() ?? 0;

    /// <summary>Acceptances whose expiry passed: stored as expired with the evaluation.</summary>
    public IReadOnlyList<FindingAcceptance> ExpiredAcceptances => Triage?.Expired ?? [];
}

/// <summary>A person listed as able to publish a package.</summary>
public sealed record Maintainer(string? Name, string? Email);

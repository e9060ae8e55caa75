namespace TrustedPublishDashboard.Domain;

/// <summary>One field of a publisher compared with the plan; Actual null = the evidence does not say.</summary>
public sealed record PublisherFieldMatch(string Field, string? Expected, string? Actual, bool? Matches);

/// <summary>How a recorded publisher compares with the plan. Matches = no field contradicts and the provider agrees.</summary>
public sealed record PublisherMatch(bool Matches, IReadOnlyList<PublisherFieldMatch> Fields)
{
    public IEnumerable<PublisherFieldMatch> Mismatches => Fields.Where(f => f.Matches == false);

    public string Describe() => Matches
        ? "matches the plan (" + string.Join(", ", Fields.Where(f => f.Matches == true).Select(f => f.Field)) +
          (Fields.Any(f => f.Matches is null) ? "; not in the evidence: " + string.Join(", ", Fields.Where(f => f.Matches is null).Select(f => f.Field)) : "") + ")"
        : string.Join("; ", Mismatches.Select(f => $"{f.Field} is {f.Actual ?? "(none)"}, the plan says {f.Expected ?? "(none)"}"));
}

/// <summary>What an onboarding plan expects of a package, used by the evidence rules once trust is configured.</summary>
/// <param name="TrustedSince">When the trusted publisher was configured (verified or confirmed); token publishes after it are findings.</param>
public sealed record OnboardingExpectation(string PlanName, PublisherPlan Publisher, DateTimeOffset? TrustedSince);

/// <summary>A step state the evidence implies, with the sentence that explains it.</summary>
public sealed record StepVerdict(StepState State, string Note);

/// <summary>
/// Pure rules of the onboarding tracker: matching recorded publishers to the plan and reading the steps the evidence
/// can prove (the package exists; the first OIDC publish). The same evidence feeds the compliance grid.
/// </summary>
public static class OnboardingRules
{
    /// <summary>npm may expire a NEW trust configuration that sees no successful publish within 2 days (REGISTRY-FACTS.md, unverified docs PR).</summary>
    public static readonly TimeSpan UnusedTrustLifetime = TimeSpan.FromDays(2);

    /// <summary>When the tracker's alert warns: the day before it may expire.</summary>
    public static readonly TimeSpan UnusedTrustWarning = TimeSpan.FromDays(1);

    /// <summary>
    /// When the package's trust configuration was configured, if it has not yet seen a trusted publish (so npm may expire
    /// it); null when trust is not done, or when the first OIDC publish is verified (the configuration has been used).
    /// The moment is the step's date: its verification (probe, trust list) or a person's confirmation.
    /// </summary>
    public static DateTimeOffset? UnusedTrustSince(StepState trust, DateTimeOffset? trustAt, StepState firstPublish) =>
        trust is StepState.Verified or StepState.Confirmed && firstPublish != StepState.Verified ? trustAt : null;

    /// <summary>
    /// Compares a version's recorded publisher with the plan. The provider must agree; repository (case-sensitive, as
    /// npm compares it), workflow file name and environment are compared when the evidence has them (provenance);
    /// a field the evidence lacks is "not in the evidence", never a mismatch and never a match.
    /// </summary>
    public static PublisherMatch Compare(PublisherPlan plan, PublisherIdentity identity)
    {
        var fields = new List<PublisherFieldMatch>
        {
            Field("provider", plan.Provider.Code(), identity.Provider, StringComparison.OrdinalIgnoreCase),
        };
        switch (plan.Provider)
        {
            case Provider.GitHub:
            case Provider.GitLab:
                fields.Add(Field("repository", plan.RepositorySlug, identity.Repository, StringComparison.Ordinal));
                fields.Add(Field("workflow file", plan.Provider == Provider.GitHub ? plan.WorkflowFile : plan.CiFile, FileName(identity.Workflow), StringComparison.Ordinal));
                // Provenance statements do not carry the deployment environment today; compare it only when known.
                if (identity.Environment is not null || !string.IsNullOrWhiteSpace(plan.Environment))
                    fields.Add(Field("environment", Blank(plan.Environment), identity.Environment, StringComparison.Ordinal));
                break;
            case Provider.CircleCI:
                // CircleCI publishes carry no provenance: only the provider can be compared.
                break;
        }
        var matches = fields[0].Matches == true && fields.All(f => f.Matches != false);
        return new PublisherMatch(matches, fields);
    }

    /// <summary>
    /// "First OIDC publish verified": the earliest trusted-publisher (or staged) version whose publisher matches the
    /// plan. Trusted versions that all contradict the plan fail the step with the difference; no trusted version
    /// leaves it pending, saying whether the registry gives publisher metadata at all.
    /// </summary>
    public static StepVerdict FirstOidcPublish(PublisherPlan plan, IReadOnlyList<VersionEvidence> versions)
    {
        var byTime = EvidenceRules.ByPublishTime(versions);
        var trusted = byTime.Where(v => v.Method.IsTrusted()).ToList();
        foreach (var version in trusted)
        {
            var match = Compare(plan, version.Publisher ?? new PublisherIdentity("unknown"));
            if (match.Matches)
                return new StepVerdict(StepState.Verified,
                    $"{version.Version} was published{At(version)} by a {plan.Provider.DisplayName()} trusted publisher that {match.Describe()}.");
        }
        if (trusted.Count > 0)
        {
            var latest = trusted[^1];
            return new StepVerdict(StepState.Failed,
                $"{latest.Version} was published{At(latest)} by a trusted publisher that differs from the plan: " +
                Compare(plan, latest.Publisher ?? new PublisherIdentity("unknown")).Describe() + ".");
        }
        if (byTime.Count > 0 && byTime.All(v => v.Method == PublishMethod.Unknown))
            return new StepVerdict(StepState.Pending,
                "The registry gives no publisher metadata for this package (every version is unknown), so the first OIDC publish cannot be seen yet.");
        return new StepVerdict(StepState.Pending, "Waiting for the first publish from CI with the trusted publisher.");
    }

    /// <summary>Whether the registry already has the package decides the bootstrap step.</summary>
    public static StepVerdict Bootstrap(bool exists, bool wasMissing, string? firstVersion) => exists
        ? wasMissing
            ? new StepVerdict(StepState.Verified, $"The package now exists on the registry{(firstVersion is null ? "" : $" ({firstVersion})")}.")
            : new StepVerdict(StepState.NotNeeded, "The package already exists on the registry.")
        : new StepVerdict(StepState.Pending, "The package does not exist on the registry yet: npm has no pending publishers, so publish a placeholder first (bootstrap script).");

    /// <summary>
    /// Token publishes after the package's trusted publisher was configured: the onboarding promise is broken even when
    /// no trusted version came before (so <see cref="EvidenceRules.TrustDowngrades"/> cannot see it).
    /// </summary>
    public static IEnumerable<Finding> TokenAfterOnboarding(IReadOnlyList<VersionEvidence> byTime, OnboardingExpectation? expected)
    {
        if (expected?.TrustedSince is not { } since) yield break;
        foreach (var v in byTime)
        {
            if (v.PublishedAt is not { } at || at <= since) continue;
            if (v.Method is not (PublishMethod.Token or PublishMethod.TokenWithProvenance)) continue;
            var by = v.PublishedBy is null ? "" : $" by {v.PublishedBy}";
            yield return new Finding(FindingKinds.TokenAfterOnboarding, v.Version,
                $"{v.Version} was published with {v.Method.Describe()}{by} on {at:yyyy-MM-dd HH:mm} UTC, after the package was onboarded to trusted publishing " +
                $"(plan \"{expected.PlanName}\", trust configured {since:yyyy-MM-dd}). Fix: require 2FA and disallow tokens (npm access set mfa=publish), " +
                "revoke the token that published it, and check whether this version is legitimate.");
        }
    }

    /// <summary>Trusted versions after onboarding whose publisher contradicts the plan (a trust configuration replaced by someone else's).</summary>
    public static IEnumerable<Finding> PublisherMismatch(IReadOnlyList<VersionEvidence> byTime, OnboardingExpectation? expected)
    {
        if (expected?.TrustedSince is not { } since) yield break;
        foreach (var v in byTime)
        {
            if (v.PublishedAt is not { } at || at <= since || !v.Method.IsTrusted() || v.Publisher is null) continue;
            var match = Compare(expected.Publisher, v.Publisher);
            if (match.Matches) continue;
            yield return new Finding(FindingKinds.PublisherMismatch, v.Version,
                $"{v.Version} was published by a trusted publisher that is not the one planned in \"{expected.PlanName}\": {match.Describe()}. " +
                "Fix: check the package's trust configuration (npm trust list) and revoke any you did not create.");
        }
    }

    /// <summary>
    /// Whether an automatic verdict replaces a step's stored state. Proof (verified) and contradicting evidence (failed)
    /// always win; "pending" and "not needed" never undo what a person or earlier proof settled.
    /// </summary>
    public static bool ShouldApply(StepState? current, string? currentActor, StepVerdict verdict) => verdict.State switch
    {
        StepState.Verified or StepState.Failed => true,
        _ => current is null or StepState.Pending || (current == StepState.Failed && currentActor is null),
    };

    private static PublisherFieldMatch Field(string name, string? expected, string? actual, StringComparison comparison)
    {
        if (actual is null) return new PublisherFieldMatch(name, expected, null, null);
        return new PublisherFieldMatch(name, expected, actual, string.Equals(expected, actual, comparison));
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>npm matches the workflow by file name: `.github/workflows/release.yml` → `release.yml`.</summary>
    public static string? FileName(string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        var at = path.IndexOf('@');
        if (at > 0) path = path[..at];
        var slash = path.LastIndexOf('/');
        return slash >= 0 ? path[(slash + 1)..] : path;
    }

    private static string At(VersionEvidence v) => v.PublishedAt is { } t ? $" on {t:yyyy-MM-dd HH:mm} UTC" : "";
}

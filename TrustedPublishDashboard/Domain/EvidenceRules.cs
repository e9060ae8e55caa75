namespace TrustedPublishDashboard.Domain;

/// <summary>
/// The evidence rules: how a version was published, which findings a history has, and the package's status.
/// Pure functions; each finding rule is one row of <see cref="FindingRules"/>, evaluated by one loop.
/// </summary>
public static class EvidenceRules
{
    /// <summary>
    /// The publish method from the registry's facts. No publisher record at all (e.g. a mirror stripped it) is
    /// <see cref="PublishMethod.Unknown"/>, never token: "token" is only said on evidence.
    /// </summary>
    /// A staged publish made BY a trusted publisher keeps the trustedPublisher marker and adds an approver
    /// (REGISTRY-FACTS, npm): it is staged, and its identity still comes from the marker.
    public static PublishMethod Classify(PublishFacts facts) => facts switch
    {
        { HasApprover: true } => PublishMethod.Staged,
        { HasTrustedPublisher: true } => PublishMethod.TrustedPublisher,
        { HasPublisherRecord: false } => PublishMethod.Unknown,
        { LacksExpectedMarker: true } => PublishMethod.Unknown,
        { HasProvenance: true } => PublishMethod.TokenWithProvenance,
        _ => PublishMethod.Token,
    };

    /// <summary>Versions in publish-time order (not semver: a backport published later is later). Versions without a time come last, by name.</summary>
    public static IReadOnlyList<VersionEvidence> ByPublishTime(IEnumerable<VersionEvidence> versions) =>
        versions.OrderBy(v => v.PublishedAt is null ? 1 : 0).ThenBy(v => v.PublishedAt).ThenBy(v => v.Version, StringComparer.Ordinal).ToList();

    public delegate IEnumerable<Finding> FindingRule(IReadOnlyList<VersionEvidence> byTime, OnboardingExpectation? expected);

    /// <summary>Every finding rule. A new rule is one function and one row here.</summary>
    public static IReadOnlyList<(string Kind, FindingRule Rule)> FindingRules { get; } =
    [
        (FindingKinds.TrustDowngrade, (v, _) => TrustDowngrades(v)),
        (FindingKinds.PublisherDrift, (v, _) => PublisherDrift(v)),
        (FindingKinds.NoEvidence, (v, _) => NoEvidence(v)),
        (FindingKinds.NeverTrusted, (v, _) => NeverTrusted(v)),
        (FindingKinds.EvidenceError, (v, _) => EvidenceErrors(v)),
        (FindingKinds.TokenAfterOnboarding, OnboardingRules.TokenAfterOnboarding),
        (FindingKinds.PublisherMismatch, OnboardingRules.PublisherMismatch),
    ];

    /// <summary>The evaluation with every finding open (no acceptances): what `audit` reports without the dashboard's database.</summary>
    /// <param name="audience">Whose words the fixes use: the dashboard's settings or the audit command's options.</param>
    public static PackageEvaluation Evaluate(PackageHistory history, FindingAudience audience = FindingAudience.Dashboard) =>
        Evaluate(history, [], DateTimeOffset.MinValue, audience);

    /// <summary>
    /// The package's findings, each one's state under the package's acceptances at <paramref name="now"/>, and the status.
    /// Accepted findings do not count: a package whose only non-compliance comes from accepted findings is compliant.
    /// </summary>
    public static PackageEvaluation Evaluate(PackageHistory history, IReadOnlyList<FindingAcceptance> acceptances, DateTimeOffset now,
        FindingAudience audience = FindingAudience.Dashboard)
    {
        var byTime = ByPublishTime(history.Versions);
        var findings = FindingRules.SelectMany(r => r.Rule(byTime, history.Expectation))
            .Select(f => f with { Message = FindingText.Resolve(NpmStagingBug.Annotate(history.Package.Registry, f, byTime), audience) }).ToList();
        var triage = FindingTriage.Decide(findings, acceptances, now);
        var open = triage.Open.ToList();
        var accepted = triage.Accepted.ToList();
        var latest = history.LatestTag is { } tag ? byTime.FirstOrDefault(v => v.Version == tag) : null;
        latest ??= byTime.LastOrDefault(v => v.PublishedAt is not null);
        var status = latest switch
        {
            null => ComplianceStatus.Unknown,
            { Method: PublishMethod.Unknown } => ComplianceStatus.Unknown,
            _ when open.Any(IsBlocking) => ComplianceStatus.NonCompliant,
            { Method: var m } when m.IsTrusted() => ComplianceStatus.Compliant,
            // A token-published latest version counts as compliant only when a person accepted the finding that says so.
            { Version: var version } when accepted.Any(f => ExplainsTokenLatest(f, version)) => ComplianceStatus.Compliant,
            _ => ComplianceStatus.NonCompliant,
        };
        return new PackageEvaluation(status, latest?.Version, latest?.Method, findings) { Triage = triage };
    }

    /// <summary>The findings that make a package non-compliant while they are open.</summary>
    public static bool IsBlocking(Finding finding) => finding.Kind is FindingKinds.TrustDowngrade or FindingKinds.PublisherDrift
        or FindingKinds.TokenAfterOnboarding or FindingKinds.PublisherMismatch or FindingKinds.NeverTrusted;

    private static bool ExplainsTokenLatest(Finding finding, string latestVersion) =>
        finding.Kind is FindingKinds.NeverTrusted
        || (finding.Kind is FindingKinds.TrustDowngrade or FindingKinds.TokenAfterOnboarding && finding.Version == latestVersion);

    /// <summary>
    /// A version weaker than the strongest method of any version published EARLIER. Unknown is never compared, and a
    /// token placeholder before the first trusted version is not a downgrade (nothing stronger came before it).
    /// </summary>
    public static IEnumerable<Finding> TrustDowngrades(IReadOnlyList<VersionEvidence> byTime)
    {
        VersionEvidence? strongest = null;
        foreach (var v in byTime.Where(v => v.PublishedAt is not null))
        {
            if (v.Method.Strength() is not { } strength) continue;
            if (strongest is not null && strength < strongest.Method.Strength())
            {
                var by = v.PublishedBy is null ? "" : $" by {v.PublishedBy}";
                yield return new Finding(FindingKinds.TrustDowngrade, v.Version,
                    $"{v.Version} was published with {v.Method.Describe()}{by} after {strongest.Version} was published with {strongest.Method.Describe()}. " +
                    "Someone can still publish this package with a long-lived token. Fix: require 2FA and disallow tokens for the package " +
                    "(npm access set mfa=publish), revoke the tokens that can publish it, and check whether this version is legitimate.");
            }
            if (strongest is null || strength > strongest.Method.Strength()) strongest = v;
        }
    }

    /// <summary>
    /// A trusted version whose publisher differs from the previous trusted version by time: trust configuration id,
    /// repository, workflow path or environment changed, or the ref moved from a tag to a branch. A
    /// pull_request_target trigger is a finding on its own. Fields unknown on either side are not compared.
    /// </summary>
    public static IEnumerable<Finding> PublisherDrift(IReadOnlyList<VersionEvidence> byTime)
    {
        VersionEvidence? previous = null;
        foreach (var v in byTime)
        {
            if (v.Publisher?.Trigger is "pull_request_target")
            {
                yield return new Finding(FindingKinds.PublisherDrift, v.Version,
                    $"{v.Version} was built by a workflow triggered by pull_request_target, which runs with the base repository's secrets and OIDC " +
                    "permissions on code from forks. Fix: publish only from push/release/workflow_dispatch triggers in a minimal publish job.");
            }
            // A staged version approved by a person without a trusted publisher has no identity to compare.
            if (!v.Method.IsTrusted() || v.PublishedAt is null || v.Publisher is null) continue;
            if (previous is not null)
            {
                var changes = DriftChanges(previous.Publisher, v.Publisher).ToList();
                if (changes.Count > 0)
                {
                    yield return new Finding(FindingKinds.PublisherDrift, v.Version,
                        $"{v.Version} was published by a different trusted publisher than {previous.Version}: {string.Join("; ", changes)}. " +
                        "Fix: if this change was intended, acknowledge it; otherwise review the package's trusted-publisher configuration " +
                        "(npm trust list) and the workflow that published it.");
                }
            }
            previous = v;
        }
    }

    private static IEnumerable<string> DriftChanges(PublisherIdentity? before, PublisherIdentity? after)
    {
        if (before is null || after is null) yield break;
        if (Changed(before.ConfigId, after.ConfigId, StringComparison.Ordinal))
            yield return $"trust configuration {before.ConfigId} → {after.ConfigId}";
        if (Changed(before.Repository, after.Repository, StringComparison.OrdinalIgnoreCase))
            yield return $"repository {before.Repository} → {after.Repository}";
        if (Changed(before.Workflow, after.Workflow, StringComparison.Ordinal))
            yield return $"workflow {before.Workflow} → {after.Workflow}";
        if (Changed(before.Environment, after.Environment, StringComparison.OrdinalIgnoreCase))
            yield return $"environment {before.Environment} → {after.Environment}";
        if (before.Ref?.StartsWith("refs/tags/", StringComparison.Ordinal) == true && after.Ref?.StartsWith("refs/heads/", StringComparison.Ordinal) == true)
            yield return $"ref moved from tag {before.Ref} to branch {after.Ref}";
    }

    private static bool Changed(string? before, string? after, StringComparison comparison) =>
        before is not null && after is not null && !string.Equals(before, after, comparison);

    /// <summary>The registry returned no publisher metadata for any version: say so once, for the package.</summary>
    public static IEnumerable<Finding> NoEvidence(IReadOnlyList<VersionEvidence> byTime)
    {
        if (byTime.Count > 0 && byTime.All(v => v.Method == PublishMethod.Unknown))
        {
            yield return new Finding(FindingKinds.NoEvidence, null,
                $"The registry returned no publisher metadata for any of the {byTime.Count} version(s), so how they were published cannot be told. " +
                "A mirror or proxy may strip it (npm: _npmUser). Fix: " + FindingText.UseFullRegistry);
        }
    }

    /// <summary>
    /// Every version whose method is known was published with a token (with or without provenance): the package never
    /// used trusted publishing, which is why it is non-compliant. Named after the newest such version, so accepting it
    /// never covers a later token publish. All-unknown histories are <see cref="NoEvidence"/>, not this.
    /// </summary>
    public static IEnumerable<Finding> NeverTrusted(IReadOnlyList<VersionEvidence> byTime)
    {
        var known = byTime.Where(v => v.Method != PublishMethod.Unknown).ToList();
        if (known.Count == 0 || known.Any(v => v.Method.IsTrusted())) yield break;
        var newest = known.LastOrDefault(v => v.PublishedAt is not null) ?? known[^1];
        yield return new Finding(FindingKinds.NeverTrusted, newest.Version,
            $"No version was published with trusted publishing: all {known.Count} version(s) with a known method were published with a token " +
            $"(the newest, {newest.Version}, with {newest.Method.Describe()}). Fix: configure a trusted publisher for the package (npm trust), " +
            "publish the next version from CI, then disallow token publishing (npm access set mfa=publish) and revoke the tokens.");
    }

    /// <summary>Evidence that could not be read (e.g. an undecodable attestation) is reported, not turned into a different method.</summary>
    public static IEnumerable<Finding> EvidenceErrors(IReadOnlyList<VersionEvidence> byTime) =>
        byTime.Where(v => v.EvidenceError is not null)
            .Select(v => new Finding(FindingKinds.EvidenceError, v.Version, $"{v.Version}: {v.EvidenceError}"));
}

using System.Security.Cryptography;
using System.Text;

namespace TrustedPublishDashboard.Domain;

public static class AlertKinds
{
    public const string TrustDowngrade = "trust-downgrade";
    public const string TokenPublish = "token-publish";
    public const string PublisherDrift = "publisher-drift";
    public const string PullRequestTarget = "pull-request-target";
    public const string PublisherMismatch = "publisher-mismatch";
    public const string MaintainersChanged = "maintainers-changed";
    public const string PollingFailing = "polling-failing";
    public const string NoEvidence = "no-evidence";
    public const string TrustConfigExpiring = "trust-config-expiring";
    public const string Digest = "digest";

    public static IReadOnlyList<string> All { get; } =
        [TrustDowngrade, TokenPublish, PublisherDrift, PullRequestTarget, PublisherMismatch, MaintainersChanged, PollingFailing, NoEvidence, TrustConfigExpiring, Digest];
}

/// <summary>
/// An alert a rule raises. <see cref="Key"/> completes the outbox's unique key (registry, package, key, kind): the
/// version for version alerts, "" for once-per-package alerts, a fingerprint for the others — so re-polling the
/// same evidence can never raise it twice. A historic alert (about a version published before the package was
/// tracked) is recorded but not sent.
/// </summary>
public sealed record AlertCandidate(string Kind, AlertSeverity Severity, string Key, string Title, string Message, bool Historic = false);

/// <summary>What the alert rules read: the evaluated history and what changed since the previous fetch.</summary>
/// <param name="TrackedSince">When the package was added to the dashboard; versions published earlier are history, not news.</param>
/// <param name="PreviousMaintainers">The maintainers stored before this fetch; null when none were stored yet.</param>
public sealed record AlertContext(
    PackageId Package,
    IReadOnlyList<VersionEvidence> Versions,
    PackageEvaluation Evaluation,
    DateTimeOffset TrackedSince,
    IReadOnlyList<Maintainer>? PreviousMaintainers = null,
    IReadOnlyList<Maintainer>? CurrentMaintainers = null);

/// <summary>
/// Which stored evidence raises an alert, and how urgent it is. Registry-neutral: rules read evidence and findings,
/// never registry JSON. Each rule is one row of <see cref="Rules"/>.
/// </summary>
public static class AlertRules
{
    public delegate IEnumerable<AlertCandidate> Rule(AlertContext context);

    public static IReadOnlyList<(string Name, Rule Rule)> Rules { get; } =
    [
        ("token-publish-on-trusted-package", TokenPublishes),
        ("publisher-drift", Drift),
        ("pull-request-target", PullRequestTargets),
        ("publisher-mismatch", PublisherMismatches),
        ("maintainers-changed", MaintainersChanged),
        ("no-evidence-once", NoEvidence),
    ];

    public static IReadOnlyList<AlertCandidate> Evaluate(AlertContext context) => Rules.SelectMany(r => r.Rule(context)).ToList();

    /// <summary>
    /// A token publish on a package that published with a trusted publisher before (critical, as
    /// <see cref="AlertKinds.TrustDowngrade"/>) or that was onboarded (critical, as <see cref="AlertKinds.TokenPublish"/>).
    /// One alert per version: a token publish that is both is raised once, as the downgrade.
    /// </summary>
    public static IEnumerable<AlertCandidate> TokenPublishes(AlertContext c)
    {
        foreach (var finding in c.Evaluation.Findings)
        {
            var kind = finding.Kind switch
            {
                FindingKinds.TrustDowngrade => AlertKinds.TrustDowngrade,
                FindingKinds.TokenAfterOnboarding when !c.Evaluation.Findings.Any(f => f.Kind == FindingKinds.TrustDowngrade && f.Version == finding.Version)
                    => AlertKinds.TokenPublish,
                _ => null,
            };
            if (kind is null || finding.Version is null) continue;
            var version = c.Versions.FirstOrDefault(v => v.Version == finding.Version);
            var by = version?.PublishedBy is { } who ? $" by {who}" : "";
            yield return new AlertCandidate(kind, AlertSeverity.Critical, finding.Version,
                $"{c.Package.Name}@{finding.Version} was published with a token{by}", finding.Message, IsHistoric(c, version));
        }
    }

    public static IEnumerable<AlertCandidate> Drift(AlertContext c) =>
        from f in c.Evaluation.Findings
        where f.Kind == FindingKinds.PublisherDrift && f.Version is not null
        let v = c.Versions.FirstOrDefault(x => x.Version == f.Version)
        where v?.Publisher?.Trigger is not "pull_request_target"
        select new AlertCandidate(AlertKinds.PublisherDrift, AlertSeverity.High, f.Version!,
            $"{c.Package.Name}@{f.Version}: the trusted publisher changed", f.Message, IsHistoric(c, v));

    public static IEnumerable<AlertCandidate> PullRequestTargets(AlertContext c) =>
        from v in c.Versions
        where v.Publisher?.Trigger is "pull_request_target"
        select new AlertCandidate(AlertKinds.PullRequestTarget, AlertSeverity.High, v.Version,
            $"{c.Package.Name}@{v.Version} was built by a pull_request_target workflow",
            c.Evaluation.Findings.FirstOrDefault(f => f.Kind == FindingKinds.PublisherDrift && f.Version == v.Version)?.Message
                ?? $"{v.Version} was built by a workflow triggered by pull_request_target, which runs with the base repository's secrets and OIDC rights on code from a pull request.",
            IsHistoric(c, v));

    public static IEnumerable<AlertCandidate> PublisherMismatches(AlertContext c) =>
        from f in c.Evaluation.Findings
        where f.Kind == FindingKinds.PublisherMismatch && f.Version is not null
        select new AlertCandidate(AlertKinds.PublisherMismatch, AlertSeverity.High, f.Version!,
            $"{c.Package.Name}@{f.Version} was published by a trusted publisher other than the planned one", f.Message,
            IsHistoric(c, c.Versions.FirstOrDefault(v => v.Version == f.Version)));

    /// <summary>
    /// The maintainer list differs from the one stored by the previous fetch (compared by name). Not compared when
    /// either list is empty: a registry that strips maintainers is not a change.
    /// </summary>
    public static IEnumerable<AlertCandidate> MaintainersChanged(AlertContext c)
    {
        if (c.PreviousMaintainers is not { Count: > 0 } before || c.CurrentMaintainers is not { Count: > 0 } after) yield break;
        var old = Names(before);
        var now = Names(after);
        if (old.SetEquals(now)) yield break;
        var added = now.Except(old, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var removed = old.Except(now, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var parts = new List<string>();
        if (added.Count > 0) parts.Add("added " + string.Join(", ", added));
        if (removed.Count > 0) parts.Add("removed " + string.Join(", ", removed));
        yield return new AlertCandidate(AlertKinds.MaintainersChanged, AlertSeverity.Medium, $"maintainers:{Fingerprint(old)}>{Fingerprint(now)}",
            $"{c.Package.Name}: maintainers changed ({string.Join("; ", parts)})",
            $"The maintainers of {c.Package.Name} changed: {string.Join("; ", parts)}. Anyone listed can change the package's trust " +
            "configuration and publishing access. Check that the change was intended.");
    }

    /// <summary>Once per package (the key is empty), however many polls see it again.</summary>
    public static IEnumerable<AlertCandidate> NoEvidence(AlertContext c) =>
        from f in c.Evaluation.Findings
        where f.Kind == FindingKinds.NoEvidence
        select new AlertCandidate(AlertKinds.NoEvidence, AlertSeverity.Info, "",
            $"{c.Package.Name}: the registry gives no publisher metadata", f.Message);

    /// <summary>
    /// Polling has failed <paramref name="consecutiveFailures"/> times in a row. One alert per failure streak: the key
    /// is the last success, so the next streak (after a success) raises a new one.
    /// </summary>
    public static AlertCandidate? PollingFailing(PackageId package, int consecutiveFailures, DateTimeOffset? lastSuccess, int threshold, string error)
    {
        if (threshold < 1 || consecutiveFailures < threshold) return null;
        var since = lastSuccess is { } s ? s.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) : "never";
        return new AlertCandidate(AlertKinds.PollingFailing, AlertSeverity.Warning, "after:" + since,
            $"{package.Name}: polling has failed {consecutiveFailures} times in a row",
            $"The dashboard could not read {package} {consecutiveFailures} times in a row (last success: {(lastSuccess is null ? "never" : since)}). " +
            $"Last error: {error}. Until it succeeds again, new publishes of this package are not seen.");
    }

    /// <summary>
    /// Every package of a registry failed in <paramref name="failedRuns"/> consecutive polls (the registry is down or
    /// unreachable): one warning for the registry per streak, instead of one per package.
    /// </summary>
    public static AlertCandidate? RegistryPollingFailing(Registry registry, int failedRuns, long firstRunId, int threshold, string? error)
    {
        if (threshold < 1 || failedRuns < threshold) return null;
        return new AlertCandidate(AlertKinds.PollingFailing, AlertSeverity.Warning, $"runs-from:{firstRunId}",
            $"{registry.DisplayName()}: every package failed in {failedRuns} polls in a row",
            $"The last {failedRuns} polls of {registry.DisplayName()} failed for every package{(error is null ? "" : $" ({error})")}. The registry is " +
            "unreachable or misconfigured (Registries settings), so no new publish is seen until a poll succeeds again.");
    }

    /// <summary>
    /// A trust configuration that has seen no trusted publish since it was configured: npm may expire a new configuration
    /// after <see cref="OnboardingRules.UnusedTrustLifetime"/> without one (REGISTRY-FACTS.md), so this warns once a day has
    /// passed — the day before. Raised once per configuration: the key is the moment it was configured, so a configuration
    /// made again (revoke + create, verified or confirmed anew) warns again.
    /// </summary>
    public static AlertCandidate? TrustConfigExpiring(PackageId package, string planName, DateTimeOffset configuredAt, DateTimeOffset now)
    {
        if (now - configuredAt < OnboardingRules.UnusedTrustWarning) return null;
        var expires = configuredAt + OnboardingRules.UnusedTrustLifetime;
        var when = expires <= now ? $"may already have expired ({expires:yyyy-MM-dd HH:mm} UTC)" : $"may expire on {expires:yyyy-MM-dd HH:mm} UTC";
        return new AlertCandidate(TrustConfigExpiringKind, AlertSeverity.Warning,
            "configured:" + configuredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            $"{package.Name}: the trust configuration has not been used and {when}",
            $"The trust configuration of {package} (plan \"{planName}\") was configured on {configuredAt:yyyy-MM-dd HH:mm} UTC and no trusted publish " +
            $"has been seen since. npm may expire a new configuration after 2 days without a successful publish: it {when}. " +
            "Fix: publish a version from CI with the trusted publisher now; if it has expired, configure it again (npm trust github …) and publish.");
    }

    private const string TrustConfigExpiringKind = AlertKinds.TrustConfigExpiring;

    private static bool IsHistoric(AlertContext c, VersionEvidence? v) => v?.PublishedAt is { } at && at < c.TrackedSince;

    private static HashSet<string> Names(IEnumerable<Maintainer> list) =>
        list.Select(m => (m.Name ?? m.Email ?? "").Trim()).Where(n => n.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static string Fingerprint(IEnumerable<string> names) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", names.Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal)))))[..12];
}

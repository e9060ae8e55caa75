namespace TrustedPublishDashboard.Domain;

/// <summary>Who reads a finding's fix: the dashboard (settings, pages) or the <c>audit</c> command (its options).</summary>
public enum FindingAudience { Dashboard, Cli }

/// <summary>
/// Words in a finding's message that depend on where it is read. A rule writes the placeholder once; the evaluation
/// resolves it for its audience, so no rule is written twice and no stored message keeps a placeholder.
/// </summary>
public static class FindingText
{
    /// <summary>"How to read from a registry that serves full packuments", in the reader's terms.</summary>
    public const string UseFullRegistry = "{use-full-registry}";

    private static readonly IReadOnlyDictionary<string, (string Dashboard, string Cli)> Phrases = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        [UseFullRegistry] = (
            "point the dashboard at a registry that serves full packuments (setting Registries:Npm:BaseUrl).",
            "run audit with --npm-registry <URL of a registry that serves full packuments>."),
    };

    public static string Resolve(string message, FindingAudience audience)
    {
        foreach (var (placeholder, phrase) in Phrases)
            message = message.Replace(placeholder, audience == FindingAudience.Cli ? phrase.Cli : phrase.Dashboard, StringComparison.Ordinal);
        return message;
    }
}

/// <summary>
/// npm 11.15.0's staged publishing dropped <c>_npmUser.trustedPublisher</c> and provenance from the versions it staged,
/// and npm never back-filled them (../shared/REGISTRY-FACTS.md, npm section, "Versions staged with npm 11.15.0"): such a
/// version looks like a token publish. The verdict stays (the registry's record is all there is); the message says why.
/// </summary>
public static class NpmStagingBug
{
    /// <summary>First day (UTC) of publishes with npm 11.15.0 (REGISTRY-FACTS: "2026-05-20 to ~05-29").</summary>
    public static readonly DateTimeOffset WindowStart = new(2026, 5, 20, 0, 0, 0, TimeSpan.Zero);

    /// <summary>End of the window, exclusive: 2026-05-29 is the last day included (REGISTRY-FACTS: "to ~05-29").</summary>
    public static readonly DateTimeOffset WindowEnd = new(2026, 5, 30, 0, 0, 0, TimeSpan.Zero);

    public const string Note =
        "It was published between 2026-05-20 and 2026-05-29, when npm 11.15.0 staged versions without their trusted-publisher marker " +
        "and provenance (a known npm bug, never back-filled): if this version was staged from your trusted publisher and approved, " +
        "that bug explains the token-looking record; otherwise treat it as a token publish.";

    /// <summary>A downgrade finding's message, with <see cref="Note"/> before its fix when the bug may explain the version.</summary>
    public static string Annotate(Registry registry, Finding finding, IReadOnlyList<VersionEvidence> versions)
    {
        if (registry != Registry.Npm || finding.Kind != FindingKinds.TrustDowngrade) return finding.Message;
        if (versions.FirstOrDefault(v => v.Version == finding.Version) is not { } version || !MayExplain(version)) return finding.Message;
        var fix = finding.Message.IndexOf("Fix:", StringComparison.Ordinal);
        return fix < 0 ? finding.Message + " " + Note : finding.Message[..fix] + Note + " " + finding.Message[fix..];
    }

    /// <summary>A token-looking version (no marker, no provenance) published in the window.</summary>
    public static bool MayExplain(VersionEvidence v) =>
        v.Method == PublishMethod.Token && v.PublishedAt is { } at && at >= WindowStart && at < WindowEnd;
}

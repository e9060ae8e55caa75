namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// The work budget of one workspace discovery. The globs and the folders both come from the untrusted upload, so
/// their product is attacker-chosen: 256 brace patterns with many `*` against 45,000 package.json folders 60
/// deep once kept a core busy for 12 minutes. Crossing any limit stops discovery with a
/// <see cref="DiscoveryFailure"/> instead of a partial list. The defaults are far above real monorepos (a few dozen
/// patterns, a few thousand packages, a few hundred thousand steps) and far below what hurts the server.
/// </summary>
/// <param name="MaxPatterns">Distinct workspace patterns over all sources (package.json, pnpm-workspace.yaml, lerna.json).</param>
/// <param name="MaxBraceAlternatives">Alternatives all patterns expand to together (`{a,b}{c,d}` is four); each pattern on its own is also capped at <see cref="WorkspaceGlob.MaxAlternatives"/>.</param>
/// <param name="MaxDepth">Folders deep a package.json may be when workspace globs are matched against it.</param>
/// <param name="MaxMatchSteps">Primitive matching steps over the whole discovery: one per pattern state tried against a folder name, plus one per character comparison inside a wildcard segment.</param>
public sealed record DiscoveryLimits(
    int MaxPatterns = 256,
    int MaxBraceAlternatives = 1024,
    int MaxDepth = 32,
    long MaxMatchSteps = 20_000_000)
{
    public static DiscoveryLimits Default { get; } = new();

    /// <summary>
    /// Wall time of the whole discovery, a backstop for a slow or shared machine: the step budget normally ends a
    /// hostile discovery well before it, in about a second.
    /// </summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromSeconds(5);
}

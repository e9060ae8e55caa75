using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;

namespace TrustedPublishDashboard.Packages;

/// <summary>Why a package address has no detail: the API answers 404 / 400 / 404, the page says the sentence.</summary>
public enum PackageLookupProblem { UnknownRegistry, InvalidName, NotTracked }

/// <summary>One tracked package with everything the detail page and the API show about it.</summary>
public sealed record PackageDetail(PackageId Package, ComplianceRow Row, IReadOnlyList<VersionEvidence> Timeline, IReadOnlyList<FindingView> Findings, bool CanRecheck)
{
    /// <summary>Every stored version, newest first by publish time (not semver: a backport published later is newer).</summary>
    public IReadOnlyList<VersionEvidence> NewestFirst => Timeline.Reverse().ToList();

    /// <summary>The badge image, relative to the app's base address.</summary>
    public string BadgePath => PackageDetailService.BadgePath(Package);
}

/// <summary>A package address looked up: the detail, or the problem and a sentence saying it.</summary>
public sealed record PackageLookup(PackageDetail? Detail, PackageLookupProblem? Problem, string? Message)
{
    public static PackageLookup Found(PackageDetail detail) => new(detail, null, null);

    public static PackageLookup Failed(PackageLookupProblem problem, string message) => new(null, problem, message);
}

/// <summary>
/// One package's page: its grid row, every version with its evidence, the findings with their meaning and fix, recent
/// polls, re-check and the README badge. The detail page, the package API and the badge endpoint call only this.
/// </summary>
public sealed class PackageDetailService(ComplianceRepository compliance, EvidenceRepository evidence, PollRunRepository pollRuns, PollService polls,
    FindingTriageService triage, FindingAcceptanceRepository acceptances)
{
    public const int RecentPollCount = 10;

    /// <summary>Reads a package from its address parts (registry code or alias, name as typed); an invalid or untracked one is a problem, not an exception.</summary>
    public async Task<PackageLookup> LookupAsync(string registryCode, string name, CancellationToken ct)
    {
        var (package, problem, message) = Identify(registryCode, name);
        if (package is null) return PackageLookup.Failed(problem!.Value, message!);
        await triage.ExpireDueAsync(DateTimeOffset.UtcNow, ct);
        var row = await compliance.FindAsync(package, ct);
        if (row is null)
            return PackageLookup.Failed(PackageLookupProblem.NotTracked, $"{package} is not tracked by this dashboard. Add it on the Packages page.");
        var history = await evidence.LoadHistoryAsync(package, row.Id, ct);
        var findings = await evidence.ListFindingsAsync(row.Id, ct);
        var accepted = await acceptances.HistoryAsync(row.Id, ct);
        return PackageLookup.Found(new PackageDetail(package, row, EvidenceRules.ByPublishTime(history.Versions),
            findings.Select(f => FindingHistory.With(FindingView.From(f.Kind, f.Version, f.Message, f.DetectedAt), f.DetectedAt, accepted)).ToList(),
            polls.CanRead(package.Registry)));
    }

    /// <summary>The grid row of a package address, or null for an unknown registry, an invalid name or an untracked package (the badge's grey case).</summary>
    public async Task<ComplianceRow?> FindRowAsync(string registryCode, string name, CancellationToken ct)
    {
        var (package, _, _) = Identify(registryCode, name);
        if (package is null) return null;
        await triage.ExpireDueAsync(DateTimeOffset.UtcNow, ct);
        return await compliance.FindAsync(package, ct);
    }

    /// <summary>The most recent poll runs (of every package: a run covers a registry).</summary>
    public Task<IReadOnlyList<PollRunRow>> RecentPollsAsync(int take, CancellationToken ct) => pollRuns.RecentAsync(take, ct);

    /// <summary>This package's most recent checks (each with its poll's trigger), newest first.</summary>
    public Task<IReadOnlyList<PackageCheckRow>> RecentChecksAsync(long packageId, int take, CancellationToken ct) => evidence.ListChecksAsync(packageId, take, ct);

    /// <summary>Polls this one package now.</summary>
    public Task<RecheckResult> RecheckAsync(Actor actor, long packageId, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        return polls.RecheckAsync([packageId], null, ct);
    }

    public static string BadgePath(PackageId package) => $"badge/{package.Registry.Code()}/{package.Name}.svg";

    /// <summary>The Markdown a README embeds to show the badge served by this dashboard (public when Badges:Public is on).</summary>
    public static string BadgeMarkdown(string baseUri, PackageId package) =>
        $"![trusted publishing]({(baseUri.EndsWith('/') ? baseUri : baseUri + "/")}{BadgePath(package)})";

    private static (PackageId? Package, PackageLookupProblem? Problem, string? Message) Identify(string registryCode, string name)
    {
        if (!RegistryCatalog.TryParse(registryCode, out var registry))
            return (null, PackageLookupProblem.UnknownRegistry, $"There is no registry called '{registryCode}' (npm, pypi or rubygems).");
        var check = RegistryCatalog.Get(registry).CheckName(name);
        if (!check.IsValid)
            return (null, PackageLookupProblem.InvalidName, $"'{name}' is not a valid {registry.DisplayName()} package name: {check.Error}.");
        return (new PackageId(registry, check.Normalized!), null, null);
    }
}

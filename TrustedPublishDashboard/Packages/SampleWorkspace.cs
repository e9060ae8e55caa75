using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Registries;

namespace TrustedPublishDashboard.Packages;

/// <summary>
/// Generated packages with realistic publish histories, marked as sample everywhere they show and removable in one
/// step. They go through the same evaluation and storage as polled evidence. Used by "Load sample workspace" and by
/// the seed command (development and benchmarks).
/// </summary>
public sealed class SampleWorkspace(PackageRepository packages, EvidenceRepository evidence, ComplianceRepository compliance, AlertRepository alerts)
{
    public const string GroupName = "sample";
    public const string NamePrefix = "sample-";

    public sealed record Progress(int Done, int Total);

    public async Task<int> LoadAsync(int packageCount, int versionsPerPackage, IProgress<Progress>? progress, CancellationToken ct, int seed = 7)
    {
        var random = new Random(seed);
        var ids = Enumerable.Range(1, packageCount).Select(i => new PackageId(Registry.Npm,
            i % 9 == 0 ? $"@sample/{NamePrefix}{i:D5}" : $"{NamePrefix}{i:D5}")).ToList();
        await packages.AddAsync(ids, GroupName, ct, sample: true);
        var stored = (await packages.ListByRegistryAsync(Registry.Npm, null, ct)).Where(p => p.Name.Contains(NamePrefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Name);
        var now = DateTimeOffset.UtcNow;
        var done = 0;
        foreach (var id in ids)
        {
            ct.ThrowIfCancellationRequested();
            var history = Generate(id, versionsPerPackage, random, now);
            var fetch = new RegistryFetch.Fetched(history, [new Maintainer("sample-maintainer", "sample@example.test")], null, null, [], new HashSet<string>());
            var evaluation = EvidenceRules.Evaluate(history);
            await evidence.SaveFetchedAsync(stored[id.Name].Id, fetch, evaluation, now, ct);
            // The alerts these histories raise (downgrades, drift, no evidence), as a newcomer would see them: tracked
            // "since forever" so none is history, and recorded as samples that no channel receives.
            await alerts.InsertSampleAsync(id, stored[id.Name].Id,
                AlertRules.Evaluate(new AlertContext(id, history.Versions, evaluation, DateTimeOffset.MinValue)), now, ct);
            if (++done % 100 == 0 || done == ids.Count) progress?.Report(new Progress(done, ids.Count));
        }
        await compliance.RecordSnapshotAsync(now, ct);
        return ids.Count;
    }

    public Task<int> RemoveAsync(CancellationToken ct) => packages.RemoveSampleAsync(ct);

    /// <summary>What <see cref="RemoveAsync"/> would change, for the confirmation.</summary>
    public Task<SampleImpact> ImpactAsync(CancellationToken ct) => packages.SampleImpactAsync(ct);

    /// <summary>One package's history: a mix of the shapes real packages show.</summary>
    public static PackageHistory Generate(PackageId id, int versions, Random random, DateTimeOffset now)
    {
        var kind = random.Next(10);
        var configId = $"oidc:sample-{random.Next():x8}";
        var repo = $"sample-org/{id.Name.Replace("@sample/", "")}";
        var list = new List<VersionEvidence>();
        for (var v = 0; v < versions; v++)
        {
            var at = now.AddDays(-(versions - v) * 7 - random.Next(3));
            var trusted = new PublisherIdentity("github", repo, ".github/workflows/release.yml", $"refs/tags/v1.{v}.0", null, "push", configId);
            var (method, publisher) = kind switch
            {
                < 3 => (PublishMethod.Token, (PublisherIdentity?)null),                                        // still on tokens
                < 6 => v < versions / 2 ? (PublishMethod.Token, null) : (PublishMethod.TrustedPublisher, trusted), // moved to OIDC
                6 => v == versions - 1 ? (PublishMethod.Token, null) : (PublishMethod.TrustedPublisher, trusted), // downgraded
                7 => (PublishMethod.TrustedPublisher, v == versions - 1 ? trusted with { Workflow = ".github/workflows/other.yml" } : trusted), // drift
                8 => (PublishMethod.Unknown, null),                                                           // mirror stripped metadata
                _ => (PublishMethod.TokenWithProvenance, trusted with { ConfigId = null }),
            };
            list.Add(new VersionEvidence($"1.{v}.0", at, method, method is PublishMethod.TrustedPublisher or PublishMethod.TokenWithProvenance, publisher,
                method is PublishMethod.Token or PublishMethod.TokenWithProvenance ? "sample-maintainer" : method == PublishMethod.TrustedPublisher ? "GitHub Actions" : null));
        }
        return new PackageHistory(id, list[^1].Version, list);
    }
}

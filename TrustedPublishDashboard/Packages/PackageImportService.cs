using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Registries;

namespace TrustedPublishDashboard.Packages;

public enum ImportOutcome { Added, AlreadyTracked, DuplicateInPaste, Invalid }

public sealed record ImportLineResult(int LineNumber, string Text, ImportOutcome Outcome, PackageId? Package, string Message);

public sealed record ImportReport(IReadOnlyList<ImportLineResult> Lines, string? Error = null)
{
    /// <summary>The ids of the packages this import added (what the immediate check polls).</summary>
    public IReadOnlyList<long> AddedIds { get; init; } = [];

    /// <summary>The check of the added packages that ran right after adding them; null when none was run.</summary>
    public RecheckResult? Check { get; init; }

    public int Added => Lines.Count(l => l.Outcome == ImportOutcome.Added);
    public int AlreadyTracked => Lines.Count(l => l.Outcome == ImportOutcome.AlreadyTracked);
    public int Invalid => Lines.Count(l => l.Outcome == ImportOutcome.Invalid);
    public int Duplicates => Lines.Count(l => l.Outcome == ImportOutcome.DuplicateInPaste);

    public string Summary => Error ?? (Lines.Count == 0
        ? "Nothing to add: the text has no package lines."
        : $"{Added} added, {AlreadyTracked} already tracked, {Duplicates} duplicate, {Invalid} invalid.");
}

/// <summary>
/// Adds packages from user text. Each line is judged on its own: invalid lines are reported with their line
/// number and reason while the valid ones are still added. A name only old packages may have (npm's JSONStream) is
/// added only when the registry confirms the package exists: it could never be published under that name today.
/// </summary>
public sealed class PackageImportService(PackageRepository packages, IEnumerable<IRegistryClient> clients)
{
    /// <summary>At most this many legacy names are checked against the registry in one paste (each is one request).</summary>
    public const int MaxLegacyChecks = 100;

    public const int MaxLines = 10_000;
    public const int MaxGroupNameLength = 100;

    public async Task<ImportReport> ImportAsync(string text, string? groupName, CancellationToken ct)
    {
        if (groupName is { Length: > MaxGroupNameLength })
            return new ImportReport([], $"The group name is longer than {MaxGroupNameLength} characters; nothing was added.");

        var parsed = PackageSpecParser.ParseLines(text ?? "");
        if (parsed.Count > MaxLines)
            return new ImportReport([], $"Paste at most {MaxLines:N0} lines at once (this text has {parsed.Count:N0}); nothing was added.");

        var firstSeen = new Dictionary<PackageId, int>();
        var toAdd = new List<PackageId>();
        var legacyRefusals = new Dictionary<PackageId, string>();
        var legacyChecked = 0;
        foreach (var line in parsed)
        {
            if (line.Package is not { } id || !firstSeen.TryAdd(id, line.LineNumber)) continue;
            if (line.Legacy is { } legacy && await LegacyRefusalAsync(id, legacy, ++legacyChecked, ct) is { } refusal)
                legacyRefusals[id] = refusal;
            else toAdd.Add(id);
        }
        var added = await packages.AddAsync(toAdd, groupName, ct);

        var results = parsed.Select(line =>
        {
            if (line.Package is not { } id)
                return new ImportLineResult(line.LineNumber, line.Text, ImportOutcome.Invalid, null, line.Error!);
            if (legacyRefusals.TryGetValue(id, out var refused) && firstSeen[id] == line.LineNumber)
                return new ImportLineResult(line.LineNumber, line.Text, ImportOutcome.Invalid, id, refused);
            if (firstSeen[id] != line.LineNumber)
                return new ImportLineResult(line.LineNumber, line.Text, ImportOutcome.DuplicateInPaste, id, $"same package as line {firstSeen[id]}");
            return added.Contains(id)
                ? new ImportLineResult(line.LineNumber, line.Text, ImportOutcome.Added, id, line.Legacy is null ? $"added {id}" : $"added {id} (exists on the registry; {line.Legacy})")
                : new ImportLineResult(line.LineNumber, line.Text, ImportOutcome.AlreadyTracked, id, $"{id} is already tracked");
        }).ToList();
        return new ImportReport(results) { AddedIds = await packages.FindIdsAsync(added, ct) };
    }

    /// <summary>
    /// Why a legacy name is not added, or null when the registry confirms the package exists. Not found, unreadable, or
    /// over the per-paste budget: refused with the reason (tracking a name that cannot exist would wait forever).
    /// </summary>
    private async Task<string?> LegacyRefusalAsync(PackageId id, string legacy, int ordinal, CancellationToken ct)
    {
        if (ordinal > MaxLegacyChecks)
            return $"{legacy}; at most {MaxLegacyChecks} such names are checked per paste — add the rest in another paste";
        if (clients.FirstOrDefault(c => c.Registry == id.Registry) is not { } client)
            return $"{legacy}, and the dashboard cannot read {id.Registry.DisplayName()} to check that it exists";
        var fetch = await client.FetchAsync(id, FetchContext.Fresh(new FetchStats()), ct);
        return fetch switch
        {
            RegistryFetch.Fetched or RegistryFetch.NotModified => null,
            RegistryFetch.Failed { Kind: FetchFailure.NotFound } =>
                $"no package named '{id.Name}' exists on the registry; {legacy}, so it cannot be a new package either. Check the spelling and the case",
            RegistryFetch.Failed failed => $"{legacy}, so the dashboard checks that it exists before tracking it, and could not: {failed.Error}",
            _ => $"{legacy}; the registry's answer could not be read",
        };
    }

    /// <summary>Adds one package chosen from a registry picker and a name field.</summary>
    public Task<ImportReport> AddOneAsync(Registry registry, string name, string? groupName, CancellationToken ct)
    {
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length == 0)
            return Task.FromResult(new ImportReport([], "Enter a package name."));
        if (trimmed.AsSpan().IndexOfAny('\r', '\n') >= 0)
            return Task.FromResult(new ImportReport([], "One name only: use the paste box for several packages."));
        return ImportAsync($"{registry.Code()}:{trimmed}", groupName, ct);
    }
}

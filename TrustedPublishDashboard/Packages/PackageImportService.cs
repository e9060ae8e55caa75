using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Packages;

public enum ImportOutcome { Added, AlreadyTracked, DuplicateInPaste, Invalid }

public sealed record ImportLineResult(int LineNumber, string Text, ImportOutcome Outcome, PackageId? Package, string Message);

public sealed record ImportReport(IReadOnlyList<ImportLineResult> Lines, string? Error = null)
{
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
/// number and reason while the valid ones are still added.
/// </summary>
public sealed class PackageImportService(PackageRepository packages)
{
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
        foreach (var line in parsed)
        {
            if (line.Package is { } id && firstSeen.TryAdd(id, line.LineNumber)) toAdd.Add(id);
        }
        var added = await packages.AddAsync(toAdd, groupName, ct);

        var results = parsed.Select(line =>
        {
            if (line.Package is not { } id)
                return new ImportLineResult(line.LineNumber, line.Text, ImportOutcome.Invalid, null, line.Error!);
            if (firstSeen[id] != line.LineNumber)
                return new ImportLineResult(line.LineNumber, line.Text, ImportOutcome.DuplicateInPaste, id, $"same package as line {firstSeen[id]}");
            return added.Contains(id)
                ? new ImportLineResult(line.LineNumber, line.Text, ImportOutcome.Added, id, $"added {id}")
                : new ImportLineResult(line.LineNumber, line.Text, ImportOutcome.AlreadyTracked, id, $"{id} is already tracked");
        }).ToList();
        return new ImportReport(results);
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

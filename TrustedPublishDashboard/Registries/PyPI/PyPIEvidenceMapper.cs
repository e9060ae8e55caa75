using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.PyPI;

/// <summary>How one file was uploaded, as far as PyPI's own evidence proves it.</summary>
/// <param name="Provenance">The index lists a provenance document for the file, and it was not found unreadable (it may not be fetched yet).</param>
/// <param name="UploadedVia">The release page's "Uploaded via" user agent, when it was read.</param>
/// <param name="Note">Why the method is unknown when that is not an error (e.g. the page has no block for the file).</param>
public sealed record PyPIFileEvidence(
    string Filename,
    string Version,
    DateTimeOffset? UploadedAt,
    PublishMethod Method,
    bool Provenance,
    PublisherIdentity? Publisher,
    string? EvidenceError,
    string? UploadedVia = null,
    bool Yanked = false,
    string? Note = null);

/// <summary>One release rolled up from its files.</summary>
/// <param name="Method">That of the weakest file whose method is known; unknown when none is known.</param>
/// <param name="Provenance">Every file (and at least one) has provenance.</param>
/// <param name="Publisher">The trusted files' publisher (the earliest-uploaded one's when they disagree).</param>
/// <param name="PublisherConflict">Set when the trusted files name different publishers: a sentence saying which.</param>
/// <param name="EvidenceError">The files' evidence errors, each prefixed with its file name.</param>
public sealed record PyPIReleaseEvidence(
    string Version,
    DateTimeOffset? PublishedAt,
    PublishMethod Method,
    bool Provenance,
    PublisherIdentity? Publisher,
    string? PublisherConflict,
    string? EvidenceError,
    bool Yanked,
    IReadOnlyList<PyPIFileEvidence> Files);

/// <summary>
/// From the Simple API index, each file's provenance reading and each release page's verdicts to per-file and
/// per-release evidence. Pure. "Token" comes only from the release page's "Uploaded using Trusted Publishing? No"
/// (REGISTRY-FACTS, PyPI); missing or unreadable evidence is unknown, and an unreadable provenance document is an
/// evidence error on its file, never a different method.
/// </summary>
public static class PyPIEvidenceMapper
{
    /// <param name="provenance">The file's provenance reading, when its index entry has a URL and it was fetched.</param>
    /// <param name="page">The release page's verdict for the file, when the page was read.</param>
    public static PyPIFileEvidence File(PyPIFile file, PyPIProvenanceReading? provenance, PyPIPageVerdict? page)
    {
        PyPIFileEvidence Evidence(PublishMethod method, bool hasProvenance = false, PublisherIdentity? publisher = null, string? error = null, string? note = null) =>
            new(file.Filename, file.Version, file.UploadedAt, method, hasProvenance, publisher, error, page?.UploadedVia, file.Yanked, note);

        if (file.ProvenanceError is { } indexError) return Evidence(PublishMethod.Unknown, error: indexError);
        if (file.ProvenanceUrl is not null)
        {
            switch (provenance?.Status)
            {
                case PyPIProvenanceStatus.Present:
                    var publishers = provenance.Publishers;
                    return Evidence(PublishMethod.TrustedPublisher, true, publishers[0].ToIdentity(),
                        note: publishers.Count > 1 ? $"its provenance names {publishers.Count} publishers: {string.Join(", ", publishers.Select(Describe))}" : null);
                case PyPIProvenanceStatus.Error:
                    return Evidence(PublishMethod.Unknown, error: "its provenance document could not be read: " + provenance.Error);
                case null:
                    // PyPI only accepts attestations from a trusted publisher, so the URL alone says how; who comes with the document.
                    return Evidence(PublishMethod.TrustedPublisher, true, note: "its provenance document has not been read yet");
                case PyPIProvenanceStatus.None:
                    break;
            }
        }
        return page?.Answer switch
        {
            PyPITrustedPublishingAnswer.Yes => Evidence(PublishMethod.TrustedPublisher, note: "uploaded by a trusted publisher without attestations (release page)"),
            PyPITrustedPublishingAnswer.No => Evidence(PublishMethod.Token),
            _ => Evidence(PublishMethod.Unknown, note: page?.Reason ?? "the release page has not been read for this file"),
        };
    }

    /// <param name="provenance">Readings by file name, for files whose index entry has a provenance URL.</param>
    /// <param name="pages">Release page verdicts by file name, for files without provenance.</param>
    public static IReadOnlyList<PyPIFileEvidence> Files(PyPISimpleIndex index,
        IReadOnlyDictionary<string, PyPIProvenanceReading> provenance, IReadOnlyDictionary<string, PyPIPageVerdict> pages) =>
        index.Files.Select(f => File(f, provenance.GetValueOrDefault(f.Filename), pages.GetValueOrDefault(f.Filename))).ToList();

    /// <summary>Each version the index lists (or its files name), rolled up from its files, in the index's order.</summary>
    public static IReadOnlyList<PyPIReleaseEvidence> Releases(PyPISimpleIndex index, IReadOnlyList<PyPIFileEvidence> files)
    {
        var byVersion = files.GroupBy(f => f.Version, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        return index.AllVersions.Select(v => Release(v, byVersion.GetValueOrDefault(v) ?? [])).ToList();
    }

    /// <summary>
    /// A release is as strong as its weakest known file (issue #13: an sdist from CI plus a wheel added later with a
    /// token is a token release); files of unknown method neither weaken nor strengthen it.
    /// </summary>
    public static PyPIReleaseEvidence Release(string version, IReadOnlyList<PyPIFileEvidence> files)
    {
        var ordered = files.OrderBy(f => f.UploadedAt is null ? 1 : 0).ThenBy(f => f.UploadedAt).ThenBy(f => f.Filename, StringComparer.Ordinal).ToList();
        var weakest = ordered.Where(f => f.Method.Strength() is not null).MinBy(f => f.Method.Strength());
        var method = weakest?.Method ?? PublishMethod.Unknown;

        var trusted = ordered.Where(f => f.Method.IsTrusted() && f.Publisher is not null).ToList();
        var publishers = trusted.Select(f => f.Publisher!).Distinct().ToList();
        var conflict = publishers.Count > 1
            ? "its files were uploaded by different trusted publishers: " +
              string.Join("; ", trusted.GroupBy(f => f.Publisher).Select(g => $"{Describe(g.Key!)} ({string.Join(", ", g.Select(f => f.Filename))})"))
            : null;

        var errors = ordered.Where(f => f.EvidenceError is not null).Select(f => $"{f.Filename}: {f.EvidenceError}").ToList();
        return new PyPIReleaseEvidence(
            version,
            ordered.Select(f => f.UploadedAt).FirstOrDefault(t => t is not null),
            method,
            ordered.Count > 0 && ordered.All(f => f.Provenance),
            publishers.FirstOrDefault(),
            conflict,
            errors.Count > 0 ? string.Join("; ", errors) : null,
            ordered.Count > 0 && ordered.All(f => f.Yanked),
            ordered);
    }

    /// <summary>
    /// The release as the existing rules read a version. A publisher conflict between files goes into the evidence
    /// error so it is reported today; the artifact-level core should make it a drift finding of its own.
    /// </summary>
    public static VersionEvidence ToVersionEvidence(PyPIReleaseEvidence release)
    {
        var error = string.Join("; ", new[] { release.EvidenceError, release.PublisherConflict }.Where(e => e is not null));
        return new VersionEvidence(release.Version, release.PublishedAt, release.Method, release.Provenance, release.Publisher,
            EvidenceError: error.Length > 0 ? error : null);
    }

    /// <summary>All of it: index plus readings to the history the rules evaluate. PyPI has no "latest" tag: the rules take the newest by time.</summary>
    public static PackageHistory ToHistory(PyPISimpleIndex index,
        IReadOnlyDictionary<string, PyPIProvenanceReading> provenance, IReadOnlyDictionary<string, PyPIPageVerdict> pages) =>
        new(new PackageId(Registry.PyPI, index.Name), null, Releases(index, Files(index, provenance, pages)).Select(ToVersionEvidence).ToList());

    private static string Describe(PyPIPublisher publisher) => Describe(publisher.ToIdentity());

    private static string Describe(PublisherIdentity publisher)
    {
        var what = publisher.Repository ?? publisher.ConfigId ?? "(no repository)";
        if (publisher.Workflow is not null) what += " " + publisher.Workflow;
        if (publisher.Environment is not null) what += $" [{publisher.Environment}]";
        return $"{publisher.Provider} {what}";
    }
}

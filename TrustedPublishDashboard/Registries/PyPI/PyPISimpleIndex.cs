namespace TrustedPublishDashboard.Registries.PyPI;

/// <summary>One distribution file of a project, as the Simple API lists it, with the version read from its name.</summary>
/// <param name="ProvenanceUrl">PEP 740: the file's provenance document, or null when it was uploaded without attestations.</param>
/// <param name="ProvenanceError">
/// The <c>provenance</c> key held something other than null or a URL: whether the file has provenance cannot be told.
/// </param>
public sealed record PyPIFile(
    string Filename,
    string Version,
    PyPIDistributionKind Kind,
    DateTimeOffset? UploadedAt,
    bool Yanked,
    string? YankedReason,
    string? ProvenanceUrl,
    long? Size,
    string? ProvenanceError = null);

/// <summary>A listed file that could not be attributed to a version; reported, never dropped silently.</summary>
public sealed record PyPIUnassignedFile(string Filename, string Reason);

/// <summary>What evidence needs from one project's Simple API JSON (PEP 691, with PEP 700's and PEP 740's keys).</summary>
/// <param name="Name">The project's PEP 503 normal form.</param>
/// <param name="ApiVersion">meta.api-version, e.g. "1.4".</param>
/// <param name="LastSerial">meta._last-serial when present: PyPI's change serial for the project, worth recording beside the ETag.</param>
/// <param name="Versions">PEP 700 <c>versions</c> (api-version 1.1+); null on a 1.0 index, where versions come from the files.</param>
public sealed record PyPISimpleIndex(
    string Name,
    string ApiVersion,
    long? LastSerial,
    IReadOnlyList<string>? Versions,
    IReadOnlyList<PyPIFile> Files,
    IReadOnlyList<PyPIUnassignedFile> Unassigned)
{
    /// <summary>Every version: the listed ones, else those the files name, in order of first appearance.</summary>
    public IReadOnlyList<string> AllVersions => Versions ?? Files.Select(f => f.Version).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>The Simple API document read, or why it could not be (a sentence a maintainer understands).</summary>
public sealed record PyPISimpleReading(PyPISimpleIndex? Index, string? Error)
{
    public static PyPISimpleReading Failed(string error) => new(null, error);
}

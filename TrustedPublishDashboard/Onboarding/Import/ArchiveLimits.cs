namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// Bounds applied while reading an uploaded repository archive. The archive is untrusted: every limit exists so
/// that a hostile upload costs at most this much memory and CPU before it is rejected.
/// </summary>
/// <param name="MaxArchiveBytes">Size of the compressed upload; checked while copying, before anything is parsed.</param>
/// <param name="MaxEntries">Entries of every kind (files, folders, links); also caps the distinct folders kept.</param>
/// <param name="MaxManifestBytes">Size of one kept manifest (package.json, pnpm-workspace.yaml, lerna.json); larger ones are left out with a problem.</param>
/// <param name="MaxTotalUncompressedBytes">Decompressed bytes read through (the whole tar stream, or the zip manifests read); guards against gzip/zip bombs.</param>
/// <param name="MaxPathLength">Characters in one entry path.</param>
/// <param name="MaxDepth">Segments in one entry path.</param>
public sealed record ArchiveLimits(
    long MaxArchiveBytes = 50 * ArchiveLimits.MiB,
    int MaxEntries = 50_000,
    int MaxManifestBytes = (int)ArchiveLimits.MiB,
    long MaxTotalUncompressedBytes = 512 * ArchiveLimits.MiB,
    int MaxPathLength = 1024,
    int MaxDepth = 64)
{
    public const long MiB = 1024 * 1024;

    public static ArchiveLimits Default { get; } = new();

    /// <summary>"50 MiB", "4 KiB" or "1000 bytes": limits appear in messages a maintainer reads.</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= MiB when bytes % MiB == 0 => $"{bytes / MiB} MiB",
        >= 1024 when bytes % 1024 == 0 => $"{bytes / 1024} KiB",
        _ => $"{bytes} bytes",
    };
}

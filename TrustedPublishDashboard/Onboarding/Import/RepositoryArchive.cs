using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;

namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// Reads an uploaded repository archive (.zip, or .tar.gz as GitHub/GitLab serve them) into an
/// <see cref="ArchiveSnapshot"/>, in memory only. The upload is untrusted: the format comes from its magic
/// bytes (never its file name), every size is bounded, links are never followed, and one unsafe entry path
/// rejects the whole archive with an <see cref="ArchiveRejectedException"/>.
/// </summary>
public static class RepositoryArchive
{
    private enum Format { Zip, TarGzip }

    // Unix file type bits in the upper half of a zip entry's external attributes (Info-ZIP, `zip -y`).
    private const uint UnixTypeMask = 0xF000, UnixSymbolicLink = 0xA000, UnixRegularFile = 0x8000, UnixDirectory = 0x4000;

    public static async Task<ArchiveSnapshot> ReadAsync(Stream input, ArchiveLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(limits);

        var (buffer, format) = await CopyBoundedAsync(input, limits.MaxArchiveBytes, ct);
        var builder = new ArchiveSnapshotBuilder(limits);
        try
        {
            if (format == Format.Zip) ReadZip(buffer, builder, ct);
            else ReadTarGzip(buffer, builder, ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new ArchiveRejectedException(ArchiveRejectedException.Damaged, $"the archive is damaged or not a .zip or .tar.gz archive: {ex.Message}", ex);
        }
        return builder.Build();
    }

    /// <summary>
    /// Copies the upload into memory (it may be a non-seekable request body), stopping one byte past the limit
    /// and checking the magic bytes as soon as they arrive, so a wrong or oversized upload is not read to its end.
    /// </summary>
    private static async Task<(MemoryStream Buffer, Format Format)> CopyBoundedAsync(Stream input, long maxBytes, CancellationToken ct)
    {
        var tooLarge = () => new ArchiveRejectedException(ArchiveRejectedException.TooLarge, $"the archive is larger than {ArchiveLimits.Describe(maxBytes)}");
        if (input.CanSeek && input.Length - input.Position > maxBytes) throw tooLarge();

        var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        Format? format = null;
        while (true)
        {
            var wanted = (int)Math.Min(chunk.Length, maxBytes + 1 - buffer.Length);
            var read = await input.ReadAsync(chunk.AsMemory(0, wanted), ct);
            if (read == 0) break;
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes) throw tooLarge();
            if (format is null && buffer.Length >= 4) format = Detect(buffer.GetBuffer().AsSpan(0, 4));
        }
        format ??= Detect(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        buffer.Position = 0;
        return (buffer, format.Value);
    }

    private static Format Detect(ReadOnlySpan<byte> head) => head switch
    {
        [(byte)'P', (byte)'K', 3, 4, ..] => Format.Zip,
        [(byte)'P', (byte)'K', 5, 6, ..] => Format.Zip, // an empty zip is only its end-of-central-directory record
        [0x1f, 0x8b, ..] => Format.TarGzip,
        _ => throw new ArchiveRejectedException(ArchiveRejectedException.NotAnArchive, "the upload is not a .zip or .tar.gz archive"),
    };

    private static void ReadZip(MemoryStream buffer, ArchiveSnapshotBuilder builder, CancellationToken ct)
    {
        // ZipArchive loads the whole central directory on first access; the declared count is checked first so
        // a million tiny entries are refused before they are materialised.
        if (DeclaredZipEntryCount(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) > builder.Limits.MaxEntries)
        {
            throw new ArchiveRejectedException(ArchiveRejectedException.TooManyEntries, $"the archive has more than {builder.Limits.MaxEntries:N0} entries");
        }

        using var zip = new ZipArchive(buffer, ZipArchiveMode.Read);
        foreach (var entry in zip.Entries)
        {
            ct.ThrowIfCancellationRequested();
            var unixType = ((uint)entry.ExternalAttributes >> 16) & UnixTypeMask;
            var path = builder.Accept(entry.FullName, unixType == UnixDirectory);
            if (unixType == UnixSymbolicLink)
            {
                builder.Warn(path.Path, "is a symbolic link; skipped (links are never followed)");
                continue;
            }
            if (unixType is not (0 or UnixRegularFile or UnixDirectory))
            {
                builder.Warn(path.Path, "is not a regular file or folder; skipped");
                continue;
            }
            if (!path.IsDirectory) builder.SeeFile(path.Path);
            if (!ArchiveSnapshotBuilder.IsKept(path)) continue;
            if (entry.Length > builder.Limits.MaxManifestBytes)
            {
                builder.AddProblem(path.Path, builder.TooLarge(entry.Length));
                continue;
            }
            try
            {
                using var content = new UncompressedBudgetStream(entry.Open(), builder, ct);
                Keep(path.Path, content, builder);
            }
            catch (Exception ex) when (ex is InvalidDataException or NotSupportedException)
            {
                // One damaged or encrypted manifest does not spoil the others.
                builder.AddProblem(path.Path, $"could not be read: {ex.Message}");
            }
        }
    }

    private static void ReadTarGzip(MemoryStream buffer, ArchiveSnapshotBuilder builder, CancellationToken ct)
    {
        // Every decompressed byte goes through the budget, including the data of entries that are only skipped:
        // that is where a gzip bomb hides.
        using var tarStream = new UncompressedBudgetStream(new GZipStream(buffer, CompressionMode.Decompress), builder, ct);
        using var tar = new TarReader(tarStream);
        while (tar.GetNextEntry(copyData: false) is { } entry)
        {
            ct.ThrowIfCancellationRequested();
            if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
            {
                builder.CountEntry(); // metadata, not a file: `git archive` stores the commit id here
                continue;
            }
            var path = builder.Accept(entry.Name, entry.EntryType == TarEntryType.Directory);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    continue;
                case TarEntryType.SymbolicLink:
                    builder.Warn(path.Path, "is a symbolic link; skipped (links are never followed)");
                    continue;
                case TarEntryType.HardLink:
                    builder.Warn(path.Path, "is a hard link; skipped (links are never followed)");
                    continue;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    builder.SeeFile(path.Path);
                    break;
                default:
                    builder.Warn(path.Path, $"is a tar {entry.EntryType} entry, not a regular file or folder; skipped");
                    continue;
            }
            if (!ArchiveSnapshotBuilder.IsKept(path)) continue;
            if (entry.Length > builder.Limits.MaxManifestBytes)
            {
                builder.AddProblem(path.Path, builder.TooLarge(entry.Length));
                continue;
            }
            Keep(path.Path, entry.DataStream ?? Stream.Null, builder);
        }
    }

    /// <summary>Reads one manifest, never more than the manifest limit even when the declared size lied.</summary>
    private static void Keep(string path, Stream content, ArchiveSnapshotBuilder builder)
    {
        var max = builder.Limits.MaxManifestBytes;
        using var copy = new MemoryStream();
        var chunk = new byte[16_384];
        int read;
        while ((read = content.Read(chunk, 0, (int)Math.Min(chunk.Length, max + 1L - copy.Length))) > 0)
        {
            copy.Write(chunk, 0, read);
            if (copy.Length > max)
            {
                builder.AddProblem(path, builder.TooLarge(copy.Length));
                return;
            }
        }
        builder.AddFile(path, copy.ToArray());
    }

    /// <summary>
    /// The entry count from the end-of-central-directory record (ZIP64 when the 16-bit field overflows), or
    /// null when the record cannot be found; ZipArchive itself then rejects a damaged directory.
    /// </summary>
    private static long? DeclaredZipEntryCount(ReadOnlySpan<byte> data)
    {
        const int EocdSize = 22, Zip64LocatorSize = 20, Zip64EocdSize = 56;
        var lowest = Math.Max(0, data.Length - EocdSize - ushort.MaxValue);
        for (var at = data.Length - EocdSize; at >= lowest; at--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(data[at..]) != 0x06054b50) continue;
            var count = BinaryPrimitives.ReadUInt16LittleEndian(data[(at + 10)..]);
            if (count != ushort.MaxValue) return count;

            var locator = at - Zip64LocatorSize;
            if (locator < 0 || BinaryPrimitives.ReadUInt32LittleEndian(data[locator..]) != 0x07064b50) return null;
            var record = BinaryPrimitives.ReadUInt64LittleEndian(data[(locator + 8)..]);
            if (record > (ulong)Math.Max(0, data.Length - Zip64EocdSize)) return null;
            var zip64 = data[(int)record..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip64) != 0x06064b50) return null;
            return (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(zip64[32..]), long.MaxValue);
        }
        return null;
    }
}

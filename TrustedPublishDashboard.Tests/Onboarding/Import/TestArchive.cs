using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using TrustedPublishDashboard.Onboarding.Import;

namespace TrustedPublishDashboard.Tests.Onboarding;

public enum ArchiveFormat { Zip, TarGz }

/// <summary>
/// Builds repository archives in memory, the way zip tools and `git archive` write them, including the hostile
/// shapes (traversal names, links, bombs) that real tools refuse to produce.
/// </summary>
public sealed class TestArchive
{
    private enum Kind { File, Directory, SymbolicLink, HardLink }

    private sealed record Entry(string Name, Kind Kind, byte[] Content, string? LinkTarget = null);

    private readonly List<Entry> _entries = [];
    private bool _paxGlobalHeader;

    public TestArchive File(string name, string content) => File(name, Encoding.UTF8.GetBytes(content));

    public TestArchive File(string name, byte[] content) => Add(new Entry(name, Kind.File, content));

    /// <summary>A package.json with the given name and any extra top-level JSON members (written as-is).</summary>
    public TestArchive Package(string directory, string name, string extraJson = "") =>
        File(directory.Length == 0 ? "package.json" : $"{directory}/package.json",
            $$"""{ "name": "{{name}}", "version": "1.0.0"{{(extraJson.Length == 0 ? "" : ", " + extraJson)}} }""");

    public TestArchive Directory(string name) => Add(new Entry(name, Kind.Directory, []));

    public TestArchive SymbolicLink(string name, string target) => Add(new Entry(name, Kind.SymbolicLink, [], target));

    public TestArchive HardLink(string name, string target) => Add(new Entry(name, Kind.HardLink, [], target));

    /// <summary>Starts the tar with a pax global header carrying the commit id, as `git archive` (and GitHub) do.</summary>
    public TestArchive WithGitCommitHeader()
    {
        _paxGlobalHeader = true;
        return this;
    }

    public byte[] Build(ArchiveFormat format) => format == ArchiveFormat.Zip ? ToZip() : ToTarGz();

    public byte[] ToZip()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in _entries)
            {
                if (entry.Kind == Kind.HardLink) throw new NotSupportedException("zip has no hard links");
                var zipEntry = zip.CreateEntry(entry.Kind == Kind.Directory && !entry.Name.EndsWith('/') ? entry.Name + "/" : entry.Name);
                if (entry.Kind == Kind.SymbolicLink)
                {
                    // What Info-ZIP writes for `zip -y`: S_IFLNK | 0777 in the upper 16 bits, the target as content.
                    zipEntry.ExternalAttributes = unchecked((int)(0xA1FFu << 16));
                }
                using var stream = zipEntry.Open();
                stream.Write(entry.Kind == Kind.SymbolicLink ? Encoding.UTF8.GetBytes(entry.LinkTarget!) : entry.Content);
            }
        }
        return output.ToArray();
    }

    public byte[] ToTarGz()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            if (_paxGlobalHeader)
            {
                tar.WriteEntry(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "0123456789abcdef0123456789abcdef01234567" }));
            }
            foreach (var entry in _entries)
            {
                var tarEntry = entry.Kind switch
                {
                    Kind.File => new PaxTarEntry(TarEntryType.RegularFile, entry.Name) { DataStream = new MemoryStream(entry.Content) },
                    Kind.Directory => new PaxTarEntry(TarEntryType.Directory, entry.Name),
                    Kind.SymbolicLink => new PaxTarEntry(TarEntryType.SymbolicLink, entry.Name) { LinkName = entry.LinkTarget! },
                    _ => new PaxTarEntry(TarEntryType.HardLink, entry.Name) { LinkName = entry.LinkTarget! },
                };
                tar.WriteEntry(tarEntry);
            }
        }
        return output.ToArray();
    }

    public Task<ArchiveSnapshot> ReadAsync(ArchiveFormat format, ArchiveLimits? limits = null) =>
        RepositoryArchive.ReadAsync(new MemoryStream(Build(format)), limits ?? ArchiveLimits.Default, CancellationToken.None);

    public async Task<WorkspaceDiscoveryResult> DiscoverAsync(ArchiveFormat format = ArchiveFormat.Zip, ArchiveLimits? limits = null, DiscoveryLimits? discovery = null) =>
        WorkspaceDiscovery.Discover(await ReadAsync(format, limits), discovery ?? DiscoveryLimits.Default);

    private TestArchive Add(Entry entry)
    {
        _entries.Add(entry);
        return this;
    }
}

/// <summary>A request body: forward-only, no length; counts what was read so tests can see reading stopped.</summary>
public sealed class ForwardOnlyStream(byte[] content) : Stream
{
    private readonly MemoryStream _inner = new(content);

    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = _inner.Read(buffer, offset, count);
        BytesRead += read;
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

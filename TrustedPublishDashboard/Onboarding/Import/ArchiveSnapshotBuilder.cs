namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// Collects one archive's entries into an <see cref="ArchiveSnapshot"/> and enforces the per-archive limits.
/// Format readers (zip, tar) only translate their entries into calls here, so both get the same rules.
/// </summary>
internal sealed class ArchiveSnapshotBuilder(ArchiveLimits limits)
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _problems = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    private readonly HashSet<string> _shallowFiles = new(StringComparer.Ordinal);
    private readonly List<(string Path, string Text)> _warnings = [];
    private int _entries;
    private long _uncompressed;

    // GitHub/GitLab downloads put everything under one "repo-sha/" folder; it is stripped when every entry
    // (files, folders, links) is under the same first segment.
    private string? _commonTop;
    private bool _canStripTop = true;

    public ArchiveLimits Limits => limits;

    /// <summary>Counts an entry that has no path of its own (tar global headers).</summary>
    public void CountEntry()
    {
        if (++_entries > limits.MaxEntries)
        {
            throw new ArchiveRejectedException(ArchiveRejectedException.TooManyEntries, $"the archive has more than {limits.MaxEntries:N0} entries");
        }
    }

    /// <summary>Counts an entry and validates its path; an unsafe path rejects the whole archive.</summary>
    public ArchivePath.Normalized Accept(string name, bool isDirectory)
    {
        CountEntry();
        var (normalized, error) = ArchivePath.Normalize(name, limits);
        if (normalized is not { } path)
        {
            throw new ArchiveRejectedException(ArchiveRejectedException.UnsafePath,
                $"the archive entry '{ArchivePath.Display(name)}' {error}; nothing from this archive was used");
        }
        path = path with { IsDirectory = path.IsDirectory || isDirectory };
        if (path.Path.Length == 0) return path;

        var slash = path.Path.IndexOf('/');
        if (slash < 0 && !path.IsDirectory) _canStripTop = false;
        var top = slash < 0 ? path.Path : path.Path[..slash];
        if (_commonTop is null) _commonTop = top;
        else if (_commonTop != top) _canStripTop = false;

        // Walking up stops at the first folder already known: its parents are known too, so a deep archive
        // costs one pass per new folder rather than one per segment of every entry.
        for (var dir = path.IsDirectory ? path.Path : ArchivePath.Parent(path.Path); dir.Length > 0 && _directories.Add(dir); dir = ArchivePath.Parent(dir))
        {
            if (_directories.Count > limits.MaxEntries)
            {
                throw new ArchiveRejectedException(ArchiveRejectedException.TooManyEntries, $"the archive has more than {limits.MaxEntries:N0} folders");
            }
        }
        return path;
    }

    /// <summary>Whether the entry is a manifest onboarding reads (by name, outside node_modules).</summary>
    public static bool IsKept(ArchivePath.Normalized path) =>
        !path.IsDirectory
        && ArchiveSnapshot.KeptFileNames.Contains(ArchivePath.FileName(path.Path))
        && !ArchivePath.IsUnderNodeModules(path.Path);

    /// <summary>
    /// Notes a regular file near the top (at most one folder deep before the common top folder is stripped): its name is
    /// all the lock-file detection needs, so lock files are never read, however large.
    /// </summary>
    public void SeeFile(string path)
    {
        if (path.Count(c => c == '/') <= 1 && _shallowFiles.Count < 10_000) _shallowFiles.Add(path);
    }

    /// <summary>Adds decompressed bytes read through; crossing the budget rejects the archive (gzip/zip bombs).</summary>
    public void CountUncompressed(long bytes)
    {
        _uncompressed += bytes;
        if (_uncompressed > limits.MaxTotalUncompressedBytes)
        {
            throw new ArchiveRejectedException(ArchiveRejectedException.TooMuchData,
                $"the archive expands to more than {ArchiveLimits.Describe(limits.MaxTotalUncompressedBytes)}");
        }
    }

    public void AddFile(string path, byte[] content)
    {
        // Tar extraction lets the last copy win; doing the same keeps the snapshot what `tar -x` would show.
        if (_files.ContainsKey(path) || _problems.ContainsKey(path)) Warn(path, "appears more than once in the archive; the last copy was used");
        _problems.Remove(path);
        _files[path] = content;
    }

    public void AddProblem(string path, string problem)
    {
        _files.Remove(path);
        _problems[path] = problem;
    }

    public void Warn(string path, string text) => _warnings.Add((path, text));

    public string TooLarge(long size) =>
        $"is larger than {ArchiveLimits.Describe(limits.MaxManifestBytes)} ({size:N0} bytes); it was not read";

    public ArchiveSnapshot Build()
    {
        var strip = _canStripTop && _commonTop is not null ? _commonTop : null;
        string Strip(string path) => strip is null ? path : path == strip ? "" : path[(strip.Length + 1)..];

        return new ArchiveSnapshot(
            _files.ToDictionary(f => Strip(f.Key), f => f.Value, StringComparer.Ordinal),
            _directories.Select(Strip).Where(d => d.Length > 0).ToHashSet(StringComparer.Ordinal),
            _warnings.Select(w => $"'{ArchivePath.Display(Strip(w.Path))}' {w.Text}").ToList(),
            _entries)
        {
            Problems = _problems.ToDictionary(p => Strip(p.Key), p => $"{Strip(p.Key)} {p.Value}", StringComparer.Ordinal),
            RootFiles = _shallowFiles.Select(Strip).Where(f => f.Length > 0 && !f.Contains('/')).ToHashSet(StringComparer.Ordinal),
        };
    }
}

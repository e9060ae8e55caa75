using System.Text;
using TrustedPublishDashboard.Onboarding.Import;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class RepositoryArchiveTests
{
    public static TheoryData<ArchiveFormat> Formats => new() { ArchiveFormat.Zip, ArchiveFormat.TarGz };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadAsync_Manifests_KeepsOnlyManifestsOutsideNodeModulesAndEveryFolder(ArchiveFormat format)
    {
        var snapshot = await new TestArchive()
            .File("package.json", "{}")
            .File("README.md", "# hi")
            .File("pnpm-workspace.yaml", "packages: []")
            .File("pnpm-workspace.yml", "packages: []")
            .File("lerna.json", "{}")
            .Directory("docs")
            .File("packages/a/package.json", "{\"name\":\"a\"}")
            .File("packages/a/src/index.js", "")
            .File("packages/a/Package.json", "{}")
            .File("node_modules/left-pad/package.json", "{}")
            .File("packages/a/node_modules/b/package.json", "{}")
            .ReadAsync(format);

        Assert.Equal(["lerna.json", "package.json", "packages/a/package.json", "pnpm-workspace.yaml", "pnpm-workspace.yml"], snapshot.Files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("{\"name\":\"a\"}", Encoding.UTF8.GetString(snapshot.Files["packages/a/package.json"]));
        Assert.Equal(
            ["docs", "node_modules", "node_modules/left-pad", "packages", "packages/a", "packages/a/node_modules", "packages/a/node_modules/b", "packages/a/src"],
            snapshot.Directories.Order(StringComparer.Ordinal));
        Assert.Equal(11, snapshot.EntryCount);
        Assert.Empty(snapshot.Warnings);
        Assert.Empty(snapshot.Problems);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadAsync_GitHubStyleTopFolder_IsStripped(ArchiveFormat format)
    {
        var archive = new TestArchive()
            .Directory("repo-0123abc/")
            .File("repo-0123abc/package.json", "{}")
            .File("repo-0123abc/packages/a/package.json", "{}");
        if (format == ArchiveFormat.TarGz) archive.WithGitCommitHeader();

        var snapshot = await archive.ReadAsync(format);

        Assert.Equal(["package.json", "packages/a/package.json"], snapshot.Files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["packages", "packages/a"], snapshot.Directories.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadAsync_FileNextToTheOnlyFolder_KeepsPathsAsTheyAre(ArchiveFormat format)
    {
        var snapshot = await new TestArchive()
            .File("LICENSE", "")
            .File("app/package.json", "{}")
            .ReadAsync(format);

        Assert.Equal(["app/package.json"], snapshot.Files.Keys);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadAsync_DotSlashAndDoubleSlashNames_AreNormalized(ArchiveFormat format)
    {
        var snapshot = await new TestArchive()
            .File("./package.json", "{}")
            .File("./packages//a/./package.json", "{}")
            .ReadAsync(format);

        Assert.Equal(["package.json", "packages/a/package.json"], snapshot.Files.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(ArchiveFormat.Zip, "../evil/package.json", "has a '..' segment")]
    [InlineData(ArchiveFormat.TarGz, "../evil/package.json", "has a '..' segment")]
    [InlineData(ArchiveFormat.Zip, "/etc/x", "is an absolute path")]
    [InlineData(ArchiveFormat.TarGz, "/etc/x", "is an absolute path")]
    [InlineData(ArchiveFormat.Zip, "a/../../b", "has a '..' segment")]
    [InlineData(ArchiveFormat.TarGz, "a/../../b", "has a '..' segment")]
    [InlineData(ArchiveFormat.Zip, "a/../b", "has a '..' segment")]
    [InlineData(ArchiveFormat.Zip, "..\\evil\\package.json", "has a '..' segment")]
    [InlineData(ArchiveFormat.TarGz, "a\\..\\..\\b", "has a '..' segment")]
    [InlineData(ArchiveFormat.Zip, "\\\\server\\share\\x", "is an absolute path")]
    [InlineData(ArchiveFormat.Zip, "C:/Windows/package.json", "starts with a drive letter")]
    [InlineData(ArchiveFormat.TarGz, "c:evil", "starts with a drive letter")]
    [InlineData(ArchiveFormat.Zip, "a\0b/package.json", "contains a NUL character")]
    public async Task ReadAsync_UnsafeEntryPath_RejectsTheArchiveNamingTheEntry(ArchiveFormat format, string name, string reason)
    {
        var archive = new TestArchive().File("repo/package.json", "{}").File(name, "{}");

        var rejected = await Assert.ThrowsAsync<ArchiveRejectedException>(() => archive.ReadAsync(format));

        Assert.Equal(ArchiveRejectedException.UnsafePath, rejected.Code);
        Assert.Contains($"'{name.Replace("\0", "\\u0000")}' {reason}", rejected.Message);
    }

    [Theory]
    [InlineData(ArchiveFormat.Zip, 1025, 1, "is too long")]
    [InlineData(ArchiveFormat.TarGz, 1025, 1, "is too long")]
    [InlineData(ArchiveFormat.Zip, 1, 65, "is nested too deeply")]
    [InlineData(ArchiveFormat.TarGz, 1, 65, "is nested too deeply")]
    public async Task ReadAsync_PathOverLengthOrDepthLimit_Rejected(ArchiveFormat format, int segmentLength, int segments, string reason)
    {
        var name = string.Join('/', Enumerable.Repeat(new string('a', segmentLength), segments));

        var rejected = await Assert.ThrowsAsync<ArchiveRejectedException>(() => new TestArchive().File(name, "").ReadAsync(format));

        Assert.Equal(ArchiveRejectedException.UnsafePath, rejected.Code);
        Assert.EndsWith($"{reason}; nothing from this archive was used", rejected.Message);
    }

    [Fact]
    public async Task ReadAsync_PathAtLengthAndDepthLimits_Accepted()
    {
        var deep = string.Join('/', Enumerable.Repeat("d", 63)) + "/package.json";
        var longName = new string('l', 1024 - "/package.json".Length) + "/package.json";

        var snapshot = await new TestArchive().File(deep, "{}").File(longName, "{}").ReadAsync(ArchiveFormat.TarGz);

        Assert.Equal(2, snapshot.Files.Count);
    }

    [Fact]
    public async Task ReadAsync_ZipSymbolicLink_SkippedWithWarningAndNeverReadAsManifest()
    {
        var snapshot = await new TestArchive()
            .File("package.json", "{}")
            .SymbolicLink("packages/a/package.json", "../../../../etc/passwd")
            .SymbolicLink("packages/b", "/etc")
            .ReadAsync(ArchiveFormat.Zip);

        Assert.Equal(["package.json"], snapshot.Files.Keys);
        Assert.Equal(
            ["'packages/a/package.json' is a symbolic link; skipped (links are never followed)", "'packages/b' is a symbolic link; skipped (links are never followed)"],
            snapshot.Warnings);
        Assert.DoesNotContain("packages/b", snapshot.Directories);
        Assert.Empty(snapshot.Problems);
    }

    [Fact]
    public async Task ReadAsync_TarSymbolicAndHardLinks_SkippedWithWarnings()
    {
        var snapshot = await new TestArchive()
            .File("package.json", "{}")
            .SymbolicLink("packages/a/package.json", "/etc/passwd")
            .HardLink("packages/b/package.json", "package.json")
            .SymbolicLink("packages/c", "../..")
            .ReadAsync(ArchiveFormat.TarGz);

        Assert.Equal(["package.json"], snapshot.Files.Keys);
        Assert.Equal(
            [
                "'packages/a/package.json' is a symbolic link; skipped (links are never followed)",
                "'packages/b/package.json' is a hard link; skipped (links are never followed)",
                "'packages/c' is a symbolic link; skipped (links are never followed)",
            ],
            snapshot.Warnings);
    }

    [Fact]
    public async Task ReadAsync_ForwardOnlyStreamOverLimit_RejectedWithoutReadingFurther()
    {
        var input = new ForwardOnlyStream(new TestArchive().File("big.bin", RandomBytes(300_000)).ToZip());
        var limits = new ArchiveLimits(MaxArchiveBytes: 100_000);

        var rejected = await Assert.ThrowsAsync<ArchiveRejectedException>(() => RepositoryArchive.ReadAsync(input, limits, CancellationToken.None));

        Assert.Equal(ArchiveRejectedException.TooLarge, rejected.Code);
        Assert.Equal("the archive is larger than 100000 bytes", rejected.Message);
        Assert.Equal(100_001, input.BytesRead);
    }

    [Fact]
    public async Task ReadAsync_SeekableStreamOverDefaultLimit_RejectedBeforeReading()
    {
        var input = new LengthOnlyStream(51 * ArchiveLimits.MiB);

        var rejected = await Assert.ThrowsAsync<ArchiveRejectedException>(() => RepositoryArchive.ReadAsync(input, ArchiveLimits.Default, CancellationToken.None));

        Assert.Equal("the archive is larger than 50 MiB", rejected.Message);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadAsync_MoreEntriesThanLimit_Rejected(ArchiveFormat format)
    {
        var archive = new TestArchive();
        for (var i = 0; i < 11; i++) archive.File($"f{i}.txt", "");

        var rejected = await Assert.ThrowsAsync<ArchiveRejectedException>(() => archive.ReadAsync(format, new ArchiveLimits(MaxEntries: 10)));

        Assert.Equal(ArchiveRejectedException.TooManyEntries, rejected.Code);
        Assert.Equal("the archive has more than 10 entries", rejected.Message);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadAsync_EntriesAtLimit_Accepted(ArchiveFormat format)
    {
        var archive = new TestArchive();
        for (var i = 0; i < 10; i++) archive.File($"f{i}.txt", "");

        var snapshot = await archive.ReadAsync(format, new ArchiveLimits(MaxEntries: 10));

        Assert.Equal(10, snapshot.EntryCount);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadAsync_ManifestOverLimit_NotKeptAndRecordedAsProblem(ArchiveFormat format)
    {
        var snapshot = await new TestArchive()
            .File("package.json", "{}")
            .File("packages/big/package.json", new string(' ', 2000))
            .File("packages/small/package.json", "{}")
            .ReadAsync(format, new ArchiveLimits(MaxManifestBytes: 1024));

        Assert.Equal(["package.json", "packages/small/package.json"], snapshot.Files.Keys.Order(StringComparer.Ordinal));
        var problem = Assert.Single(snapshot.Problems);
        Assert.Equal("packages/big/package.json", problem.Key);
        Assert.Equal("packages/big/package.json is larger than 1 KiB (2,000 bytes); it was not read", problem.Value);
    }

    [Fact]
    public async Task ReadAsync_GzipBomb_RejectedOnceTheUncompressedBudgetIsSpent()
    {
        var bomb = new TestArchive().File("package.json", "{}").File("zeros.bin", new byte[8 * 1024 * 1024]).ToTarGz();
        Assert.True(bomb.Length < 64 * 1024, $"the fixture should compress like a bomb ({bomb.Length} bytes)");
        var input = new ForwardOnlyStream(bomb);

        var rejected = await Assert.ThrowsAsync<ArchiveRejectedException>(
            () => RepositoryArchive.ReadAsync(input, new ArchiveLimits(MaxTotalUncompressedBytes: ArchiveLimits.MiB), CancellationToken.None));

        Assert.Equal(ArchiveRejectedException.TooMuchData, rejected.Code);
        Assert.Equal("the archive expands to more than 1 MiB", rejected.Message);
    }

    [Fact]
    public async Task ReadAsync_ZipManifestsOverUncompressedBudget_Rejected()
    {
        var archive = new TestArchive();
        for (var i = 0; i < 5; i++) archive.File($"p{i}/package.json", new string(' ', 300 * 1024));

        var rejected = await Assert.ThrowsAsync<ArchiveRejectedException>(
            () => archive.ReadAsync(ArchiveFormat.Zip, new ArchiveLimits(MaxTotalUncompressedBytes: ArchiveLimits.MiB)));

        Assert.Equal(ArchiveRejectedException.TooMuchData, rejected.Code);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { (byte)'P', (byte)'K' })]
    [InlineData(new byte[] { (byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', (byte)'1' })]
    [InlineData(new byte[] { (byte)'u', (byte)'s', (byte)'t', (byte)'a', (byte)'r', 0, 0, 0 })]
    public async Task ReadAsync_NotAZipOrGzip_RejectedByMagicBytes(byte[] content)
    {
        var rejected = await Assert.ThrowsAsync<ArchiveRejectedException>(
            () => RepositoryArchive.ReadAsync(new MemoryStream(content), ArchiveLimits.Default, CancellationToken.None));

        Assert.Equal(ArchiveRejectedException.NotAnArchive, rejected.Code);
        Assert.Equal("the upload is not a .zip or .tar.gz archive", rejected.Message);
    }

    [Fact]
    public async Task ReadAsync_TextUploadOnForwardOnlyStream_RejectedAfterTheFirstBytes()
    {
        var input = new ForwardOnlyStream(Encoding.ASCII.GetBytes(new string('x', 1_000_000)));

        await Assert.ThrowsAsync<ArchiveRejectedException>(() => RepositoryArchive.ReadAsync(input, ArchiveLimits.Default, CancellationToken.None));

        Assert.True(input.BytesRead <= 81_920, $"read {input.BytesRead} bytes");
    }

    [Fact]
    public async Task ReadAsync_GzipOfSomethingOtherThanTar_RejectedAsDamaged()
    {
        using var gzipped = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(gzipped, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.ASCII.GetBytes(new string('x', 1024)));
        }

        var rejected = await Assert.ThrowsAsync<ArchiveRejectedException>(
            () => RepositoryArchive.ReadAsync(new MemoryStream(gzipped.ToArray()), ArchiveLimits.Default, CancellationToken.None));

        Assert.Equal(ArchiveRejectedException.Damaged, rejected.Code);
        Assert.StartsWith("the archive is damaged or not a .zip or .tar.gz archive: ", rejected.Message);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadAsync_TruncatedArchive_RejectedAsDamaged(ArchiveFormat format)
    {
        var whole = new TestArchive().File("package.json", "{}").File("data.bin", RandomBytes(20_000)).Build(format);

        var rejected = await Assert.ThrowsAsync<ArchiveRejectedException>(
            () => RepositoryArchive.ReadAsync(new MemoryStream(whole[..(whole.Length / 2)]), ArchiveLimits.Default, CancellationToken.None));

        Assert.Equal(ArchiveRejectedException.Damaged, rejected.Code);
    }

    [Fact]
    public async Task ReadAsync_EmptyZip_EmptySnapshot()
    {
        var snapshot = await new TestArchive().ReadAsync(ArchiveFormat.Zip);

        Assert.Empty(snapshot.Files);
        Assert.Empty(snapshot.Directories);
        Assert.Equal(0, snapshot.EntryCount);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadAsync_ForwardOnlyInput_ReadsLikeASeekableOne(ArchiveFormat format)
    {
        var bytes = new TestArchive().File("package.json", "{\"name\":\"x\"}").File("src/index.js", "").Build(format);

        var snapshot = await RepositoryArchive.ReadAsync(new ForwardOnlyStream(bytes), ArchiveLimits.Default, CancellationToken.None);

        Assert.Equal("{\"name\":\"x\"}", Encoding.UTF8.GetString(Assert.Single(snapshot.Files).Value));
        Assert.Equal(["src"], snapshot.Directories);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ReadAsync_SameManifestTwice_LastCopyWinsWithWarning(ArchiveFormat format)
    {
        var snapshot = await new TestArchive().File("package.json", "{\"v\":1}").File("package.json", "{\"v\":2}").ReadAsync(format);

        Assert.Equal("{\"v\":2}", Encoding.UTF8.GetString(snapshot.Files["package.json"]));
        Assert.Equal(["'package.json' appears more than once in the archive; the last copy was used"], snapshot.Warnings);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_Throws()
    {
        var bytes = new TestArchive().File("package.json", "{}").ToZip();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => RepositoryArchive.ReadAsync(new MemoryStream(bytes), ArchiveLimits.Default, new CancellationToken(canceled: true)));
    }

    [Theory]
    [InlineData(50 * 1024 * 1024, "50 MiB")]
    [InlineData(2048, "2 KiB")]
    [InlineData(1000, "1000 bytes")]
    public void Describe_Limit_ReadsAsAMaintainerWouldWriteIt(long bytes, string expected) =>
        Assert.Equal(expected, ArchiveLimits.Describe(bytes));

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Claims a length and refuses to be read: the limit must be decided from the length alone.</summary>
    private sealed class LengthOnlyStream(long length) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new InvalidOperationException("read although the length was too large");
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

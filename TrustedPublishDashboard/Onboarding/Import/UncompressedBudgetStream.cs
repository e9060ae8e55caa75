namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// A read-only pass-through that charges every byte read to the archive's uncompressed budget and honours
/// cancellation between reads, so decompression stops as soon as a bomb crosses the limit.
/// </summary>
internal sealed class UncompressedBudgetStream(Stream inner, ArchiveSnapshotBuilder builder, CancellationToken ct) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ct.ThrowIfCancellationRequested();
        var read = inner.Read(buffer);
        builder.CountUncompressed(read);
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}

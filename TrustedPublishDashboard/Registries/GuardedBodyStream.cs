using System.Diagnostics;

namespace TrustedPublishDashboard.Registries;

/// <summary>
/// How long one registry response body may take. Both limits exist because either alone can be defeated: a total
/// timeout alone lets a server that trickles a byte every few seconds hold a fetch for the whole timeout (an attestation
/// document once took 420 s), and a minimum rate alone never stops a body that keeps going just above it.
/// </summary>
/// <param name="Total">Wall-clock time from the response headers to the end of the body, whatever the reader does meanwhile.</param>
/// <param name="MinBytesPerSecond">
/// The least rate at which bytes must arrive, averaged over each <paramref name="RateWindow"/> of time spent waiting in a
/// read (time the reader spends parsing between reads does not count, as with Kestrel's MinRequestBodyDataRate); 0 turns
/// the check off. The first window is the grace period: nothing is judged before one whole window has been waited.
/// Measured on the bytes the reader receives (after decompression); the end of the body is never judged.
/// </param>
/// <param name="RateWindow">The window the rate is averaged over.</param>
public sealed record BodyLimits(TimeSpan Total, int MinBytesPerSecond, TimeSpan RateWindow)
{
    /// <summary>Bytes that must arrive within one window of waiting.</summary>
    public long MinBytesPerWindow => MinBytesPerSecond <= 0 ? 0 : (long)Math.Ceiling(MinBytesPerSecond * RateWindow.TotalSeconds);
}

public enum BodyLimitKind { TimedOut, TooSlow }

/// <summary>
/// A registry body broke one of its <see cref="BodyLimits"/>. An <see cref="IOException"/> (the body could not be read),
/// never an <see cref="OperationCanceledException"/>: that one stays reserved for the caller's own cancellation.
/// </summary>
public sealed class BodyLimitException(string message, BodyLimitKind kind) : IOException(message)
{
    public BodyLimitKind Kind { get; } = kind;
}

/// <summary>
/// The only way registry clients read a response body: a read-only stream over it whose reads end with a
/// <see cref="BodyLimitException"/> naming the document when the body takes longer than <see cref="BodyLimits.Total"/>
/// or arrives slower than <see cref="BodyLimits.MinBytesPerSecond"/>. Counts the bytes read. Reads are asynchronous
/// only, because a synchronous read cannot be interrupted.
/// </summary>
public sealed class GuardedBodyStream : Stream
{
    private readonly Stream _inner;
    private readonly string _what;
    private readonly BodyLimits _limits;
    private readonly CancellationTokenSource _total;
    private TimeSpan _windowWaited;
    private long _windowBytes;

    /// <param name="what">The document, as the start of a sentence: "the attestations document for left-pad@1.0.0".</param>
    public GuardedBodyStream(Stream inner, string what, BodyLimits limits)
    {
        _inner = inner;
        _what = what;
        _limits = limits;
        _total = new CancellationTokenSource(limits.Total);
    }

    /// <summary>Opens <paramref name="content"/> as a guarded stream; the total time starts now.</summary>
    public static async Task<GuardedBodyStream> OpenAsync(HttpContent content, string what, BodyLimits limits, CancellationToken ct) =>
        new(await content.ReadAsStreamAsync(ct), what, limits);

    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Registry bodies are read asynchronously, so that a slow read can be cancelled.");

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_total.IsCancellationRequested) throw TimedOut();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _total.Token);
        if (RateDeadline() is { } deadline) limit.CancelAfter(deadline);
        var started = Stopwatch.GetTimestamp();
        int read;
        try
        {
            read = await _inner.ReadAsync(buffer, limit.Token);
        }
        catch (Exception ex) when ((ex is OperationCanceledException or IOException) && !cancellationToken.IsCancellationRequested && limit.IsCancellationRequested)
        {
            throw _total.IsCancellationRequested ? TimedOut() : TooSlow();
        }
        catch (Exception ex) when ((ex is OperationCanceledException or IOException) && cancellationToken.IsCancellationRequested)
        {
            // The caller asked for it, so it is the caller's cancellation, with the caller's token — even when the inner
            // stream saw only the linked token, or reported the aborted read as IO.
            throw new OperationCanceledException(ex.Message, ex, cancellationToken);
        }
        BytesRead += read;
        if (read == 0) return 0;
        _windowWaited += Stopwatch.GetElapsedTime(started);
        _windowBytes += read;
        if (_limits.MinBytesPerSecond > 0 && _windowWaited >= _limits.RateWindow)
        {
            // Judged when a read completes too, as the timer and the read can race at the window's end.
            if (_windowBytes < _limits.MinBytesPerWindow) throw TooSlow();
            _windowWaited = TimeSpan.Zero;
            _windowBytes = 0;
        }
        return read;
    }

    /// <summary>
    /// Reads the rest of the body into memory; null when it is larger than <paramref name="maxBytes"/> (reading stops
    /// there, so an endless body costs at most that much).
    /// </summary>
    public async Task<byte[]?> ReadToEndAsync(int maxBytes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes) return null;
        }
        return buffer.ToArray();
    }

    /// <summary>How long the next read may wait before the rate is broken; null when the rate is not checked.</summary>
    private TimeSpan? RateDeadline()
    {
        if (_limits.MinBytesPerSecond <= 0) return null;
        var rest = _limits.RateWindow - _windowWaited;
        if (rest < TimeSpan.Zero) rest = TimeSpan.Zero;
        // A window that already has its bytes passes; then the next one must fill before it ends.
        return _windowBytes >= _limits.MinBytesPerWindow ? rest + _limits.RateWindow : rest;
    }

    private BodyLimitException TimedOut() => new(
        $"{_what} did not finish within {Seconds(_limits.Total)} (Registries:Http:BodyTimeout); {BytesRead:N0} bytes had arrived",
        BodyLimitKind.TimedOut);

    private BodyLimitException TooSlow()
    {
        var bytes = _windowBytes >= _limits.MinBytesPerWindow ? 0 : _windowBytes;
        return new(
            $"{_what} arrived slower than {_limits.MinBytesPerSecond:N0} bytes/s (Registries:Http:MinBytesPerSecond): " +
            $"{bytes:N0} bytes in {Seconds(_limits.RateWindow)}, {BytesRead:N0} bytes in all",
            BodyLimitKind.TooSlow);
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds >= 1 ? $"{t.TotalSeconds:0.#} s" : $"{t.TotalMilliseconds:0} ms";

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _total.Dispose();
        }
        base.Dispose(disposing);
    }
}

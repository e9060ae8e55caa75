using System.Diagnostics;
using TrustedPublishDashboard.Registries;

namespace TrustedPublishDashboard.Tests.Registries;

public sealed class GuardedBodyStreamTests
{
    private const string What = "the test document";

    /// <summary>A body whose every read waits <paramref name="interval"/> (cancellably) and then yields a few bytes, up to <paramref name="length"/>.</summary>
    private sealed class SlowStream(TimeSpan interval, int bytesPerRead, long length = long.MaxValue) : Stream
    {
        private long _sent;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _sent; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sent >= length) return 0;
            if (interval > TimeSpan.Zero) await Task.Delay(interval, cancellationToken);
            var n = (int)Math.Min(Math.Min(bytesPerRead, buffer.Length), length - _sent);
            buffer.Span[..n].Fill((byte)'x');
            _sent += n;
            return n;
        }
    }

    private static async Task<long> Drain(Stream stream, CancellationToken ct = default, TimeSpan pauseBetweenReads = default)
    {
        var buffer = new byte[4096];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (pauseBetweenReads > TimeSpan.Zero) await Task.Delay(pauseBetweenReads, CancellationToken.None);
        }
        return total;
    }

    [Fact]
    public async Task ReadAsync_BodyWithinTheLimits_ReadsItAllAndCountsIt()
    {
        await using var body = new GuardedBodyStream(new SlowStream(TimeSpan.FromMilliseconds(1), 1000, 20_000), What,
            new BodyLimits(TimeSpan.FromSeconds(10), 1024, TimeSpan.FromMilliseconds(300)));

        Assert.Equal(20_000, await Drain(body));
        Assert.Equal(20_000, body.BytesRead);
    }

    [Fact]
    public async Task ReadAsync_TrickleBelowTheMinimumRate_ThrowsTooSlowAfterAboutOneWindow()
    {
        await using var body = new GuardedBodyStream(new SlowStream(TimeSpan.FromMilliseconds(100), 1), What,
            new BodyLimits(TimeSpan.FromSeconds(30), 1000, TimeSpan.FromMilliseconds(500)));
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<BodyLimitException>(() => Drain(body));

        Assert.Equal(BodyLimitKind.TooSlow, ex.Kind);
        Assert.StartsWith("the test document arrived slower than", ex.Message);
        Assert.Contains("Registries:Http:MinBytesPerSecond", ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(450), $"judged before one window had passed: {clock.Elapsed}");
    }

    [Fact]
    public async Task ReadAsync_NothingArrivesAtAll_ThrowsTooSlowWithoutWaitingForTheTotal()
    {
        await using var body = new GuardedBodyStream(new SlowStream(TimeSpan.FromHours(1), 1), What,
            new BodyLimits(TimeSpan.FromMinutes(5), 1, TimeSpan.FromMilliseconds(300)));
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<BodyLimitException>(() => Drain(body));

        Assert.Equal(BodyLimitKind.TooSlow, ex.Kind);
        Assert.Contains("0 bytes in 300 ms", ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ReadAsync_FastEnoughButLongerThanTheTotal_ThrowsTimedOut()
    {
        // 100 bytes every 20 ms is ~5 KB/s, well above 100 B/s, and never ends.
        await using var body = new GuardedBodyStream(new SlowStream(TimeSpan.FromMilliseconds(20), 100), What,
            new BodyLimits(TimeSpan.FromMilliseconds(800), 100, TimeSpan.FromMilliseconds(200)));
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<BodyLimitException>(() => Drain(body));

        Assert.Equal(BodyLimitKind.TimedOut, ex.Kind);
        Assert.StartsWith("the test document did not finish within 800 ms (Registries:Http:BodyTimeout)", ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ReadAsync_MinimumRateOff_OnlyTheTotalApplies()
    {
        await using var body = new GuardedBodyStream(new SlowStream(TimeSpan.FromMilliseconds(100), 1), What,
            new BodyLimits(TimeSpan.FromMilliseconds(700), 0, TimeSpan.FromMilliseconds(100)));

        var ex = await Assert.ThrowsAsync<BodyLimitException>(() => Drain(body));

        Assert.Equal(BodyLimitKind.TimedOut, ex.Kind);
    }

    [Fact]
    public async Task ReadAsync_ReaderPausesBetweenReads_PausesDoNotCountAgainstTheRate()
    {
        // Bytes are always ready; the reader (a parser busy with what it read) is what takes time.
        await using var body = new GuardedBodyStream(new SlowStream(TimeSpan.Zero, 10, 50), What,
            new BodyLimits(TimeSpan.FromSeconds(30), 1000, TimeSpan.FromMilliseconds(100)));

        Assert.Equal(50, await Drain(body, pauseBetweenReads: TimeSpan.FromMilliseconds(250)));
    }

    [Fact]
    public async Task ReadAsync_CallerCancels_ThrowsOperationCanceled_NotABodyLimit()
    {
        await using var body = new GuardedBodyStream(new SlowStream(TimeSpan.FromHours(1), 1), What,
            new BodyLimits(TimeSpan.FromMinutes(5), 1, TimeSpan.FromMinutes(1)));
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Drain(body, caller.Token));

        Assert.Equal(caller.Token, ex.CancellationToken);
    }

    [Fact]
    public async Task ReadAsync_CallerCancelledAfterTheTotalRanOut_ThrowsOperationCanceled()
    {
        await using var body = new GuardedBodyStream(new SlowStream(TimeSpan.Zero, 1), What,
            new BodyLimits(TimeSpan.FromMilliseconds(100), 0, TimeSpan.FromSeconds(1)));
        await Task.Delay(300);
        using var caller = new CancellationTokenSource();
        caller.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => body.ReadAsync(new byte[16], caller.Token).AsTask());
        Assert.Equal(BodyLimitKind.TimedOut, (await Assert.ThrowsAsync<BodyLimitException>(() => body.ReadAsync(new byte[16]).AsTask())).Kind);
    }

    [Fact]
    public async Task ReadToEndAsync_LargerThanTheMaximum_ReturnsNullAfterReadingJustPastIt()
    {
        await using var body = new GuardedBodyStream(new SlowStream(TimeSpan.Zero, 1000), What,
            new BodyLimits(TimeSpan.FromSeconds(10), 1024, TimeSpan.FromSeconds(1)));

        Assert.Null(await body.ReadToEndAsync(5_000, default));
        Assert.True(body.BytesRead is > 5_000 and <= 6_000, $"read {body.BytesRead}");
    }

    [Fact]
    public void Read_Synchronous_IsNotSupported()
    {
        using var body = new GuardedBodyStream(new MemoryStream([1, 2, 3]), What, new BodyLimits(TimeSpan.FromSeconds(1), 0, TimeSpan.FromSeconds(1)));

        Assert.Throws<NotSupportedException>(() => body.Read(new byte[3], 0, 3));
    }
}

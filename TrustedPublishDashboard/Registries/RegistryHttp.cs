using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace TrustedPublishDashboard.Registries;

/// <summary>Retry and timeout settings for registry requests (section Registries:Http).</summary>
public sealed record RegistryHttpOptions
{
    public int MaxRetries { get; init; } = 4;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Longest Retry-After the client waits for; a longer one ends the retries for that request.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Time to the response headers, per attempt.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Time to read one whole response body.</summary>
    public TimeSpan BodyTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Requests in flight at once to the registries, whatever the package concurrency (rate limits are undocumented).</summary>
    public int MaxConcurrentRequests { get; init; } = 16;

    public static RegistryHttpOptions From(IConfiguration configuration)
    {
        var options = new RegistryHttpOptions();
        configuration.GetSection("Registries:Http").Bind(options);
        if (options.MaxRetries is < 0 or > 20) throw new Data.StartupConfigurationException("Registries:Http:MaxRetries must be between 0 and 20.");
        if (options.MaxConcurrentRequests is < 1 or > 256) throw new Data.StartupConfigurationException("Registries:Http:MaxConcurrentRequests must be between 1 and 256.");
        return options;
    }
}

/// <summary>
/// Sends registry requests with retries (429, 408, 5xx, network errors and timeouts; exponential backoff with jitter;
/// Retry-After honoured) and a per-attempt timeout. Counts requests for the poll's statistics.
/// </summary>
public sealed class RegistryHttp
{
    private static readonly ResiliencePropertyKey<FetchStats> StatsKey = new("tpd.stats");
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly SemaphoreSlim _inFlight;

    public RegistryHttp(HttpClient http, RegistryHttpOptions options)
    {
        _http = http;
        Options = options;
        _inFlight = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                Delay = options.BaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    { Result: { } r } when IsTransient(r.StatusCode) => RetryAfter(r) is not { } wait || wait <= options.MaxRetryAfter,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } r ? RetryAfter(r) : null),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    public RegistryHttpOptions Options { get; }

    public static bool IsTransient(HttpStatusCode code) =>
        code is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)code >= 500;

    /// <summary>Retry-After as a delay (seconds or an HTTP date), or null when absent.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    /// <summary>Sends a GET built by <paramref name="request"/> (a new message per attempt); the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, FetchStats stats, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(StatsKey, stats);
        try
        {
            return await _pipeline.ExecuteAsync(static async (ctx, state) =>
            {
                ctx.Properties.GetValue(StatsKey, new FetchStats()).AddRequest();
                using var message = state.request();
                // The slot covers the wait for headers; bodies are read after it is released (they stream, bounded by the caller).
                await state.gate.WaitAsync(ctx.CancellationToken);
                try
                {
                    return await state.http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, ctx.CancellationToken);
                }
                finally
                {
                    state.gate.Release();
                }
            }, context, (request, http: _http, gate: _inFlight));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}

/// <summary>Counts the bytes read through it.</summary>
public sealed class CountingStream(Stream inner) : Stream
{
    public long BytesRead { get; private set; }
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => Count(await inner.ReadAsync(buffer, cancellationToken));
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        BytesRead += read;
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}

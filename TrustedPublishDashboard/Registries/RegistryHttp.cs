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
    /// <summary>Time to read one whole response body, from its headers to its last byte.</summary>
    public TimeSpan BodyTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>
    /// Least rate a response body must arrive at, averaged over each <see cref="MinRateWindow"/> of waiting (the first
    /// window is the grace period); 0 turns it off. 1 KiB/s is far below any working connection, so a large download on a
    /// slow link passes, while a server that trickles a byte every second is stopped after one window instead of
    /// holding the fetch for the whole <see cref="BodyTimeout"/>. See <see cref="BodyLimits"/>.
    /// </summary>
    public int MinBytesPerSecond { get; init; } = 1024;
    /// <summary>The window <see cref="MinBytesPerSecond"/> is averaged over, and the grace period before it is first judged.</summary>
    public TimeSpan MinRateWindow { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Requests in flight at once to the registries, whatever the package concurrency (rate limits are undocumented).</summary>
    public int MaxConcurrentRequests { get; init; } = 16;

    public static RegistryHttpOptions From(IConfiguration configuration)
    {
        var options = new RegistryHttpOptions();
        configuration.GetSection("Registries:Http").Bind(options);
        if (options.MaxRetries is < 0 or > 20) throw new Data.StartupConfigurationException("Registries:Http:MaxRetries must be between 0 and 20.");
        if (options.MaxConcurrentRequests is < 1 or > 256) throw new Data.StartupConfigurationException("Registries:Http:MaxConcurrentRequests must be between 1 and 256.");
        // CancellationTokenSource takes at most int.MaxValue milliseconds; a day is already far beyond any real body.
        if (options.BodyTimeout <= TimeSpan.Zero || options.BodyTimeout > TimeSpan.FromDays(1))
            throw new Data.StartupConfigurationException("Registries:Http:BodyTimeout must be more than 0 and at most 1.00:00:00.");
        if (options.MinBytesPerSecond < 0) throw new Data.StartupConfigurationException("Registries:Http:MinBytesPerSecond must be 0 (off) or more.");
        if (options.MinRateWindow <= TimeSpan.Zero || options.MinRateWindow > TimeSpan.FromHours(1))
            throw new Data.StartupConfigurationException("Registries:Http:MinRateWindow must be more than 0 and at most 01:00:00.");
        return options;
    }

    public BodyLimits BodyLimits => new(BodyTimeout, MinBytesPerSecond, MinRateWindow);
}

/// <summary>
/// Sends registry requests with retries (429, 408, 5xx, network errors and timeouts; exponential backoff with jitter;
/// Retry-After honoured) and a per-attempt timeout; follows redirects only within the origin of the URL asked for; opens
/// bodies through <see cref="GuardedBodyStream"/>. Counts requests for the poll's statistics.
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

    /// <summary>Redirect hops followed for one request; more is treated as a loop.</summary>
    public const int MaxRedirects = 5;

    /// <summary>
    /// Sends a GET built by <paramref name="request"/> (a new message per attempt and per redirect hop, so every hop
    /// carries the same headers); the caller disposes the response. A redirect (301, 302, 303, 307, 308) is followed only
    /// when it stays on the origin (scheme, host and port) of the URL asked for: the registry was configured, where it
    /// points to was not — evidence read from another host would be evidence about the wrong thing. Leaving the origin,
    /// or more than <see cref="MaxRedirects"/> hops, throws a <see cref="RegistryRedirectException"/> naming the target.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, FetchStats stats, CancellationToken ct)
    {
        Uri asked;
        using (var first = request()) asked = first.RequestUri ?? throw new ArgumentException("The request has no URL.", nameof(request));
        var current = asked;
        for (var hop = 0; ; hop++)
        {
            var target = current;
            var response = await SendOnceAsync(hop == 0 ? request : () => Retarget(request(), target), stats, ct);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location) return response;
            response.Dispose();
            var next = location.IsAbsoluteUri ? location : new Uri(current, location);
            if (!SameOrigin(next, asked))
                throw new RegistryRedirectException(
                    $"{current} answered {(int)response.StatusCode} redirecting to {next} — redirects off the registry's origin are not followed", next);
            if (hop == MaxRedirects)
                throw new RegistryRedirectException(
                    $"{asked} was redirected more than {MaxRedirects} times (last to {next}) — a redirect loop is not followed", next);
            current = next;
        }
    }

    /// <summary>Opens a response body bounded by <see cref="RegistryHttpOptions.BodyLimits"/>; <paramref name="what"/> names it in errors.</summary>
    public Task<GuardedBodyStream> OpenBodyAsync(HttpResponseMessage response, string what, CancellationToken ct) =>
        GuardedBodyStream.OpenAsync(response.Content, what, Options.BodyLimits, ct);

    public static bool IsRedirect(HttpStatusCode code) => code is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    public static bool SameOrigin(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private static HttpRequestMessage Retarget(HttpRequestMessage message, Uri target)
    {
        message.RequestUri = target;
        return message;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> request, FetchStats stats, CancellationToken ct)
    {
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(StatsKey, stats);
        try
        {
            return await _pipeline.ExecuteAsync(static async (ctx, state) =>
            {
                ctx.Properties.GetValue(StatsKey, new FetchStats()).AddRequest();
                using var message = state.request();
                // The slot covers the wait for headers; bodies are read after it is released (they stream, bounded by GuardedBodyStream).
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

/// <summary>
/// A registry answered with a redirect the client does not follow (off the origin, or a loop). An
/// <see cref="HttpRequestException"/> so a caller that only knows network errors still fails the fetch cleanly.
/// </summary>
public sealed class RegistryRedirectException(string message, Uri target) : HttpRequestException(message)
{
    public Uri Target { get; } = target;
}

using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TrustedPublishDashboard.Tests.Infrastructure;

/// <summary>One canned response. A route can hold a sequence of them (e.g. 429, then 200).</summary>
/// <param name="Delay">Wait before the headers.</param>
/// <param name="Location">A Location header (for redirects).</param>
/// <param name="Trickle">Send the body slowly, a few bytes at a time, instead of at once.</param>
public sealed record ReplayResponse(int Status, byte[] Body, string? ETag = null, string? RetryAfter = null, string ContentType = "application/json",
    TimeSpan Delay = default, string? Location = null, ReplayTrickle? Trickle = null)
{
    public static ReplayResponse Json(string json, string? etag = null) => new(200, Encoding.UTF8.GetBytes(json), etag);

    public static ReplayResponse WithStatus(int status, string? retryAfter = null) =>
        new(status, Encoding.UTF8.GetBytes($"{{\"error\":\"status {status}\"}}"), RetryAfter: retryAfter);

    /// <summary>A redirect to <paramref name="location"/> (absolute, or relative to the request).</summary>
    public static ReplayResponse Redirect(int status, string location) => new(status, [], Location: location);

    /// <summary>This response with its body sent <paramref name="bytes"/> at a time, every <paramref name="interval"/>.</summary>
    public ReplayResponse Trickled(TimeSpan interval, int bytes = 1) => this with { Trickle = new ReplayTrickle(interval, bytes) };
}

/// <summary>
/// A body sent slowly. The server gives up (aborts the connection) after <see cref="ReplayRegistry.MaxTrickle"/>, so a
/// client with no body limit makes its test fail in bounded time instead of hanging.
/// </summary>
public sealed record ReplayTrickle(TimeSpan Interval, int BytesPerWrite);

public sealed record ReplayRequest(string Target, string? IfNoneMatch, DateTimeOffset At);

/// <summary>
/// A strict local registry on a loopback port (Kestrel) serving recorded metadata by raw request target
/// (so "/@scope%2fname" is matched as sent). Any request it was not told about answers 599 and is listed in
/// <see cref="Unexpected"/>, which tests assert is empty.
/// </summary>
public sealed class ReplayRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ReplayResponse>> _sequences = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ReplayResponse> _fixed = new(StringComparer.Ordinal);
    private readonly WebApplication _app;

    private ReplayRegistry(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; private set; }

    /// <summary>Longest a trickled body is sent for before the connection is aborted.</summary>
    public static TimeSpan MaxTrickle { get; } = TimeSpan.FromSeconds(30);

    public ConcurrentQueue<ReplayRequest> Requests { get; } = new();

    public ConcurrentQueue<string> Unexpected { get; } = new();

    public static async Task<ReplayRegistry> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var registry = new ReplayRegistry(app, new Uri("http://127.0.0.1/"));
        app.Run(registry.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        registry.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return registry;
    }

    /// <summary>Always answers this response for the target (a path such as "/left-pad").</summary>
    public void Serve(string target, ReplayResponse response) => _fixed[target] = response;

    /// <summary>Answers these responses in order, then the last one again.</summary>
    public void ServeSequence(string target, params ReplayResponse[] responses) => _sequences[target] = new ConcurrentQueue<ReplayResponse>(responses);

    public int CountRequests(string target) => Requests.Count(r => r.Target == target);

    private async Task HandleAsync(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        Requests.Enqueue(new ReplayRequest(target, ifNoneMatch.Length == 0 ? null : ifNoneMatch, DateTimeOffset.UtcNow));

        ReplayResponse? response = null;
        if (_sequences.TryGetValue(target, out var queue))
        {
            if (queue.Count > 1) queue.TryDequeue(out response);
            else queue.TryPeek(out response);
        }
        response ??= _fixed.GetValueOrDefault(target);
        if (response is null)
        {
            Unexpected.Enqueue(target);
            context.Response.StatusCode = 599;
            return;
        }
        if (response.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(response.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        if (response.ETag is not null)
        {
            context.Response.Headers.ETag = response.ETag;
            if (ifNoneMatch == response.ETag)
            {
                context.Response.StatusCode = 304;
                return;
            }
        }
        if (response.RetryAfter is not null) context.Response.Headers.RetryAfter = response.RetryAfter;
        if (response.Location is not null) context.Response.Headers.Location = response.Location;
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.ContentType;
        context.Response.ContentLength = response.Body.Length;
        if (response.Trickle is { } trickle) await TrickleAsync(context, response.Body, trickle);
        else await context.Response.Body.WriteAsync(response.Body);
    }

    private static async Task TrickleAsync(HttpContext context, byte[] body, ReplayTrickle trickle)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            for (var sent = 0; sent < body.Length; sent += trickle.BytesPerWrite)
            {
                if (clock.Elapsed > MaxTrickle)
                {
                    context.Abort();
                    return;
                }
                await context.Response.Body.WriteAsync(body.AsMemory(sent, Math.Min(trickle.BytesPerWrite, body.Length - sent)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(trickle.Interval, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client gave up on the body, which is what these responses are for.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

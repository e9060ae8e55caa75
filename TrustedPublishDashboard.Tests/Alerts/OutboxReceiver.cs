using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>
/// A webhook receiver as a customer would write one: checks the HMAC (its own code, not the app's), then counts
/// deliveries and distinct idempotency keys.
/// </summary>
public sealed class OutboxReceiver : IAsyncDisposable
{
    public sealed record Received(string IdempotencyKey, string Kind, string Severity, string? Package, string? Version, string Body, bool SignatureValid);

    private readonly WebApplication _app;

    private OutboxReceiver(WebApplication app, string key)
    {
        _app = app;
        Key = key;
    }

    public string Key { get; }

    public Uri Url { get; private set; } = default!;

    public ConcurrentQueue<Received> Deliveries { get; } = new();

    /// <summary>Answer this status instead of 200 (e.g. 503 to force retries).</summary>
    public int Status { get; set; } = 200;

    public IReadOnlyList<string> DistinctKeys => Deliveries.Select(d => d.IdempotencyKey).Distinct().ToList();

    public static async Task<OutboxReceiver> StartAsync(string key)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OutboxReceiver(app, key);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/hook");
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var timestamp = context.Request.Headers["X-Signature-Timestamp"].ToString();
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. body];
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), signed));
        var valid = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(context.Request.Headers["X-Signature"].ToString()));
        using var json = JsonDocument.Parse(body);
        string? Str(string name) => json.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        Deliveries.Enqueue(new Received(context.Request.Headers["Idempotency-Key"].ToString(), Str("kind")!, Str("severity")!, Str("package"), Str("version"),
            Encoding.UTF8.GetString(body), valid));
        context.Response.StatusCode = Status;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>What the receiver got, with the signature checked by its own HMAC code (not AlertSigning).</summary>
public sealed record ReceivedDelivery(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, bool SignatureValid)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}

/// <summary>A canned answer for one path; unknown paths answer 204. <paramref name="Reason"/> replaces the status line's reason phrase.</summary>
public sealed record ReceiverAnswer(int Status, string Body = "", string? RetryAfter = null, string? Location = null, string? Reason = null);

/// <summary>
/// A webhook receiver on a loopback Kestrel port, shared by a test class. It verifies X-Signature the way a maintainer's
/// receiver would — HMAC-SHA256 over "{timestamp}." + body with the UTF-8 key, written here independently — and records
/// every delivery. Tests use a distinct path each so their recordings do not mix.
/// </summary>
public sealed class AlertReceiver : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>A started receiver, for tests that own one (<c>await using</c>).</summary>
    public static async Task<AlertReceiver> StartAsync()
    {
        var receiver = new AlertReceiver();
        await receiver.InitializeAsync();
        return receiver;
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public const string Key = "receiver-test-key-7f3a";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, ReceiverAnswer> _answers = new(StringComparer.Ordinal);
    private WebApplication? _app;

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public int Port => BaseUrl.Port;

    public ConcurrentQueue<ReceivedDelivery> Received { get; } = new();

    public IReadOnlyList<ReceivedDelivery> At(string path) => [.. Received.Where(r => r.Path == path)];

    public void Answer(string path, ReceiverAnswer answer) => _answers[path] = answer;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address.TrimEnd('/') + "/");
    }

    public string Url(string path) => new Uri(BaseUrl, path).ToString();

    /// <summary>The receiver's own check: recompute the HMAC and compare in constant time, within the timestamp tolerance.</summary>
    public static bool VerifySignature(string key, string? timestamp, string? signature, byte[] body)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > Tolerance.TotalSeconds) return false;
        if (signature is null || !signature.StartsWith("sha256=", StringComparison.Ordinal)) return false;
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        var expected = Encoding.ASCII.GetBytes(Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), signed)).ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature["sha256=".Length..]));
    }

    /// <summary>A port nothing listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var valid = VerifySignature(Key, headers.GetValueOrDefault("X-Signature-Timestamp"), headers.GetValueOrDefault("X-Signature"), body);
        var path = context.Request.Path.Value ?? "/";
        Received.Enqueue(new ReceivedDelivery(path, headers, body, valid));

        var answer = _answers.GetValueOrDefault(path) ?? new ReceiverAnswer(204);
        context.Response.StatusCode = answer.Status;
        if (answer.Reason is not null) context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = answer.Reason;
        if (answer.RetryAfter is not null) context.Response.Headers.RetryAfter = answer.RetryAfter;
        if (answer.Location is not null) context.Response.Headers.Location = answer.Location;
        if (answer.Body.Length > 0)
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(answer.Body);
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

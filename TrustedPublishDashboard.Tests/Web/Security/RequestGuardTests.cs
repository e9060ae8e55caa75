using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Web.Security;

namespace TrustedPublishDashboard.Tests.Web.Security;

/// <summary>One live app on a real loopback socket for the Host/Origin tests.</summary>
public sealed class LiveAppFixture : IAsyncLifetime
{
    public LiveApp App { get; private set; } = default!;

    public async Task InitializeAsync() => App = await LiveApp.StartAsync();

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// DNS rebinding and cross-site requests against the real app on a real Kestrel socket: the request line goes to
/// 127.0.0.1, the Host and Origin headers say what a browser on a hostile page would send.
/// </summary>
public sealed class RequestGuardTests(LiveAppFixture fixture) : IClassFixture<LiveAppFixture>
{
    private Uri Base => fixture.App.BaseUrl;

    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? host = null, string? origin = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, new Uri(Base, path)) { Content = content };
        if (host is not null) request.Headers.Host = host;
        if (origin is not null) request.Headers.TryAddWithoutValidation("Origin", origin);
        return await Http.SendAsync(request);
    }

    [Theory]
    [InlineData("/api/v1/packages/export.csv")]
    [InlineData("/api/v1/packages")]
    [InlineData("/settings")]
    [InlineData("/")]
    [InlineData("/_framework/blazor.web.js")]
    public async Task ForeignHost_GetsA400WithAMessage_AndNoData(string path)
    {
        var response = await SendAsync(HttpMethod.Get, path, host: $"evil.example:{Base.Port}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("does not answer to the host name 'evil.example", body);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("registry,name", body);
    }

    [Theory]
    [InlineData("127.0.0.1:{port}")]
    [InlineData("localhost:{port}")]
    [InlineData("LOCALHOST")]
    [InlineData("127.9.8.7:{port}")]
    [InlineData("[::1]:{port}")]
    [InlineData("127.0.0.1:8080")] // a container's published port differs from the one bound inside
    public async Task LoopbackHost_AnyPort_IsServed(string host)
    {
        var response = await SendAsync(HttpMethod.Get, "/api/v1/packages/export.csv", host: host.Replace("{port}", Base.Port.ToString()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("registry,name", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ForeignHost_GetsNoCircuit_Negotiate()
    {
        var response = await SendAsync(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1", host: $"evil.example:{Base.Port}", origin: $"http://evil.example:{Base.Port}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("connectionToken", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("http://evil.example:{port}")]
    [InlineData("null")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("http://localhost:{port}")] // same machine, other name: still another origin to the browser
    public async Task ForeignOrigin_GetsNoCircuit_NegotiateIsRefused(string origin)
    {
        var response = await SendAsync(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1", origin: origin.Replace("{port}", Base.Port.ToString()));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Cross-origin request refused", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SameOrigin_Negotiate_IsAccepted()
    {
        var response = await SendAsync(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1", origin: $"http://127.0.0.1:{Base.Port}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("connectionToken", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HubWebSocket_ForeignOrigin_IsRefused_SameOriginConnects()
    {
        var hub = new Uri($"ws://127.0.0.1:{Base.Port}/_blazor");

        using var foreign = new ClientWebSocket();
        foreign.Options.SetRequestHeader("Origin", "http://evil.example");
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => foreign.ConnectAsync(hub, CancellationToken.None));
        Assert.Contains("403", refused.Message);

        using var nullOrigin = new ClientWebSocket();
        nullOrigin.Options.SetRequestHeader("Origin", "null");
        await Assert.ThrowsAsync<WebSocketException>(() => nullOrigin.ConnectAsync(hub, CancellationToken.None));

        using var own = new ClientWebSocket();
        own.Options.SetRequestHeader("Origin", $"http://127.0.0.1:{Base.Port}");
        await own.ConnectAsync(hub, CancellationToken.None);
        Assert.Equal(WebSocketState.Open, own.State);
        // The SignalR handshake completes: the hub answers {} followed by the record separator.
        await own.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"blazorpack\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await own.ReceiveAsync(buffer, timeout.Token);
        Assert.StartsWith("{}", Encoding.UTF8.GetString(buffer, 0, read.Count));
    }

    [Fact]
    public async Task StateChangingRequest_WithForeignOrigin_IsRefused()
    {
        var response = await SendAsync(HttpMethod.Post, "/api/v1/packages", origin: "http://evil.example", content: new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Healthz_ForeignHost_AnswersStatusOnly()
    {
        var probe = await SendAsync(HttpMethod.Get, "/healthz", host: "10.1.2.3:8080");
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        using var json = JsonDocument.Parse(await probe.Content.ReadAsStringAsync());
        Assert.Equal("healthy", json.RootElement.GetProperty("status").GetString());
        Assert.False(json.RootElement.TryGetProperty("checks", out _), "an anonymous probe must not learn the database path");
        Assert.DoesNotContain("SQLite", json.RootElement.GetRawText());

        var local = await SendAsync(HttpMethod.Get, "/healthz", host: "127.0.0.1:8080");
        using var detailed = JsonDocument.Parse(await local.Content.ReadAsStringAsync());
        Assert.True(detailed.RootElement.GetProperty("checks").TryGetProperty("database", out _));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/packages")]
    [InlineData("/api/v1/packages")]
    [InlineData("/api/v1/packages/export.csv")]
    [InlineData("/_framework/blazor.web.js")]
    [InlineData("/healthz")]
    public async Task EveryAnswer_CarriesTheSecurityHeaders(string path)
    {
        var response = await SendAsync(HttpMethod.Get, path);

        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
    }

    [Theory]
    [InlineData("/api/v1/packages")]
    [InlineData("/api/v1/packages/export.csv")]
    [InlineData("/api/v1/packages/export.json")]
    [InlineData("/api/v1/poll-runs")]
    public async Task ApiAnswers_AreNotCached(string path)
    {
        var response = await SendAsync(HttpMethod.Get, path);

        Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control {response.Headers.CacheControl}");
    }

    [Theory]
    [InlineData("/api/v1/packages?page=1000000000", "page")]
    [InlineData("/api/v1/packages?page=4294967297&pageSize=500", "page")]
    [InlineData("/api/v1/packages?page=4294968&pageSize=500", "page")]
    [InlineData("/api/v1/poll-runs?take=abc", null)]
    public async Task Api_BadParameters_AreProblemDetails400(string path, string? field)
    {
        var response = await SendAsync(HttpMethod.Get, path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        if (field is not null) Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Api_LastRepresentablePage_IsStillAnswered()
    {
        var response = await SendAsync(HttpMethod.Get, "/api/v1/packages?page=4294967&pageSize=500");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(4294967, json.RootElement.GetProperty("page").GetInt32());
    }
}

public sealed class HostPolicyTests
{
    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LocalHost.", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.0.9", true)]
    [InlineData("[::1]", true)]
    [InlineData("[::ffff:127.0.0.1]", true)]
    [InlineData("evil.example", false)]
    [InlineData("localhost.evil.example", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("[::]", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsAllowedHost_LoopbackOnlyByDefault(string? host, bool allowed) => Assert.Equal(allowed, new HostPolicy([]).IsAllowedHost(host));

    [Fact]
    public void IsAllowedHost_ConfiguredNamesAndSuffixes()
    {
        var policy = new HostPolicy(["dash.example.org", "*.corp.example"]);

        Assert.True(policy.IsAllowedHost("DASH.example.org"));
        Assert.True(policy.IsAllowedHost("a.corp.example"));
        Assert.False(policy.IsAllowedHost("corp.example"));
        Assert.False(policy.IsAllowedHost("evil-corp.example"));
        Assert.True(policy.IsAllowedHost("127.0.0.1"));
    }

    [Fact]
    public void Constructor_Wildcard_IsRefusedAtStartup() =>
        Assert.Contains("may not be '*'", Assert.Throws<TrustedPublishDashboard.Data.StartupConfigurationException>(() => new HostPolicy(["*"])).Message);

    [Theory]
    [InlineData("http://127.0.0.1:5180", "127.0.0.1:5180", true)]
    [InlineData("https://dash.example", "dash.example", true)]
    [InlineData("http://dash.example", "dash.example:80", true)]
    [InlineData("http://localhost:5180", "127.0.0.1:5180", false)]
    [InlineData("http://127.0.0.1:5181", "127.0.0.1:5180", false)]
    [InlineData("null", "127.0.0.1:5180", false)]
    [InlineData("file://", "127.0.0.1:5180", false)]
    [InlineData("http://[::1]:5180", "[::1]:5180", true)]
    public void IsSameOrigin_Table(string origin, string host, bool same) =>
        Assert.Equal(same, HostPolicy.IsSameOrigin(origin, new Microsoft.AspNetCore.Http.HostString(host)));
}

using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Registries;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Registries;

/// <summary>Redirects through the registry stack as registered, against two local registries (two origins: two ports).</summary>
public sealed class RegistryHttpTests : IAsyncLifetime
{
    private ReplayRegistry _registry = default!;
    private ReplayRegistry _elsewhere = default!;
    private ServiceProvider _services = default!;

    public async Task InitializeAsync()
    {
        _registry = await ReplayRegistry.StartAsync();
        _elsewhere = await ReplayRegistry.StartAsync();
        _services = RegistryStack.Build(("Registries:Http:BaseDelay", "00:00:00.010"));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _registry.DisposeAsync();
        await _elsewhere.DisposeAsync();
    }

    private RegistryHttp Http => _services.GetRequiredService<RegistryHttp>();

    private Func<HttpRequestMessage> Get(string path) => () =>
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_registry.BaseUrl, path.TrimStart('/')));
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"tag\""));
        return request;
    };

    [Fact]
    public async Task SendAsync_RedirectWithinTheOrigin_IsFollowedWithTheSameHeaders_EachHopCounted()
    {
        _registry.Serve("/moved", ReplayResponse.Redirect(301, "/here"));
        _registry.Serve("/here", ReplayResponse.Json("{\"ok\":true}"));
        var stats = new FetchStats();

        using var response = await Http.SendAsync(Get("/moved"), stats, default);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"ok\":true}", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, stats.Requests);
        Assert.Equal("\"tag\"", _registry.Requests.Single(r => r.Target == "/here").IfNoneMatch);
        Assert.Empty(_registry.Unexpected);
    }

    [Fact]
    public async Task SendAsync_AbsoluteRedirectToTheSameOrigin_IsFollowed()
    {
        _registry.Serve("/abs-moved", ReplayResponse.Redirect(307, new Uri(_registry.BaseUrl, "abs-here").ToString()));
        _registry.Serve("/abs-here", ReplayResponse.Json("{}"));

        using var response = await Http.SendAsync(Get("/abs-moved"), new FetchStats(), default);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(302)]
    [InlineData(301)]
    [InlineData(308)]
    public async Task SendAsync_RedirectToAnotherOrigin_IsNotFollowed_AndTheErrorNamesWhereItLed(int status)
    {
        var target = new Uri(_elsewhere.BaseUrl, "x");
        _registry.Serve($"/leaves-{status}", ReplayResponse.Redirect(status, target.ToString()));
        _elsewhere.Serve("/x", ReplayResponse.Json("{}"));
        var stats = new FetchStats();

        var ex = await Assert.ThrowsAsync<RegistryRedirectException>(() => Http.SendAsync(Get($"/leaves-{status}"), stats, default));

        Assert.Equal(
            $"{new Uri(_registry.BaseUrl, $"leaves-{status}")} answered {status} redirecting to {target} — redirects off the registry's origin are not followed",
            ex.Message);
        Assert.Equal(target, ex.Target);
        Assert.Empty(_elsewhere.Requests);
        Assert.Equal(1, stats.Requests);
    }

    [Fact]
    public async Task SendAsync_RedirectToAnotherSchemeOnTheSameHost_IsNotFollowed()
    {
        var target = new UriBuilder(_registry.BaseUrl) { Scheme = "https", Path = "secure" }.Uri;
        _registry.Serve("/to-https", ReplayResponse.Redirect(302, target.ToString()));

        var ex = await Assert.ThrowsAsync<RegistryRedirectException>(() => Http.SendAsync(Get("/to-https"), new FetchStats(), default));

        Assert.Contains($"redirecting to {target}", ex.Message);
    }

    [Fact]
    public async Task SendAsync_RedirectLoop_StopsAfterMaxRedirects()
    {
        _registry.Serve("/ping", ReplayResponse.Redirect(302, "/pong"));
        _registry.Serve("/pong", ReplayResponse.Redirect(302, "/ping"));
        var stats = new FetchStats();

        var ex = await Assert.ThrowsAsync<RegistryRedirectException>(() => Http.SendAsync(Get("/ping"), stats, default));

        Assert.Contains($"was redirected more than {RegistryHttp.MaxRedirects} times", ex.Message);
        Assert.Equal(RegistryHttp.MaxRedirects + 1, stats.Requests);
        Assert.Equal(RegistryHttp.MaxRedirects + 1, _registry.Requests.Count(r => r.Target is "/ping" or "/pong"));
    }

    [Fact]
    public async Task SendAsync_RedirectWithoutLocation_IsReturnedAsItIs()
    {
        _registry.Serve("/nowhere", new ReplayResponse(302, []));

        using var response = await Http.SendAsync(Get("/nowhere"), new FetchStats(), default);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
    }

    [Theory]
    [InlineData("BodyTimeout", "00:00:00")]
    [InlineData("BodyTimeout", "2.00:00:00")]
    [InlineData("MinBytesPerSecond", "-1")]
    [InlineData("MinRateWindow", "00:00:00")]
    [InlineData("MinRateWindow", "02:00:00")]
    public void OptionsFrom_BodyLimitOutOfRange_FailsNamingTheSetting(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new($"Registries:Http:{key}", value)]).Build();

        var ex = Assert.Throws<StartupConfigurationException>(() => RegistryHttpOptions.From(configuration));

        Assert.StartsWith($"Registries:Http:{key} must be", ex.Message);
    }

    [Fact]
    public void OptionsFrom_Defaults_AreFiveMinutesAndOneKibPerSecondOverTenSeconds()
    {
        var limits = RegistryHttpOptions.From(new ConfigurationBuilder().Build()).BodyLimits;

        Assert.Equal(new BodyLimits(TimeSpan.FromMinutes(5), 1024, TimeSpan.FromSeconds(10)), limits);
        Assert.Equal(10_240, limits.MinBytesPerWindow);
    }
}

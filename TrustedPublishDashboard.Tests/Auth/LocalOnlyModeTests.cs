using Microsoft.Extensions.Configuration;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Auth;

public sealed class LocalOnlyModeTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData("http://127.0.0.1:5180", true)]
    [InlineData("http://127.0.0.2:80", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("https://LOCALHOST", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://192.168.1.10:80", false)]
    [InlineData("http://example.internal:80", false)]
    [InlineData("not a url", false)]
    public void IsLoopback_Table(string url, bool loopback) => Assert.Equal(loopback, BindGuard.IsLoopback(url));

    [Fact]
    public void ConfiguredUrls_ReadsUrlsPortsAndKestrelEndpoints()
    {
        Assert.Equal(["http://127.0.0.1:1", "http://localhost:2"], BindGuard.ConfiguredUrls(Config(("urls", "http://127.0.0.1:1; http://localhost:2"))));
        Assert.Equal(["http://*:8080"], BindGuard.ConfiguredUrls(Config(("http_ports", "8080"))));
        Assert.Equal(["http://0.0.0.0:9"], BindGuard.ConfiguredUrls(Config(("urls", "http://127.0.0.1:1"), ("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:9"))));
    }

    [Fact]
    public void FromConfiguration_LoopbackOnly_IsLocalOnlyMode()
    {
        var mode = AuthMode.FromConfiguration(Config(("urls", "http://127.0.0.1:5180")));
        Assert.True(mode.LocalOnly);
        Assert.False(mode.RemoteWithoutSignIn);
    }

    [Fact]
    public void FromConfiguration_NonLoopbackWithoutIdentityProvider_IsRefusedWithWhatToConfigure()
    {
        var ex = Assert.Throws<StartupConfigurationException>(() => AuthMode.FromConfiguration(Config(("urls", "http://0.0.0.0:8080"))));
        Assert.Contains("http://0.0.0.0:8080", ex.Message);
        Assert.Contains("Auth:Oidc:Authority", ex.Message);
        Assert.Contains("127.0.0.1", ex.Message);
    }

    [Fact]
    public void FromConfiguration_ContainerPortsWithExplicitOptIn_IsAllowedAndFlagged()
    {
        var mode = AuthMode.FromConfiguration(Config(("http_ports", "8080"), ("Auth:AllowRemoteWithoutSignIn", "true")));
        Assert.True(mode.RemoteWithoutSignIn);
    }

    [Fact]
    public async Task Build_WithoutAnyUrlSetting_ListensOnLoopback5180_AndAnExplicitUrlWins()
    {
        await using var defaults = Program.Build([]);
        Assert.Equal(BindGuard.DefaultUrl, defaults.Configuration["urls"]);
        await using var explicitUrl = Program.Build(["--urls", "http://127.0.0.1:5999"]);
        Assert.Equal("http://127.0.0.1:5999", explicitUrl.Configuration["urls"]);
    }

    [Fact]
    public void Appsettings_DoesNotSetUrls_SoThatAspNetCoreUrlsIsHonoured()
    {
        // appsettings.json is read after ASPNETCORE_* variables, so a Urls entry there would silently override
        // ASPNETCORE_URLS (e.g. the Dockerfile's) and keep a container listening on its own loopback.
        var settings = new ConfigurationBuilder().SetBasePath(AppContext.BaseDirectory).AddJsonFile("appsettings.json", optional: false).Build();
        Assert.Null(settings["Urls"]);
        Assert.NotNull(settings["ConnectionStrings:Dashboard"]);
    }

    [Fact]
    public async Task RunAsync_NonLoopbackBindWithoutIdentityProvider_ExitsNonZeroWithTheMessage()
    {
        await using var db = new TempDatabase();
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await Program.RunAsync(["--urls", "http://0.0.0.0:0", $"--ConnectionStrings:Dashboard={db.ConnectionString}"], stdout, stderr);

        Assert.Equal(2, code);
        Assert.Contains("Refusing to listen on http://0.0.0.0:0", stderr.ToString());
        Assert.Contains("Auth:Oidc:Authority", stderr.ToString());
        Assert.False(File.Exists(db.FilePath), "nothing may be created when start-up is refused");
    }
}

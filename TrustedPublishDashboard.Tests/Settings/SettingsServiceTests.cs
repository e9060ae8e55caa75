using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using TrustedPublishDashboard.Alerts;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Registries;
using TrustedPublishDashboard.Registries.Npm;
using TrustedPublishDashboard.Settings;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Web;
using TrustedPublishDashboard.Web.Security;

namespace TrustedPublishDashboard.Tests.Settings;

/// <summary>What the Settings page says the instance runs with: read from the services that use it, each value with where it came from.</summary>
public sealed class SettingsServiceTests
{
    private static IConfiguration Config(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static SettingsService Service(TempDatabase db, IConfiguration configuration, NpmRegistryLocator? locator = null, AuthMode? mode = null,
        params string[] boundAddresses)
    {
        var server = new BoundServer(boundAddresses);
        mode ??= new AuthMode(LocalOnly: true, RemoteWithoutSignIn: false, ["http://127.0.0.1:5005"]);
        var listen = new ListenAddresses(server, mode);
        return new SettingsService(mode, listen, db.Connections, db.Runner(), HostPolicy.From(configuration), new AlertLinks(configuration, listen), configuration,
            [locator ?? new NpmRegistryLocator(configuration, NullLogger<NpmRegistryLocator>.Instance)]);
    }

    [Fact]
    public async Task Current_ShowsWhatRuns_BoundAddressesAllowedHostsAndTheSchemaVersion()
    {
        await using var db = new TempDatabase();
        var configuration = Config(new() { ["Web:AllowedHosts"] = "dash.example.test;*.corp.example.test" });

        var settings = Service(db, configuration, boundAddresses: "http://127.0.0.1:41234").Current();

        Assert.Equal("local-only mode (no identity provider configured)", settings.SignIn);
        Assert.Equal(["http://127.0.0.1:41234"], settings.ListenAddresses);
        Assert.Equal(["dash.example.test", "*.corp.example.test"], settings.AllowedHosts);
        Assert.Contains(db.FilePath, settings.Database);
        Assert.Equal(db.Runner().LatestKnownVersion, settings.SchemaVersion);
        Assert.Equal(("http://127.0.0.1:41234/", false), (settings.AlertLinkBase, settings.AlertLinkBaseConfigured));
    }

    [Fact]
    public async Task Current_RemoteWithoutSignIn_SaysSo()
    {
        await using var db = new TempDatabase();

        var settings = Service(db, Config([]), mode: new AuthMode(true, true, ["http://0.0.0.0:8080"])).Current();

        Assert.Contains(AuthMode.AllowRemoteKey, settings.SignIn);
        Assert.Equal(["http://0.0.0.0:8080"], settings.ListenAddresses);
    }

    [Fact]
    public async Task Current_JobSchedules_AreTheCatalogsDescription_WithTheSettingThatChangedThem()
    {
        await using var db = new TempDatabase();
        var configuration = Config(new() { ["Jobs:npm-poll:Interval"] = "00:30:00", ["Jobs:alert-digest:Cron"] = "0 30 6 * * ?", ["Alerts:DashboardUrl"] = "https://dash.example.test" });

        var settings = Service(db, configuration).Current();

        Assert.Equal(JobCatalog.All.Select(j => j.Key), settings.Jobs.Select(j => j.Key));
        var poll = settings.Jobs.Single(j => j.Key == "npm-poll");
        Assert.Equal((JobSchedule.Every(TimeSpan.FromMinutes(30)).Describe(), "00:30:00", "Jobs:npm-poll:Interval"), (poll.Schedule, poll.Expression, poll.SetBy));
        var digest = settings.Jobs.Single(j => j.Key == "alert-digest");
        Assert.Equal((CronText.Describe("0 30 6 * * ?"), "Jobs:alert-digest:Cron"), (digest.Schedule, digest.SetBy));
        var dispatch = settings.Jobs.Single(j => j.Key == "alert-dispatch");
        Assert.Null(dispatch.SetBy);
        Assert.Equal(JobCatalog.Find("alert-dispatch")!.Default.Describe(), dispatch.Schedule);
        Assert.Equal(("https://dash.example.test/", true), (settings.AlertLinkBase, settings.AlertLinkBaseConfigured));
    }

    [Fact]
    public async Task RegistriesAsync_Configured_ShowsTheUrlAndTheSetting_WithoutAskingTheNpmClient()
    {
        await using var db = new TempDatabase();
        var configuration = Config(new() { [NpmRegistryLocator.BaseUrlKey] = "http://127.0.0.1:4873" });
        var locator = new NpmRegistryLocator(configuration, NullLogger<NpmRegistryLocator>.Instance, _ => throw new InvalidOperationException("npm must not be asked"));

        var npm = Assert.Single(await Service(db, configuration, locator).RegistriesAsync(default));

        Assert.Equal(new RegistryEndpoint(Registry.Npm, new Uri("http://127.0.0.1:4873/"), RegistryAddressSource.Configuration, NpmRegistryLocator.BaseUrlKey), npm);
    }

    [Fact]
    public async Task RegistriesAsync_NotConfigured_ShowsWhatTheNpmClientReads_AndSaysItCameFromThere()
    {
        await using var db = new TempDatabase();
        var configuration = Config([]);
        var asked = 0;
        var locator = new NpmRegistryLocator(configuration, NullLogger<NpmRegistryLocator>.Instance, _ =>
        {
            asked++;
            return Task.FromResult("http://127.0.0.1:4874/mirror");
        });
        var service = Service(db, configuration, locator);

        var npm = Assert.Single(await service.RegistriesAsync(default));
        await service.RegistriesAsync(default);

        Assert.Equal((new Uri("http://127.0.0.1:4874/mirror/"), RegistryAddressSource.ClientConfiguration, NpmRegistryLocator.NpmClientCommand),
            (npm.BaseUrl, npm.Source, npm.SourceDetail));
        Assert.Null(npm.Error);
        Assert.Equal(1, asked);
        // The poll reads the same address the page shows.
        Assert.Equal(npm.BaseUrl, await locator.GetBaseUrlAsync(default));
    }

    [Fact]
    public async Task RegistriesAsync_CommandOption_WinsOverConfiguration()
    {
        await using var db = new TempDatabase();
        var configuration = Config(new() { [NpmRegistryLocator.BaseUrlKey] = "http://127.0.0.1:4873/" });
        var locator = new NpmRegistryLocator(configuration, NullLogger<NpmRegistryLocator>.Instance) { Override = "http://127.0.0.1:4999/" };

        var npm = Assert.Single(await Service(db, configuration, locator).RegistriesAsync(default));

        Assert.Equal((new Uri("http://127.0.0.1:4999/"), RegistryAddressSource.CommandOption, "--npm-registry"), (npm.BaseUrl, npm.Source, npm.SourceDetail));
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/", "not an absolute http(s) URL")]
    [InlineData(null, "npm: not found")]
    public async Task RegistriesAsync_NeitherWorks_TheErrorIsShown_AndAskedAgainNextTime(string? npmAnswer, string expected)
    {
        await using var db = new TempDatabase();
        var configuration = Config([]);
        var asked = 0;
        var locator = new NpmRegistryLocator(configuration, NullLogger<NpmRegistryLocator>.Instance, _ =>
        {
            asked++;
            return npmAnswer is null
                ? throw new RegistryConfigurationException("'npm config get registry' failed (npm: not found); set Registries:Npm:BaseUrl.")
                : Task.FromResult(npmAnswer);
        });
        var service = Service(db, configuration, locator);

        var npm = Assert.Single(await service.RegistriesAsync(default));
        await service.RegistriesAsync(default);

        Assert.Contains(expected, npm.Error);
        Assert.Null(npm.BaseUrl);
        Assert.Null(npm.Source);
        Assert.Contains(NpmRegistryLocator.BaseUrlKey, npm.SourceDetail);
        Assert.Equal(2, asked);
        await Assert.ThrowsAsync<RegistryConfigurationException>(() => locator.GetBaseUrlAsync(default));
    }

    /// <summary>A server that bound to the given addresses (none: not started yet, the configured URLs apply).</summary>
    private sealed class BoundServer : IServer
    {
        public BoundServer(string[] addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var a in addresses) feature.Addresses.Add(a);
            Features.Set<IServerAddressesFeature>(feature);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}

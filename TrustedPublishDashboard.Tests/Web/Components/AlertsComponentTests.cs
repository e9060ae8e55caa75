using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using TrustedPublishDashboard.Alerts;
using TrustedPublishDashboard.Alerts.Channels;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Extensions;
using TrustedPublishDashboard.Registries;
using TrustedPublishDashboard.Registries.Npm;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Web;
using TrustedPublishDashboard.Web.Components.Pages.Alerts;
using TrustedPublishDashboard.Web.Components.Pages.Settings;
using TrustedPublishDashboard.Web.Security;

namespace TrustedPublishDashboard.Tests.Web.Components;

/// <summary>
/// The Alerts page, the Settings page and its channel panel rendered with bUnit over the real services and a real
/// SQLite file: states (loading, empty, error, data), who may do what, and what the Settings page says it reads.
/// </summary>
public sealed class AlertsComponentTests : MudComponentTest
{
    private const string NpmMirror = "http://127.0.0.1:4873/";

    private TempDatabase? _db;

    /// <summary>Registers the app's alerts and settings services over a migrated database, signed in as <paramref name="user"/> with <paramref name="role"/>.</summary>
    private async Task<TempDatabase> StartAsync(string role = Actor.AdministratorRole, string user = "alice",
        Func<CancellationToken, Task<string>>? npmClient = null, Dictionary<string, string?>? settings = null, TempDatabase? database = null)
    {
        _db = database ?? await TempDatabase.CreateMigratedAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new() { [NpmRegistryLocator.BaseUrlKey] = NpmMirror }).Build();
        Services.AddSingleton<IConfiguration>(configuration);
        Services.AddLogging();
        Services.AddSingleton<IDbConnectionFactory>(_db.Connections);
        Services.AddSingleton(_db.Runner());
        Services.AddSingleton<AlertRepository>();
        Services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        Services.AddDashboardAlerts();
        Services.AddSingleton(new AuthMode(LocalOnly: true, RemoteWithoutSignIn: false, ["http://127.0.0.1:5005"]));
        Services.AddSingleton<IServer, NotStartedServer>();
        Services.AddSingleton<ListenAddresses>();
        Services.AddSingleton(new HostPolicy(["dashboard.example.test"]));
        Services.AddSingleton(new NpmRegistryLocator(configuration, NullLogger<NpmRegistryLocator>.Instance, npmClient));
        Services.AddSingleton<IRegistryEndpointSource>(sp => sp.GetRequiredService<NpmRegistryLocator>());
        Services.AddDashboardSettings();
        Services.AddHttpContextAccessor();
        Services.AddScoped<CurrentUser>();
        var auth = AddAuthorization();
        auth.SetAuthorized(user);
        auth.SetRoles(role);
        return _db;
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        if (_db is not null) await _db.DisposeAsync();
    }

    private T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    private async Task RaiseAsync(string package, AlertSeverity severity, string kind = AlertKinds.TrustDowngrade, string key = "1.0.1", bool historic = false) =>
        await Get<AlertRepository>().InsertAsync("npm", package, [new AlertCandidate(kind, severity, key, $"{package}@{key}: {kind}", "What happened and what to do.", historic)],
            DateTimeOffset.UtcNow, default);

    /// <summary>The page as opened from an address: its filters come from the query string.</summary>
    private IRenderedComponent<AlertsPage> RenderAlertsAt(string uri)
    {
        Get<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo(uri);
        return Render<AlertsPage>();
    }

    // ---- Severity chips ----

    [Theory]
    [InlineData(AlertSeverity.Critical)]
    [InlineData(AlertSeverity.High)]
    [InlineData(AlertSeverity.Medium)]
    [InlineData(AlertSeverity.Warning)]
    [InlineData(AlertSeverity.Info)]
    public void SeverityChip_ShowsTheCodeOnItsOwnColours_ReadableInBothThemes(AlertSeverity severity)
    {
        var chip = Render<SeverityChip>(p => p.Add(c => c.Severity, severity)).Find("[data-testid=severity-chip]");

        Assert.Equal(severity.Code(), chip.TextContent.Trim());
        Assert.Equal(severity.Code(), chip.GetAttribute("data-severity"));
        Assert.False(string.IsNullOrWhiteSpace(chip.GetAttribute("title")), "the colour must come with an explanation");
        // The chip paints its own background, so the page's theme does not change how it reads: WCAG AA for normal text.
        var (background, text) = SeverityChip.ColoursOf(severity);
        Assert.Contains($"background-color: {background}", chip.GetAttribute("style"));
        Assert.True(Contrast(background, text) >= 4.5, $"{severity}: contrast {Contrast(background, text):0.0} is below 4.5:1");
    }

    // ---- Alerts page ----

    [Fact]
    public async Task AlertsPage_NoAlertAtAll_ShowsTheEmptyStateThatSaysWhatRaisesAlerts()
    {
        await StartAsync();

        var page = RenderAlertsAt("alerts?state=all");

        page.WaitForAssertion(() => Assert.Contains("No alert yet", page.Find("[data-testid=alerts-empty]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=alert-row]"));
    }

    [Fact]
    public async Task AlertsPage_OpenAlerts_ShowsTilesRowsDeliveryAndThePackageLink()
    {
        await StartAsync();
        await RaiseAsync("pkg-a", AlertSeverity.Critical);
        await RaiseAsync("pkg-b", AlertSeverity.High, AlertKinds.PublisherDrift, "2.0.0");
        await RaiseAsync("pkg-old", AlertSeverity.Critical, historic: true);

        var page = Render<AlertsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=alert-row]").Count));
        Assert.Equal("1", page.Find("[data-testid=open-critical] .tpd-tile-value").TextContent.Trim());
        Assert.Equal("1", page.Find("[data-testid=open-high] .tpd-tile-value").TextContent.Trim());
        Assert.Equal("alerts?severity=critical", page.Find("[data-testid=open-critical]").GetAttribute("href"));
        var row = page.Find("[data-testid=alert-row][data-package=pkg-a]");
        Assert.Equal("critical", row.QuerySelector("[data-testid=alert-severity]")!.TextContent.Trim());
        Assert.Equal("queued", row.QuerySelector("[data-testid=alert-delivery]")!.TextContent.Trim());
        Assert.Equal("open", row.QuerySelector("[data-testid=alert-state]")!.TextContent.Trim());
        Assert.Equal("packages/npm/pkg-a", row.QuerySelector("[data-testid=alert-package]")!.GetAttribute("href"));
    }

    [Fact]
    public async Task AlertsPage_HistoricState_SaysNotSentBeforeTracking()
    {
        await StartAsync();
        await RaiseAsync("pkg-old", AlertSeverity.Critical, historic: true);

        var page = RenderAlertsAt("alerts?state=historic");

        page.WaitForAssertion(() => Assert.Equal("not sent (before tracking)", page.Find("[data-testid=alert-delivery]").TextContent.Trim()));
        Assert.Equal("history", page.Find("[data-testid=alert-state]").TextContent.Trim());
    }

    [Fact]
    public async Task AlertsPage_Acknowledge_RecordsTheSignedInUserAndLeavesTheOpenList()
    {
        await StartAsync(user: "alice");
        await RaiseAsync("pkg-ack", AlertSeverity.Critical);
        var page = Render<AlertsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=ack]"));

        await page.Find("[data-testid=ack]").ClickAsync(new());

        // The row stays where the user was reading, saying who acknowledged it; the next visit lists open alerts only.
        page.WaitForAssertion(() => Assert.StartsWith("acknowledged by alice", page.Find("[data-testid=alert-state]").TextContent.Trim()));
        var stored = Assert.Single((await Get<AlertService>().ListAsync(new AlertFilter(State: AlertStates.Acknowledged), default)).Items);
        Assert.Equal("alice", stored.AcknowledgedBy);
        var again = Render<AlertsPage>();
        again.WaitForAssertion(() => again.Find("[data-testid=alerts-empty]"));
    }

    [Fact]
    public async Task AlertsPage_AcknowledgeWithDetailsOpen_TheDetailsStayOnTheSameAlert()
    {
        await StartAsync(user: "alice");
        foreach (var name in new[] { "pkg-1", "pkg-2", "pkg-3" }) await RaiseAsync(name, AlertSeverity.High);
        var page = Render<AlertsPage>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=alert-row]").Count));
        string Row(string package) => page.Find($"[data-testid=alert-row][data-package={package}]").GetAttribute("data-id")!;
        var two = Row("pkg-2");
        await page.Find("[data-testid=alert-row][data-package=pkg-2] [data-testid=alert-details-toggle]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal(two, page.Find("[data-testid=alert-details]").GetAttribute("data-id")));

        // Acknowledge another alert, then the one being read: the details follow pkg-2's row every time.
        await page.Find("[data-testid=alert-row][data-package=pkg-1] [data-testid=ack]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.StartsWith("acknowledged", page.Find("[data-testid=alert-row][data-package=pkg-1] [data-testid=alert-state]").TextContent.Trim()));
        await page.Find("[data-testid=alert-row][data-package=pkg-2] [data-testid=ack]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.StartsWith("acknowledged", page.Find("[data-testid=alert-row][data-package=pkg-2] [data-testid=alert-state]").TextContent.Trim()));

        var details = Assert.Single(page.FindAll("[data-testid=alert-details]"));
        Assert.Equal(two, details.GetAttribute("data-id"));
        Assert.Equal(two, details.PreviousElementSibling!.GetAttribute("data-id"));
        Assert.Contains("What happened and what to do.", details.TextContent);
    }

    /// <summary>Ticks a MudBlazor radio or check box by its test id (on the input or around it), as a click or a change, whichever it listens to.</summary>
    private static async Task ToggleAsync(IRenderedComponent<MudDialogProvider> dialogs, string testId, object value)
    {
        var input = dialogs.Find($"input[data-testid={testId}], [data-testid={testId}] input");
        try
        {
            await input.ChangeAsync(new() { Value = value });
        }
        catch (Bunit.MissingEventHandlerException)
        {
            await input.ClickAsync(new());
        }
    }

    [Fact]
    public async Task AlertsPage_MuteAKindAndAcknowledgeItsOpenAlerts_SaysWhatItDid()
    {
        await StartAsync(user: "alice");
        foreach (var name in new[] { "kind-1", "kind-2", "kind-3", "kind-4" }) await RaiseAsync(name, AlertSeverity.High, AlertKinds.PublisherDrift, "2.0.0");
        await RaiseAsync("other", AlertSeverity.Critical);
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var snackbars = Render<MudSnackbarProvider>();
        var page = Render<AlertsPage>();
        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("[data-testid=alert-row]").Count));

        var muting = page.Find("[data-testid=alert-row][data-package=kind-1] [data-testid=mute]").ClickAsync(new());
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=mute-panel]"));
        await ToggleAsync(dialogs, "mute-scope-kind", MuteScope.Kind);
        dialogs.WaitForAssertion(() => Assert.Contains("also acknowledge the 4 open alerts of this kind", dialogs.Find("[data-testid=mute-panel]").TextContent));
        await ToggleAsync(dialogs, "mute-ack-open", true);
        await dialogs.Find("[data-testid=mute-confirm]").ClickAsync(new());
        await muting.WaitAsync(TimeSpan.FromSeconds(10));

        snackbars.WaitForAssertion(() => Assert.Contains("Muted kind publisher-drift for 7 days; acknowledged 4 open alerts", snackbars.Markup));
        page.WaitForAssertion(() => Assert.Equal("other", Assert.Single(page.FindAll("[data-testid=alert-row]")).GetAttribute("data-package")));
        var acknowledged = await Get<AlertService>().ListAsync(new AlertFilter(Kind: AlertKinds.PublisherDrift, State: AlertStates.Acknowledged), default);
        Assert.Equal(4, acknowledged.Total);
        Assert.All(acknowledged.Items, a => Assert.Equal("alice", a.AcknowledgedBy));
    }

    [Fact]
    public async Task AlertsPage_Viewer_SeesAlertsButNoAcknowledgeOrMute()
    {
        await StartAsync(role: Actor.ViewerRole);
        await RaiseAsync("pkg-view", AlertSeverity.Critical);

        var page = Render<AlertsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=alert-row]")));
        Assert.Empty(page.FindAll("[data-testid=ack]"));
        Assert.Empty(page.FindAll("[data-testid=ack-shown]"));
        Assert.Empty(page.FindAll("[data-testid=mute]"));
    }

    [Fact]
    public async Task AlertsPage_Maintainer_MayAcknowledgeButNotMute()
    {
        await StartAsync(role: Actor.MaintainerRole);
        await RaiseAsync("pkg-maint", AlertSeverity.Critical);

        var page = Render<AlertsPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=ack]"));
        Assert.Empty(page.FindAll("[data-testid=mute]"));
    }

    [Fact]
    public async Task AlertsPage_MuteDialog_MutesThePackageAndListsTheMute()
    {
        await StartAsync(user: "alice");
        await RaiseAsync("pkg-mute", AlertSeverity.Critical);
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var page = Render<AlertsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=mute]"));

        // The page's handler waits for the dialog's answer: the click completes once the dialog is closed.
        var muting = page.Find("[data-testid=mute]").ClickAsync(new());
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=mute-panel]"));
        Assert.Contains("this package (npm:pkg-mute)", dialogs.Find("[data-testid=mute-panel]").TextContent);
        await dialogs.Find("[data-testid=mute-confirm]").ClickAsync(new());
        await muting.WaitAsync(TimeSpan.FromSeconds(10));

        page.WaitForAssertion(() => Assert.Contains("package npm:pkg-mute", page.Find("[data-testid=mute-active]").TextContent));
        Assert.Contains("(by alice)", page.Find("[data-testid=mute-active]").TextContent);
        Assert.Empty(dialogs.FindAll("[data-testid=mute-panel]"));
    }

    [Fact]
    public async Task AlertsPage_UnknownFilterInTheAddress_SaysWhichOne()
    {
        await StartAsync();

        var page = RenderAlertsAt("alerts?severity=loud");

        page.WaitForAssertion(() => Assert.Contains("severity must be one of critical", page.Find("[data-testid=alerts-error]").TextContent));
    }

    [Fact]
    public async Task AlertsPage_UnreadableDatabase_ShowsTheReasonInsteadOfCrashing()
    {
        var broken = new TempDatabase();
        await File.WriteAllTextAsync(broken.FilePath, new string('x', 8192));
        await StartAsync(database: broken);

        var page = Render<AlertsPage>();

        page.WaitForAssertion(() => Assert.StartsWith("The alerts could not be read:", page.Find("[data-testid=alerts-error]").TextContent.Trim()));
    }

    // ---- Settings page ----

    [Fact]
    public async Task SettingsPage_ConfiguredRegistry_ShowsTheUrlAndTheSetting()
    {
        await StartAsync();

        var page = Render<SettingsPage>();

        page.WaitForAssertion(() => Assert.Equal(NpmMirror, page.Find("[data-registry=npm] [data-testid=registry-url]").TextContent.Trim()));
        Assert.Equal("configuration", page.Find("[data-registry=npm] [data-testid=registry-source]").GetAttribute("data-source"));
        Assert.Equal(NpmRegistryLocator.BaseUrlKey, page.Find("[data-registry=npm] [data-testid=registry-source-detail]").TextContent.Trim());
    }

    [Fact]
    public async Task SettingsPage_RegistryFromTheNpmClient_ShowsTheUrlTheClientGaveAndSaysSo()
    {
        await StartAsync(settings: [], npmClient: _ => Task.FromResult("http://127.0.0.1:4874/mirror/"));

        var page = Render<SettingsPage>();

        page.WaitForAssertion(() => Assert.Equal("http://127.0.0.1:4874/mirror/", page.Find("[data-registry=npm] [data-testid=registry-url]").TextContent.Trim()));
        Assert.Equal("client-configuration", page.Find("[data-registry=npm] [data-testid=registry-source]").GetAttribute("data-source"));
        Assert.Equal(NpmRegistryLocator.NpmClientCommand, page.Find("[data-registry=npm] [data-testid=registry-source-detail]").TextContent.Trim());
    }

    [Fact]
    public async Task SettingsPage_NoUsableRegistry_ShowsWhyAndWhatToSet()
    {
        await StartAsync(settings: [], npmClient: _ => throw new RegistryConfigurationException("'npm config get registry' failed (npm: not found); set Registries:Npm:BaseUrl."));

        var page = Render<SettingsPage>();

        page.WaitForAssertion(() => Assert.Contains("not found", page.Find("[data-registry=npm] [data-testid=registry-error]").TextContent));
        Assert.Contains(NpmRegistryLocator.BaseUrlKey, page.Find("[data-registry=npm] [data-testid=registry-error]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=registry-url]"));
    }

    [Fact]
    public async Task SettingsPage_ShowsSignInListenAddressesHostsDatabaseAndEveryJobSchedule()
    {
        await StartAsync(settings: new() { [NpmRegistryLocator.BaseUrlKey] = NpmMirror, ["Jobs:npm-poll:Interval"] = "00:30:00" });

        var page = Render<SettingsPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=effective-settings]"));
        Assert.Contains("local-only mode", page.Find("[data-testid=setting-sign-in]").TextContent);
        Assert.Contains("http://127.0.0.1:5005", page.Find("[data-testid=setting-listen]").TextContent);
        Assert.Contains("dashboard.example.test", page.Find("[data-testid=setting-allowed-hosts]").TextContent);
        Assert.Contains(_db!.FilePath, page.Find("[data-testid=setting-database]").TextContent);
        Assert.Equal(TrustedPublishDashboard.Monitoring.JobCatalog.All.Count, page.FindAll("[data-testid=job-schedule]").Count);
        var poll = page.Find("[data-testid=job-schedule][data-job=npm-poll]");
        Assert.Contains("Jobs:npm-poll:Interval", poll.TextContent);
        Assert.Contains("00:30:00", poll.TextContent);
    }

    [Fact]
    public async Task ChannelsPanel_NoChannel_SaysAlertsAreSentNowhere()
    {
        await StartAsync();

        var panel = Render<AlertChannelsPanel>();

        panel.WaitForAssertion(() => Assert.Contains("sent nowhere", panel.Find("[data-testid=channels-empty]").TextContent));
        panel.Find("[data-testid=channel-add]");
    }

    [Fact]
    public async Task ChannelsPanel_Viewer_SeesChannelsButCannotChangeThem()
    {
        await StartAsync(role: Actor.ViewerRole);
        await Get<AlertChannelService>().SaveAsync(Actor.CommandLine, null,
            new ChannelInput { Kind = ChannelKinds.Webhook, Name = "hook", Url = "http://127.0.0.1:9/hook" }, default);

        var panel = Render<AlertChannelsPanel>();

        panel.WaitForAssertion(() => panel.Find("[data-testid=channel-row][data-name=hook]"));
        Assert.Empty(panel.FindAll("[data-testid=channel-add]"));
        Assert.Empty(panel.FindAll("[data-testid=channel-test]"));
        Assert.Empty(panel.FindAll("[data-testid=channel-key]"));
        Assert.True(panel.Find("input[data-testid=channel-enabled], [data-testid=channel-enabled] input").HasAttribute("disabled"));
    }

    [Fact]
    public async Task ChannelDialog_InvalidInput_ShowsTheServicesMessageNextToSave_ThenAddsTheChannel()
    {
        await StartAsync();
        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var panel = Render<AlertChannelsPanel>();
        panel.WaitForAssertion(() => panel.Find("[data-testid=channel-add]"));

        var adding = panel.Find("[data-testid=channel-add]").ClickAsync(new());
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=channel-save]"));
        await dialogs.Find("[data-testid=channel-save]").ClickAsync(new());

        dialogs.WaitForAssertion(() => Assert.Contains("Give the channel a name", dialogs.Find("[data-testid=channel-error]").TextContent));

        await dialogs.Find("input[data-testid=channel-name], [data-testid=channel-name] input").InputAsync(new() { Value = "team hook" });
        await dialogs.Find("input[data-testid=channel-url], [data-testid=channel-url] input").InputAsync(new() { Value = "http://127.0.0.1:9/hook" });
        await dialogs.Find("[data-testid=channel-save]").ClickAsync(new());
        await adding.WaitAsync(TimeSpan.FromSeconds(10));

        panel.WaitForAssertion(() => panel.Find("[data-testid=channel-row][data-name='team hook']"));
        Assert.Empty(dialogs.FindAll("[data-testid=channel-form]"));
    }

    /// <summary>WCAG 2 contrast ratio of two #rrggbb colours.</summary>
    private static double Contrast(string a, string b)
    {
        static double Luminance(string hex)
        {
            double Channel(int offset)
            {
                var c = int.Parse(hex.AsSpan(1 + offset, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
                return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
            }
            return 0.2126 * Channel(0) + 0.7152 * Channel(2) + 0.0722 * Channel(4);
        }
        var (la, lb) = (Luminance(a), Luminance(b));
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }

    /// <summary>A server that has not bound yet: the listening addresses are the configured ones.</summary>
    private sealed class NotStartedServer : IServer
    {
        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}

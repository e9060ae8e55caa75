using Dapper;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Alerts;
using TrustedPublishDashboard.Alerts.Channels;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Registries.Npm;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>
/// The outbox end to end: real polls against the replay registry, a real SQLite file, the app restarted on the same
/// database to simulate crashes, and a webhook receiver that checks signatures and counts idempotency keys.
/// </summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private static readonly Provenance Release = new("acme/widgets", ".github/workflows/release.yml", "refs/tags/v1", "release");

    private ReplayRegistry _registry = default!;
    private AlertReceiver _receiver = default!;
    private TempDatabase _db = default!;
    private LiveApp _app = default!;

    private string[] Args =>
    [
        $"--Registries:Npm:BaseUrl={_registry.BaseUrl}",
        "--Registries:Http:BaseDelay=00:00:00.010",
        "--Registries:Http:MaxRetries=0",
        // The tests dispatch and poll by hand; the schedules must not race them.
        "--Jobs:alert-dispatch:Interval=01:00:00",
        "--Jobs:npm-poll:Interval=01:00:00",
        "--Alerts:DashboardUrl=https://dashboard.example.test/",
    ];

    public async Task InitializeAsync()
    {
        _registry = await ReplayRegistry.StartAsync();
        _receiver = await AlertReceiver.StartAsync();
        _db = new TempDatabase();
        _app = await LiveApp.StartAsync(_db, Args);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
        await _receiver.DisposeAsync();
        await _registry.DisposeAsync();
    }

    private T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>The app is killed (no dispatch, no graceful anything beyond the host stop) and started again on the same database.</summary>
    private async Task RestartAsync()
    {
        await _app.DisposeAsync();
        _app = await LiveApp.StartAsync(_db, Args);
    }

    private async Task<long> AddWebhookAsync(AlertSeverity min = AlertSeverity.Info, bool digest = true)
    {
        var (id, error) = await Get<AlertChannelService>().SaveAsync(Actor.CommandLine, null, new ChannelInput
        {
            Kind = ChannelKinds.Webhook, Name = "receiver", Url = _receiver.HookUrl(), Secret = AlertReceiver.Key, MinSeverity = min, SendDigest = digest,
        }, default);
        Assert.Null(error);
        // Alerts go to channels that existed when they were raised: make the channel older than anything the test raises.
        await Sql("UPDATE alert_channels SET created_at = '2000-01-01T00:00:00.000Z'");
        return id!.Value;
    }

    private async Task TrackAsync(params PackumentBuilder[] builders)
    {
        foreach (var b in builders) b.ServeOn(_registry);
        await Get<PackageRepository>().AddAsync(builders.Select(b => new PackageId(Registry.Npm, b.Name)).ToList(), null, default);
        // The fixtures publish in 2026; tracked since before that, their versions are news, not history.
        await Sql("UPDATE packages SET added_at = '2025-01-01T00:00:00.000Z'");
    }

    private Task<PollSummary> PollAsync() => Get<PollService>().PollAsync(Registry.Npm, "test", null, default);

    private Task<DispatchSummary> DispatchAsync() => Get<AlertDispatcher>().DispatchAsync(default);

    private async Task Sql(string sql)
    {
        await using var c = await _db.Connections.OpenAsync(default);
        await c.ExecuteAsync(sql);
    }

    private async Task<List<string>> AlertsAsync()
    {
        await using var c = await _db.Connections.OpenAsync(default);
        return (await c.QueryAsync<string>("SELECT kind || '@' || package || '@' || key || '=' || dispatch_state FROM alerts ORDER BY kind, package, key")).AsList();
    }

    [Fact]
    public async Task SampleWorkspace_RaisesSampleAlerts_ShownButNeverDelivered_AndRemovedWithTheSample()
    {
        await AddWebhookAsync();

        await Get<DashboardService>().LoadSampleAsync(TestActors.Maintainer(), default);
        await DispatchAsync();
        await DispatchAsync();

        var list = await Get<AlertService>().ListAsync(new AlertFilter(null, null, null, AlertStates.Open, 1, 200), default);
        Assert.Contains(list.Items, a => a.Kind == AlertKinds.TrustDowngrade);
        Assert.Contains(list.Items, a => a.Kind == AlertKinds.PublisherDrift);
        Assert.All(list.Items, a => Assert.True(a.IsSample));
        Assert.All(list.Items, a => Assert.Equal("not sent (sample)", a.Delivery));
        Assert.Empty(_receiver.Alerts());
        await using (var c = await _db.Connections.OpenAsync(default))
            Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM alert_deliveries"));

        await Get<DashboardService>().RemoveSampleAsync(TestActors.Maintainer(), default);
        Assert.Empty(await AlertsAsync());
    }

    [Fact]
    public async Task Repoll_NeverDuplicates_NoEvidenceOncePerPackage_AndTheReceiverVerifiesEverySignature()
    {
        await AddWebhookAsync();
        await TrackAsync(
            new PackumentBuilder("ob-down").Add("1.0.0", 1, new Publish.Trusted("oidc:1"), Release).Add("1.0.1", 2, new Publish.Token("mallory")).Latest("1.0.1"),
            new PackumentBuilder("ob-mirror").Add("1.0.0", 1, new Publish.Stripped()).Add("1.1.0", 2, new Publish.Stripped()).Latest("1.1.0"));

        for (var i = 0; i < 3; i++) await PollAsync();
        await DispatchAsync();
        await PollAsync();
        await DispatchAsync();

        Assert.Equal(["no-evidence@ob-mirror@=done", "trust-downgrade@ob-down@1.0.1=done"], await AlertsAsync());
        Assert.Equal(2, _receiver.Alerts().Count);
        Assert.All(_receiver.Alerts(), d => Assert.True(d.SignatureValid));
        var critical = Assert.Single(_receiver.Alerts(), d => d.Kind == AlertKinds.TrustDowngrade);
        Assert.Equal(("critical", "ob-down", "1.0.1"), (critical.Severity, critical.Package, critical.Version));
        Assert.Contains("https://dashboard.example.test/packages/npm/ob-down", critical.Body);

        // The same alerts through the API: filters, delivery counts, and a clear 400 for a bad filter.
        using var http = new HttpClient { BaseAddress = _app.BaseUrl };
        using var list = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("api/v1/alerts?severity=critical&state=all"));
        var item = Assert.Single(list.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(("trust-downgrade", "ob-down", "1.0.1", 1), (item.GetProperty("kind").GetString(), item.GetProperty("package").GetString(),
            item.GetProperty("version").GetString(), item.GetProperty("sent").GetInt32()));
        using var detail = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"api/v1/alerts/{item.GetProperty("id").GetInt64()}"));
        Assert.Equal("sent", detail.RootElement.GetProperty("deliveries")[0].GetProperty("state").GetString());
        var bad = await http.GetAsync("api/v1/alerts?severity=loud");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("severity", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CrashBetweenCommitAndDelivery_TheRestartedAppDeliversEachAlertOnce()
    {
        await AddWebhookAsync();
        await TrackAsync(new PackumentBuilder("ob-crash1").Add("1.0.0", 1, new Publish.Trusted("oidc:1"), Release).Add("1.0.1", 2, new Publish.Token("m")).Latest("1.0.1"));
        await PollAsync();
        Assert.Equal(["trust-downgrade@ob-crash1@1.0.1=pending"], await AlertsAsync());

        await RestartAsync();
        await DispatchAsync();
        await DispatchAsync();

        Assert.Single(_receiver.Alerts());
        Assert.Equal(["trust-downgrade@ob-crash1@1.0.1=done"], await AlertsAsync());
    }

    [Fact]
    public async Task CrashBetweenDeliveryAndRecording_TheResendCarriesTheSameIdempotencyKey()
    {
        await AddWebhookAsync();
        await TrackAsync(new PackumentBuilder("ob-crash2").Add("1.0.0", 1, new Publish.Trusted("oidc:1"), Release).Add("1.0.1", 2, new Publish.Token("m")).Latest("1.0.1"));
        await PollAsync();
        await DispatchAsync();
        // What a crash after the receiver answered but before the result was stored leaves behind: the attempt is
        // recorded (it is written before sending), its result is not.
        await Sql("UPDATE alert_deliveries SET state = 'pending', sent_at = NULL, next_attempt_at = '2000-01-01T00:00:00.000Z'");
        await Sql("UPDATE alerts SET dispatch_state = 'pending'");

        await RestartAsync();
        await DispatchAsync();

        Assert.Equal(2, _receiver.Alerts().Count);
        Assert.Single(_receiver.DistinctKeys());
        Assert.Equal(["trust-downgrade@ob-crash2@1.0.1=done"], await AlertsAsync());
    }

    [Fact]
    public async Task FailingReceiver_RetriedWithBackoff_ThenDeliveredOnce()
    {
        var channel = await AddWebhookAsync();
        await TrackAsync(new PackumentBuilder("ob-retry").Add("1.0.0", 1, new Publish.Trusted("oidc:1"), Release).Add("1.0.1", 2, new Publish.Token("m")).Latest("1.0.1"));
        await PollAsync();
        _receiver.Answer(ReceivedAlerts.HookPath, new ReceiverAnswer(503));

        var first = await DispatchAsync();
        var immediately = await DispatchAsync();

        Assert.Equal((1, 1), (first.Attempted, first.Retrying));
        Assert.Equal(0, immediately.Attempted);
        var delivery = Assert.Single(await Get<AlertDeliveryRepository>().ListForAlertAsync((await Get<AlertRepository>().QueryAsync(new AlertQuery(), default)).Items[0].Id, default));
        Assert.Equal(("pending", 1L), (delivery.State, delivery.Attempts));
        Assert.True(DbTime.Parse(delivery.NextAttemptAt) - DateTimeOffset.UtcNow > TimeSpan.FromSeconds(15));
        Assert.Contains("503", delivery.LastError);

        _receiver.Answer(ReceivedAlerts.HookPath, new ReceiverAnswer(204));
        await Sql("UPDATE alert_deliveries SET next_attempt_at = '2000-01-01T00:00:00.000Z'");
        var retry = await DispatchAsync();

        Assert.Equal((1, 1), (retry.Attempted, retry.Sent));
        Assert.Equal(2, _receiver.Alerts().Count);
        Assert.Single(_receiver.DistinctKeys());
        Assert.Equal(["trust-downgrade@ob-retry@1.0.1=done"], await AlertsAsync());
        Assert.True(channel > 0);
    }

    [Fact]
    public async Task MutedPackage_AlertRecordedNotDelivered_HistoricAndBelowThresholdNotDeliveredEither()
    {
        await AddWebhookAsync(min: AlertSeverity.Critical);
        await Get<AlertRepository>().MuteAsync("package", "npm", "ob-muted", null, DateTimeOffset.UtcNow.AddDays(1), "alice", DateTimeOffset.UtcNow, default);
        await TrackAsync(
            new PackumentBuilder("ob-muted").Add("1.0.0", 1, new Publish.Trusted("oidc:1"), Release).Add("1.0.1", 2, new Publish.Token("m")).Latest("1.0.1"),
            new PackumentBuilder("ob-drift").Add("1.0.0", 1, new Publish.Trusted("oidc:1"), Release).Add("1.1.0", 2, new Publish.Trusted("oidc:2"), Release).Latest("1.1.0"));
        // Tracked from today: its 2026 versions are history.
        await Get<PackageRepository>().AddAsync([new PackageId(Registry.Npm, "ob-old")], null, default);
        new PackumentBuilder("ob-old").Add("1.0.0", 1, new Publish.Trusted("oidc:1"), Release).Add("1.0.1", 2, new Publish.Token("m")).Latest("1.0.1").ServeOn(_registry);

        await PollAsync();
        await DispatchAsync();

        Assert.Equal(["publisher-drift@ob-drift@1.1.0=done", "trust-downgrade@ob-muted@1.0.1=muted", "trust-downgrade@ob-old@1.0.1=historic"], await AlertsAsync());
        Assert.Empty(_receiver.Alerts());
    }

    [Fact]
    public async Task PollingFailing_OneWarningPerStreak()
    {
        await TrackAsync(new PackumentBuilder("ob-flaky").Add("1.0.0", 1, new Publish.Trusted("oidc:1"), Release));
        await PollAsync();
        _registry.Serve("/ob-flaky", ReplayResponse.WithStatus(500));

        for (var i = 0; i < 5; i++) await PollAsync();

        var alert = Assert.Single(await AlertsAsync());
        Assert.StartsWith("polling-failing@ob-flaky@after:", alert);
    }

    [Fact]
    public async Task ChannelSecrets_AreStoredEncrypted_AndSurviveARestart()
    {
        var id = await AddWebhookAsync();
        await using (var c = await _db.Connections.OpenAsync(default))
        {
            var stored = await c.ExecuteScalarAsync<string>("SELECT secret_protected FROM alert_channels WHERE id = @id", new { id });
            Assert.DoesNotContain(AlertReceiver.Key, stored);
        }
        await RestartAsync();
        Assert.Equal(AlertReceiver.Key, await Get<AlertChannelService>().RevealSigningKeyAsync(Actor.CommandLine, id, default));
    }

    [Fact]
    public async Task Digest_QueuedOncePerDay_AndDeliveredToChannelsThatWantIt()
    {
        await AddWebhookAsync(min: AlertSeverity.Critical, digest: true);
        await TrackAsync(new PackumentBuilder("ob-digest").Add("1.0.0", 1, new Publish.Token("alice")).Latest("1.0.0"));
        await PollAsync();

        var (queued, digest) = await Get<DigestService>().QueueAsync(DateTimeOffset.UtcNow, default);
        var (again, _) = await Get<DigestService>().QueueAsync(DateTimeOffset.UtcNow, default);
        await DispatchAsync();

        Assert.True(queued);
        Assert.False(again);
        Assert.Contains("npm:ob-digest@1.0.0 (token)", digest.Message);
        var delivered = Assert.Single(_receiver.Alerts());
        Assert.Equal(AlertKinds.Digest, delivered.Kind);
    }
}

/// <summary>A registry that cannot be reached at all: one registry alert per failure streak, not one per package.</summary>
public sealed class RegistryDownTests
{
    [Fact]
    public async Task UnreachableRegistry_OneRegistryWarningPerStreak_NoPackageWarnings()
    {
        // A port nothing listens on: every fetch is a network failure.
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        await using var app = await LiveApp.StartAsync($"--Registries:Npm:BaseUrl=http://127.0.0.1:{port}/", "--Registries:Http:MaxRetries=0",
            "--Jobs:npm-poll:Interval=01:00:00", "--Jobs:alert-dispatch:Interval=01:00:00");
        await app.Services.GetRequiredService<PackageRepository>().AddAsync(
            Enumerable.Range(0, 5).Select(i => new PackageId(Registry.Npm, $"down-{i}")).ToList(), null, default);

        for (var i = 0; i < 5; i++) await app.Services.GetRequiredService<PollService>().PollAsync(Registry.Npm, "test", null, default);

        await using var c = await app.Database.Connections.OpenAsync(default);
        var alerts = (await c.QueryAsync<string>("SELECT kind || '@' || package || '@' || substr(key, 1, 10) FROM alerts")).AsList();
        Assert.Equal(["polling-failing@@runs-from:"], alerts);
    }
}

/// <summary>404s: a package never found is not yet published (no alert); one that disappears is (a warning after the threshold).</summary>
public sealed class NotFoundAlertTests
{
    [Fact]
    public async Task NeverPublished_NoPollingAlert_ButAPackageThatDisappears_Warns()
    {
        await using var registry = await ReplayRegistry.StartAsync();
        await using var app = await LiveApp.StartAsync($"--Registries:Npm:BaseUrl={registry.BaseUrl}", "--Registries:Http:MaxRetries=0",
            "--Jobs:npm-poll:Interval=01:00:00", "--Jobs:alert-dispatch:Interval=01:00:00");
        registry.Serve("/nf-planned", ReplayResponse.WithStatus(404));
        new PackumentBuilder("nf-gone").Add("1.0.0", 1, new Publish.Trusted("oidc:1")).ServeOn(registry);
        await app.Services.GetRequiredService<PackageRepository>().AddAsync([new PackageId(Registry.Npm, "nf-planned"), new PackageId(Registry.Npm, "nf-gone")], null, default);
        var poll = app.Services.GetRequiredService<PollService>();
        await poll.PollAsync(Registry.Npm, "test", null, default);
        registry.Serve("/nf-gone", ReplayResponse.WithStatus(404));

        for (var i = 0; i < 4; i++) await poll.PollAsync(Registry.Npm, "test", null, default);

        await using var c = await app.Database.Connections.OpenAsync(default);
        Assert.Equal(["polling-failing@nf-gone"], (await c.QueryAsync<string>("SELECT kind || '@' || package FROM alerts")).AsList());
    }
}

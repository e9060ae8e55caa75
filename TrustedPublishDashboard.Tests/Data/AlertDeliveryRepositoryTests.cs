using Dapper;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Data;

/// <summary>The outbox's delivery statements one by one (the dispatcher's end-to-end behaviour is in Alerts/OutboxTests).</summary>
public sealed class AlertDeliveryRepositoryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private TempDatabase _db = default!;
    private AlertRepository _alerts = default!;
    private AlertChannelRepository _channels = default!;
    private AlertDeliveryRepository _deliveries = default!;

    public async Task InitializeAsync()
    {
        _db = await TempDatabase.CreateMigratedAsync();
        _alerts = new AlertRepository(_db.Connections);
        _channels = new AlertChannelRepository(_db.Connections);
        _deliveries = new AlertDeliveryRepository(_db.Connections);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<long> ChannelAsync(string name, string minSeverity = "info", bool digest = true, bool enabled = true, DateTimeOffset? created = null) =>
        _channels.InsertAsync(new AlertChannelRecord { Kind = "webhook", Name = name, Enabled = enabled, MinSeverity = minSeverity, SendDigest = digest, Url = "http://127.0.0.1:9/" },
            created ?? T0, default);

    private Task RaiseAsync(string package, AlertSeverity severity, string kind = "trust-downgrade", DateTimeOffset? at = null) =>
        _alerts.InsertAsync(kind == AlertKinds.Digest ? "all" : "npm", package, [new AlertCandidate(kind, severity, "k", package, "m")], at ?? T0.AddMinutes(1), default);

    private async Task<List<string>> PlannedAsync()
    {
        await using var c = await _db.Connections.OpenAsync(default);
        return (await c.QueryAsync<string>("""
            SELECT a.package || '>' || ch.name FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id JOIN alert_channels ch ON ch.id = d.channel_id
            ORDER BY a.package, ch.name
            """)).AsList();
    }

    [Fact]
    public async Task Plan_RespectsThresholdDigestChoiceEnabledAndChannelAge_AndIsIdempotent()
    {
        await ChannelAsync("all");
        await ChannelAsync("critical-only", minSeverity: "critical", digest: false);
        await ChannelAsync("paused", enabled: false);
        await ChannelAsync("newer", created: T0.AddHours(1));
        await RaiseAsync("crit", AlertSeverity.Critical);
        await RaiseAsync("med", AlertSeverity.Medium);
        await RaiseAsync("", AlertSeverity.Info, AlertKinds.Digest);
        var maxId = await _deliveries.MaxPendingAlertIdAsync(default);

        var planned = await _deliveries.PlanAsync(maxId, T0.AddMinutes(2), default);
        var again = await _deliveries.PlanAsync(maxId, T0.AddMinutes(3), default);

        Assert.Equal((4, 0), (planned, again));
        Assert.Equal([">all", "crit>all", "crit>critical-only", "med>all"], await PlannedAsync());
    }

    [Fact]
    public async Task Plan_OnlyUpToMaxId_AnAlertRaisedMeanwhileWaitsForTheNextRun()
    {
        await ChannelAsync("all");
        await RaiseAsync("first", AlertSeverity.Critical);
        var maxId = await _deliveries.MaxPendingAlertIdAsync(default);
        await RaiseAsync("second", AlertSeverity.Critical);

        await _deliveries.PlanAsync(maxId, T0.AddMinutes(2), default);

        Assert.Equal(["first>all"], await PlannedAsync());
        Assert.Equal(0, await new AlertDeliveryRepository(_db.Connections).CompleteAlertsAsync(maxId, default));
    }

    [Fact]
    public async Task AttemptResultComplete_FollowOneDeliveryToTheEnd()
    {
        var channel = await ChannelAsync("all");
        await RaiseAsync("pkg", AlertSeverity.High);
        var maxId = await _deliveries.MaxPendingAlertIdAsync(default);
        await _deliveries.PlanAsync(maxId, T0.AddMinutes(2), default);

        var due = Assert.Single(await _deliveries.DueAsync(T0.AddMinutes(2), 10, default));
        await _deliveries.RecordAttemptAsync(due.AlertId, due.ChannelId, T0.AddMinutes(3), T0.AddMinutes(4), default);
        var notYet = await _deliveries.DueAsync(T0.AddMinutes(3), 10, default);
        await _deliveries.RecordResultAsync(new DeliveryOutcome(due.AlertId, due.ChannelId, DeliveryStates.Pending, T0.AddMinutes(5), "HTTP 503", 503, T0.AddMinutes(3)), default);
        var pendingAlerts = await _deliveries.CompleteAlertsAsync(maxId, default);
        var retry = Assert.Single(await _deliveries.DueAsync(T0.AddMinutes(5), 10, default));
        await _deliveries.RecordAttemptAsync(retry.AlertId, retry.ChannelId, T0.AddMinutes(5), T0.AddMinutes(6), default);
        await _deliveries.RecordResultAsync(new DeliveryOutcome(retry.AlertId, retry.ChannelId, DeliveryStates.Sent, T0.AddMinutes(6), null, 204, T0.AddMinutes(5)), default);
        var completed = await _deliveries.CompleteAlertsAsync(maxId, default);

        Assert.Equal((channel, 0L), (due.ChannelId, due.Attempts));
        Assert.Empty(notYet);
        Assert.Equal(0, pendingAlerts);
        Assert.Equal(1L, retry.Attempts);
        Assert.Equal(1, completed);
        var delivery = Assert.Single(await _deliveries.ListForAlertAsync(due.AlertId, default));
        Assert.Equal(("all", DeliveryStates.Sent, 2L, DbTime.ToText(T0.AddMinutes(5)), 204L), (delivery.ChannelName, delivery.State, delivery.Attempts, delivery.SentAt, delivery.LastStatus));
        Assert.Equal("done", (await _alerts.GetAsync(due.AlertId, default))!.DispatchState);
        Assert.Equal(0, await _deliveries.MaxPendingAlertIdAsync(default));
    }

    [Fact]
    public async Task Due_SkipsDisabledChannels_AndHonoursTheLimitOldestFirst()
    {
        var paused = await ChannelAsync("paused");
        await ChannelAsync("live");
        for (var i = 0; i < 3; i++) await RaiseAsync($"p{i}", AlertSeverity.Critical, at: T0.AddMinutes(1 + i));
        await _deliveries.PlanAsync(await _deliveries.MaxPendingAlertIdAsync(default), T0.AddMinutes(5), default);
        await _channels.SetEnabledAsync(paused, false, T0.AddMinutes(6), default);

        var due = await _deliveries.DueAsync(T0.AddMinutes(7), 2, default);

        Assert.Equal(2, due.Count);
        Assert.All(due, d => Assert.NotEqual(paused, d.ChannelId));
        Assert.True(due[0].AlertId < due[1].AlertId);
    }
}

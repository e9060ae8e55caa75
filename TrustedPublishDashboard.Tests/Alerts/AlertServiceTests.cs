using Dapper;
using TrustedPublishDashboard.Alerts;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Web.Api;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>The Alerts page's and API's service: filters, one computation of state and delivery, and who may acknowledge and mute.</summary>
public sealed class AlertServiceTests : IAsyncLifetime
{
    private TempDatabase _db = default!;
    private AlertRepository _alerts = default!;
    private AlertService _service = default!;

    public static Actor Viewer { get; } = As("vera", Actor.ViewerRole);
    public static Actor Maintainer { get; } = As("max", Actor.MaintainerRole);
    public static Actor Administrator { get; } = As("ada", Actor.AdministratorRole);

    public static Actor As(string name, string role) => new(name, new HashSet<string>(StringComparer.Ordinal) { role });

    public async Task InitializeAsync()
    {
        _db = await TempDatabase.CreateMigratedAsync();
        _alerts = new AlertRepository(_db.Connections);
        _service = new AlertService(_alerts, new AlertDeliveryRepository(_db.Connections));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<long> RaiseAsync(string package, AlertSeverity severity = AlertSeverity.Critical, string kind = AlertKinds.TrustDowngrade,
        string key = "1.0.1", bool historic = false, string registry = "npm")
    {
        await _alerts.InsertAsync(registry, package, [new AlertCandidate(kind, severity, key, $"{package} {kind}", "text", historic)], DateTimeOffset.UtcNow, default);
        await using var c = await _db.Connections.OpenAsync(default);
        return await c.ExecuteScalarAsync<long>("SELECT id FROM alerts WHERE package = @package AND key = @key AND kind = @kind", new { package, key, kind });
    }

    private async Task<AlertView> ViewAsync(long id) => (await _service.GetAsync(id, default))!.Alert;

    [Theory]
    [InlineData(null, null, null, 1, 50, "")]
    [InlineData("critical", "trust-downgrade", "open", 1, 50, "")]
    [InlineData("CRITICAL", null, "all", 2, 500, "")]
    [InlineData("loud", null, null, 1, 50, "severity")]
    [InlineData(null, "weather", null, 1, 50, "kind")]
    [InlineData(null, null, "closed", 1, 50, "state")]
    [InlineData(null, null, null, 0, 50, "page")]
    [InlineData(null, null, null, 1, 501, "pageSize")]
    [InlineData("loud", "weather", "closed", 0, 0, "kind,page,pageSize,severity,state")]
    public void AlertFilter_Problems_NameEachBadParameter(string? severity, string? kind, string? state, int page, int pageSize, string expected)
    {
        var problems = new AlertFilter(severity, kind, null, state, page, pageSize).Problems();

        Assert.Equal(expected, string.Join(",", problems.Keys.Order(StringComparer.Ordinal)));
    }

    [Fact]
    public async Task ListAsync_InvalidFilter_IsRefused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => _service.ListAsync(new AlertFilter(Severity: "loud"), default));

    [Fact]
    public async Task ListAsync_StateAndDeliveryAreComputedOnce_ThePageAndTheApiShowTheSame()
    {
        var open = await RaiseAsync("s-open");
        var acknowledged = await RaiseAsync("s-ack");
        await _service.AcknowledgeAsync(Maintainer, [acknowledged], default);
        await _alerts.MuteAsync("package", "npm", "s-muted", null, DateTimeOffset.UtcNow.AddDays(1), "ada", DateTimeOffset.UtcNow, default);
        var muted = await RaiseAsync("s-muted");
        var historic = await RaiseAsync("s-old", historic: true);

        var items = (await _service.ListAsync(new AlertFilter(State: AlertFilter.AllStates), default)).Items.ToDictionary(a => a.Id);

        Assert.Equal((AlertStates.Open, "queued"), (items[open].State, items[open].Delivery));
        Assert.Equal(AlertStates.Acknowledged, items[acknowledged].State);
        Assert.Equal((AlertStates.Muted, "not sent (muted)"), (items[muted].State, items[muted].Delivery));
        Assert.Equal((AlertStates.Historic, "not sent (before tracking)"), (items[historic].State, items[historic].Delivery));
        Assert.All(items.Values, a => Assert.Equal(a.State, AlertsApi.AlertItem.From(a).State));
        // The repository's state filter agrees with the computed state.
        foreach (var state in AlertStates.All)
            Assert.All((await _service.ListAsync(new AlertFilter(State: state), default)).Items, a => Assert.Equal(state, a.State));
    }

    [Fact]
    public async Task OpenCountsAsync_EverySeverityPresent_OnlyOpenAlertsCounted()
    {
        await RaiseAsync("c-1");
        await _service.AcknowledgeAsync(Maintainer, [await RaiseAsync("c-2")], default);
        await RaiseAsync("c-3", AlertSeverity.High, AlertKinds.PublisherDrift);
        await RaiseAsync("c-4", historic: true);

        var counts = await _service.OpenCountsAsync(default);

        Assert.Equal(AlertSeverities.All.Order(), counts.Keys.Order());
        Assert.Equal((1L, 1L, 0L), (counts[AlertSeverity.Critical], counts[AlertSeverity.High], counts[AlertSeverity.Info]));
    }

    [Fact]
    public async Task AcknowledgeAsync_Viewer_IsRefusedAndNothingChanges()
    {
        var id = await RaiseAsync("a-view");

        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => _service.AcknowledgeAsync(Viewer, [id], default));

        Assert.Equal(Permission.Maintain, refused.Permission);
        Assert.Equal(AlertStates.Open, (await ViewAsync(id)).State);
    }

    [Fact]
    public async Task AcknowledgeAsync_Maintainer_RecordsTheirName_AndASecondAcknowledgementChangesNothing()
    {
        var id = await RaiseAsync("a-maint");

        var first = await _service.AcknowledgeAsync(Maintainer, [id], default);
        var second = await _service.AcknowledgeAsync(Administrator, [id], default);

        Assert.Equal((1, 0), (first, second));
        Assert.Equal("max", (await ViewAsync(id)).AcknowledgedBy);
    }

    [Fact]
    public async Task MuteAsync_Maintainer_IsRefused_MutesNeedAdminister()
    {
        var id = await RaiseAsync("m-maint");

        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => _service.MuteAsync(Maintainer, id, MuteScope.Package, TimeSpan.FromDays(1), default));

        Assert.Equal(Permission.Administer, refused.Permission);
        Assert.Empty(await _service.ActiveMutesAsync(default));
    }

    [Fact]
    public async Task MuteAsync_Package_TheNextAlertForItIsRecordedMuted_OtherPackagesAreNot()
    {
        var id = await RaiseAsync("m-pkg");

        Assert.Null(await _service.MuteAsync(Administrator, id, MuteScope.Package, TimeSpan.FromDays(7), default));
        var next = await RaiseAsync("m-pkg", key: "1.0.2");
        var other = await RaiseAsync("m-other");

        var mute = Assert.Single(await _service.ActiveMutesAsync(default));
        Assert.Equal((MuteScope.Package, "package npm:m-pkg", "ada"), (mute.Scope, mute.Description, mute.CreatedBy));
        Assert.Equal(AlertStates.Muted, (await ViewAsync(next)).State);
        Assert.Equal(AlertStates.Open, (await ViewAsync(other)).State);
        Assert.Equal(AlertStates.Open, (await ViewAsync(id)).State);
    }

    [Fact]
    public async Task ListAsync_AlertsRaisedAtTheSameTime_MostSevereFirst()
    {
        // One poll writes its alerts with one time; insertion order (the id) must not decide.
        var at = DateTimeOffset.UtcNow;
        await _alerts.InsertAsync("npm", "same-time", [
            new AlertCandidate(AlertKinds.NoEvidence, AlertSeverity.Info, "", "info", "text"),
            new AlertCandidate(AlertKinds.PublisherDrift, AlertSeverity.High, "2.0.0", "high", "text"),
            new AlertCandidate(AlertKinds.TrustDowngrade, AlertSeverity.Critical, "2.0.1", "critical", "text"),
            new AlertCandidate(AlertKinds.MaintainersChanged, AlertSeverity.Medium, "m", "medium", "text"),
        ], at, default);
        await _alerts.InsertAsync("npm", "later", [new AlertCandidate(AlertKinds.NoEvidence, AlertSeverity.Info, "", "later info", "text")], at.AddSeconds(1), default);

        var list = await _service.ListAsync(new AlertFilter(State: AlertFilter.AllStates), default);

        Assert.Equal(["later info", "critical", "high", "medium", "info"], list.Items.Select(a => a.Title));
    }

    [Fact]
    public async Task MuteAsync_KindAndAcknowledgeOpen_AcknowledgesOnlyThatKindsOpenAlerts_AndSaysSo()
    {
        var id = await RaiseAsync("ka-1", AlertSeverity.High, AlertKinds.PublisherDrift, "2.0.0");
        await RaiseAsync("ka-2", AlertSeverity.High, AlertKinds.PublisherDrift, "2.0.0");
        var historic = await RaiseAsync("ka-old", AlertSeverity.High, AlertKinds.PublisherDrift, "1.0.0", historic: true);
        var other = await RaiseAsync("ka-other", AlertSeverity.Critical);
        Assert.Equal(2, await _service.OpenCountOfKindAsync(AlertKinds.PublisherDrift, default));

        var outcome = await _service.MuteAsync(Administrator, id, MuteScope.Kind, TimeSpan.FromDays(7), acknowledgeOpen: true, default);

        Assert.Equal((null, "muted kind publisher-drift for 7 days; acknowledged 2 open alerts"), (outcome.Error, outcome.Done));
        Assert.Equal(0, await _service.OpenCountOfKindAsync(AlertKinds.PublisherDrift, default));
        Assert.Equal("ada", (await ViewAsync(id)).AcknowledgedBy);
        Assert.Equal(AlertStates.Historic, (await ViewAsync(historic)).State);
        Assert.Equal(AlertStates.Open, (await ViewAsync(other)).State);
        Assert.Equal("kind publisher-drift", Assert.Single(await _service.ActiveMutesAsync(default)).Description);
    }

    [Fact]
    public async Task MuteAsync_KindWithoutAcknowledging_LeavesOpenAlertsOpen()
    {
        var id = await RaiseAsync("kn-1", AlertSeverity.High, AlertKinds.PublisherDrift, "2.0.0");

        var outcome = await _service.MuteAsync(Administrator, id, MuteScope.Kind, TimeSpan.FromDays(1), acknowledgeOpen: false, default);

        Assert.Equal("muted kind publisher-drift for 1 day", outcome.Done);
        Assert.Equal(AlertStates.Open, (await ViewAsync(id)).State);
    }

    [Fact]
    public async Task MuteAsync_Kind_MutesThatKindForEveryPackage()
    {
        var id = await RaiseAsync("k-one", AlertSeverity.Medium, AlertKinds.MaintainersChanged, "maintainers:a>b");

        Assert.Null(await _service.MuteAsync(Administrator, id, MuteScope.Kind, TimeSpan.FromDays(1), default));
        var next = await RaiseAsync("k-two", AlertSeverity.Medium, AlertKinds.MaintainersChanged, "maintainers:c>d");

        Assert.Equal("kind maintainers-changed", Assert.Single(await _service.ActiveMutesAsync(default)).Description);
        Assert.Equal(AlertStates.Muted, (await ViewAsync(next)).State);
    }

    [Fact]
    public async Task MuteAsync_RefusalsAreSentences_NotExceptions()
    {
        var registryWide = await RaiseAsync("", AlertSeverity.Warning, AlertKinds.PollingFailing, "runs-from:1");
        var digest = await RaiseAsync("", AlertSeverity.Info, AlertKinds.Digest, "2026-01-01", registry: "all");
        var id = await RaiseAsync("r-pkg");

        Assert.Contains("mute its kind instead", await _service.MuteAsync(Administrator, registryWide, MuteScope.Package, TimeSpan.FromDays(1), default));
        Assert.Contains("digest cannot be muted", await _service.MuteAsync(Administrator, digest, MuteScope.Kind, TimeSpan.FromDays(1), default));
        Assert.Contains("between a minute and a year", await _service.MuteAsync(Administrator, id, MuteScope.Package, TimeSpan.FromDays(400), default));
        Assert.Contains("no longer exists", await _service.MuteAsync(Administrator, 999_999, MuteScope.Package, TimeSpan.FromDays(1), default));
        Assert.Empty(await _service.ActiveMutesAsync(default));
    }

    [Fact]
    public async Task UnmuteAsync_NeedsAdminister_AndEndsTheMuteOnce()
    {
        var id = await RaiseAsync("u-pkg");
        await _service.MuteAsync(Administrator, id, MuteScope.Package, TimeSpan.FromDays(1), default);
        var mute = Assert.Single(await _service.ActiveMutesAsync(default));

        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.UnmuteAsync(Maintainer, mute.Id, default));
        Assert.True(await _service.UnmuteAsync(Administrator, mute.Id, default));
        Assert.False(await _service.UnmuteAsync(Administrator, mute.Id, default));

        Assert.Empty(await _service.ActiveMutesAsync(default));
        Assert.Equal(AlertStates.Open, (await ViewAsync(await RaiseAsync("u-pkg", key: "1.0.2"))).State);
    }
}

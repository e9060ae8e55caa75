using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Alerts;

/// <summary>
/// Which alerts to list. <see cref="State"/> null or <see cref="AllStates"/> lists every state (the page defaults to
/// open alerts, the API to all).
/// <see cref="Page"/> counts from 1.
/// </summary>
public sealed record AlertFilter(string? Severity = null, string? Kind = null, string? Package = null, string? State = null, int Page = 1, int PageSize = 50)
{
    public const int MaxPageSize = 500;

    public const string AllStates = "all";

    /// <summary>Every invalid value, keyed by the query parameter it came from (empty when the filter is valid).</summary>
    public IReadOnlyDictionary<string, string[]> Problems()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (Severity is { Length: > 0 } && !AlertSeverities.TryParse(Severity, out _))
            errors["severity"] = ["one of " + string.Join(", ", AlertSeverities.All.Select(s => s.Code()))];
        if (Kind is { Length: > 0 } && !AlertKinds.All.Contains(Kind)) errors["kind"] = ["one of " + string.Join(", ", AlertKinds.All)];
        if (State is { Length: > 0 } and not AllStates && !AlertStates.All.Contains(State)) errors["state"] = ["one of " + string.Join(", ", AlertStates.All) + ", " + AllStates];
        if (Page < 1) errors["page"] = ["page starts at 1"];
        if (PageSize is < 1 or > MaxPageSize) errors["pageSize"] = [$"pageSize must be from 1 to {MaxPageSize}"];
        return errors;
    }
}

/// <summary>
/// One alert as the page and the API show it. <see cref="State"/> and <see cref="Delivery"/> are computed here and
/// nowhere else.
/// </summary>
public sealed record AlertView(
    long Id,
    string Kind,
    AlertSeverity Severity,
    string Registry,
    string? Package,
    string? Version,
    string Title,
    string Message,
    string CreatedAt,
    string State,
    string? AcknowledgedBy,
    string? AcknowledgedAt,
    long Sent,
    long Pending,
    long Failed,
    string Delivery,
    bool IsSample = false)
{
    /// <summary>The package's detail page, relative to the dashboard; null for the digest and registry-wide alerts.</summary>
    public string? PackageHref => Package is null ? null : PackageLinks.Detail(Registry, Package);

    public bool IsAcknowledged => AcknowledgedAt is not null;

    /// <summary>The digest is one message a day: there is nothing to mute.</summary>
    public bool CanMute => Kind != AlertKinds.Digest;

    public static AlertView From(AlertRow a) => new(a.Id, a.Kind, a.SeverityValue, a.Registry, a.Package.Length == 0 ? null : a.Package, a.Version,
        a.Title, a.Message, a.CreatedAt, StateOf(a), a.AcknowledgedBy, a.AcknowledgedAt, a.DeliveriesSent, a.DeliveriesPending, a.DeliveriesFailed,
        DeliveryOf(a), a.IsSample);

    /// <summary>Acknowledged wins; otherwise muted or historic (never delivered); otherwise open. Mirrors the repository's state filter.</summary>
    public static string StateOf(AlertRow a) =>
        a.AcknowledgedAt is not null ? AlertStates.Acknowledged
        : a.DispatchState == AlertStates.Muted ? AlertStates.Muted
        : a.DispatchState == AlertStates.Historic ? AlertStates.Historic
        : AlertStates.Open;

    public static string DeliveryOf(AlertRow a) => a.IsSample ? "not sent (sample)" : a.DispatchState switch
    {
        "muted" => "not sent (muted)",
        "historic" => "not sent (before tracking)",
        _ when a.DeliveriesSent + a.DeliveriesFailed + a.DeliveriesPending == 0 => a.DispatchState == "done" ? "no channel wanted it" : "queued",
        _ => $"sent to {a.DeliveriesSent}" + (a.DeliveriesPending > 0 ? $", {a.DeliveriesPending} retrying" : "") +
             (a.DeliveriesFailed > 0 ? $", {a.DeliveriesFailed} failed ({a.LastDeliveryError})" : ""),
    };
}

public sealed record AlertList(int Total, int Page, int PageSize, IReadOnlyList<AlertView> Items);

public sealed record AlertDetail(AlertView Alert, IReadOnlyList<AlertDeliveryRow> Deliveries);

/// <summary>What a mute silences: one package, or one kind of alert for every package.</summary>
public enum MuteScope
{
    Package,
    Kind,
}

/// <summary>What a mute did, in a sentence for the user ("muted kind X for 7 days; acknowledged 4 open alerts"), or why it could not.</summary>
public sealed record MuteOutcome(string? Error, string? Done)
{
    public static MuteOutcome Refused(string error) => new(error, null);
}

public sealed record MuteView(long Id, MuteScope Scope, string Description, string Until, string CreatedBy);

/// <summary>What the Alerts page and the alerts API do: list and count, acknowledge, mute and unmute.</summary>
public sealed class AlertService(AlertRepository alerts, AlertDeliveryRepository deliveries, TimeProvider? time = null)
{
    public sealed record MuteDuration(string Label, TimeSpan Duration);

    public static readonly TimeSpan MaxMute = TimeSpan.FromDays(365);

    public static IReadOnlyList<MuteDuration> MuteDurations { get; } =
    [
        new("1 day", TimeSpan.FromDays(1)),
        new("7 days", TimeSpan.FromDays(7)),
        new("30 days", TimeSpan.FromDays(30)),
    ];

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>One page of alerts, newest first. The filter must be valid (<see cref="AlertFilter.Problems"/>).</summary>
    public async Task<AlertList> ListAsync(AlertFilter filter, CancellationToken ct)
    {
        if (filter.Problems() is { Count: > 0 } problems)
            throw new ArgumentException("Invalid alert filter: " + string.Join("; ", problems.Select(p => $"{p.Key} {p.Value[0]}")), nameof(filter));
        var (items, total) = await alerts.QueryAsync(
            new AlertQuery(filter.Severity, filter.Kind, filter.Package, filter.State is AlertFilter.AllStates ? null : filter.State, (filter.Page - 1) * filter.PageSize, filter.PageSize), ct);
        return new AlertList(total, filter.Page, filter.PageSize, items.Select(AlertView.From).ToList());
    }

    /// <summary>Open alerts (not acknowledged, not muted, not historic) per severity; every severity present, zero when none.</summary>
    public async Task<IReadOnlyDictionary<AlertSeverity, long>> OpenCountsAsync(CancellationToken ct)
    {
        var counts = await alerts.OpenCountsBySeverityAsync(ct);
        return AlertSeverities.All.ToDictionary(s => s, s => counts.GetValueOrDefault(s.Code()));
    }

    public async Task<AlertDetail?> GetAsync(long id, CancellationToken ct) =>
        await alerts.GetAsync(id, ct) is { } alert ? new AlertDetail(AlertView.From(alert), await deliveries.ListForAlertAsync(id, ct)) : null;

    /// <summary>Each channel's delivery of one alert: state, attempts, last error.</summary>
    public Task<IReadOnlyList<AlertDeliveryRow>> DeliveriesAsync(long alertId, CancellationToken ct) => deliveries.ListForAlertAsync(alertId, ct);

    /// <summary>Acknowledges the alerts not yet acknowledged, recording who did; returns how many changed.</summary>
    public async Task<int> AcknowledgeAsync(Actor actor, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        return ids.Count == 0 ? 0 : await alerts.AcknowledgeAsync(ids, actor.Name, _time.GetUtcNow(), ct);
    }

    /// <summary>
    /// Mutes the alert's package or its kind for a period: alerts raised meanwhile are recorded, not delivered.
    /// Returns why it could not, or null.
    /// </summary>
    public async Task<string?> MuteAsync(Actor actor, long alertId, MuteScope scope, TimeSpan duration, CancellationToken ct) =>
        (await MuteAsync(actor, alertId, scope, duration, acknowledgeOpen: false, ct)).Error;

    /// <summary>
    /// Mutes the alert's package or its kind for a period; muting a kind can also acknowledge that kind's open alerts
    /// (the mute and the acknowledgements are one transaction). Says what it did, or why it could not.
    /// </summary>
    public async Task<MuteOutcome> MuteAsync(Actor actor, long alertId, MuteScope scope, TimeSpan duration, bool acknowledgeOpen, CancellationToken ct)
    {
        actor.Require(Permission.Administer);
        if (duration < TimeSpan.FromMinutes(1) || duration > MaxMute) return MuteOutcome.Refused("Mute for between a minute and a year.");
        if (await alerts.GetAsync(alertId, ct) is not { } alert) return MuteOutcome.Refused("The alert no longer exists.");
        if (alert.Kind == AlertKinds.Digest) return MuteOutcome.Refused("The daily digest cannot be muted: turn it off per channel in Settings.");
        var now = _time.GetUtcNow();
        var period = LabelOf(duration);
        switch (scope)
        {
            case MuteScope.Package when alert.Package.Length > 0:
                await alerts.MuteAsync("package", alert.Registry, alert.Package, null, now + duration, actor.Name, now, ct);
                return new MuteOutcome(null, $"muted package {alert.Registry}:{alert.Package} for {period}");
            case MuteScope.Kind when acknowledgeOpen:
                var acknowledged = await alerts.MuteKindAndAcknowledgeAsync(alert.Kind, now + duration, actor.Name, now, ct);
                return new MuteOutcome(null, $"muted kind {alert.Kind} for {period}; acknowledged {Alerts(acknowledged)}");
            case MuteScope.Kind:
                await alerts.MuteAsync("kind", null, null, alert.Kind, now + duration, actor.Name, now, ct);
                return new MuteOutcome(null, $"muted kind {alert.Kind} for {period}");
            default:
                return MuteOutcome.Refused("This alert is not about a package: mute its kind instead.");
        }
    }

    /// <summary>How many alerts of a kind are open (not acknowledged, muted or historic): what muting the kind can acknowledge.</summary>
    public async Task<int> OpenCountOfKindAsync(string kind, CancellationToken ct) =>
        (await alerts.QueryAsync(new AlertQuery(Kind: kind, State: AlertStates.Open, Take: 1), ct)).Total;

    /// <summary>These alerts as they are now (e.g. just acknowledged), in no particular order; missing ids are left out.</summary>
    public async Task<IReadOnlyList<AlertView>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken ct) =>
        (await alerts.GetManyAsync(ids, ct)).Select(AlertView.From).ToList();

    public static string LabelOf(TimeSpan duration) => MuteDurations.FirstOrDefault(d => d.Duration == duration)?.Label ?? duration.ToString();

    private static string Alerts(int count) => count == 1 ? "1 open alert" : $"{count} open alerts";

    /// <summary>Ends a mute now; false when it had already ended.</summary>
    public async Task<bool> UnmuteAsync(Actor actor, long muteId, CancellationToken ct)
    {
        actor.Require(Permission.Administer);
        return await alerts.UnmuteAsync(muteId, _time.GetUtcNow(), ct);
    }

    public async Task<IReadOnlyList<MuteView>> ActiveMutesAsync(CancellationToken ct) =>
        (await alerts.ActiveMutesAsync(_time.GetUtcNow(), ct)).Select(m => m.Scope == "package"
            ? new MuteView(m.Id, MuteScope.Package, $"package {m.Registry}:{m.Package}", m.Until, m.CreatedBy)
            : new MuteView(m.Id, MuteScope.Kind, $"kind {m.Kind}", m.Until, m.CreatedBy)).ToList();
}

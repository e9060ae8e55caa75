using Microsoft.AspNetCore.Http.HttpResults;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Web.Api;

/// <summary>
/// Alerts as JSON, for SIEMs and scripts. Routes:
///   GET /api/v1/alerts?severity=&amp;kind=&amp;package=&amp;state=open|acknowledged|muted|historic|all&amp;page=&amp;pageSize=
///   GET /api/v1/alerts/{id}        one alert with its deliveries
/// Errors are RFC 7807 problem details.
/// </summary>
public static class AlertsApi
{
    public sealed record AlertItem(long Id, string Kind, string Severity, string Registry, string? Package, string? Version, string Title, string Message,
        string CreatedAt, string State, string? AcknowledgedBy, string? AcknowledgedAt, long Sent, long Pending, long Failed)
    {
        public static AlertItem From(AlertRow a) => new(a.Id, a.Kind, a.Severity, a.Registry, a.Package.Length == 0 ? null : a.Package, a.Version,
            a.Title, a.Message, a.CreatedAt,
            a.AcknowledgedAt is not null ? AlertStates.Acknowledged : a.DispatchState is "muted" or "historic" ? a.DispatchState : AlertStates.Open,
            a.AcknowledgedBy, a.AcknowledgedAt, a.DeliveriesSent, a.DeliveriesPending, a.DeliveriesFailed);
    }

    public sealed record AlertListResponse(int Total, int Page, int PageSize, IReadOnlyList<AlertItem> Items);

    public sealed record AlertDetailResponse(AlertItem Alert, IReadOnlyList<AlertDeliveryRow> Deliveries);

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/alerts");
        api.MapGet("", ListAsync);
        api.MapGet("/{id:long}", GetAsync);
        return app;
    }

    private static async Task<Results<Ok<AlertListResponse>, ProblemHttpResult>> ListAsync(string? severity, string? kind, string? package, string? state,
        int? page, int? pageSize, AlertRepository alerts, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (severity is { Length: > 0 } && !AlertSeverities.TryParse(severity, out _)) errors["severity"] = ["one of critical, high, medium, warning, info"];
        if (kind is { Length: > 0 } && !AlertKinds.All.Contains(kind)) errors["kind"] = ["one of " + string.Join(", ", AlertKinds.All)];
        if (state is { Length: > 0 } && state != "all" && !AlertStates.All.Contains(state)) errors["state"] = ["one of open, acknowledged, muted, historic, all"];
        if (page is < 1) errors["page"] = ["page starts at 1"];
        if (pageSize is < 1 or > 500) errors["pageSize"] = ["pageSize must be from 1 to 500"];
        if (errors.Count > 0)
            return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ValidationProblemDetails(errors)
            {
                Title = "The query parameters are not valid.",
                Status = StatusCodes.Status400BadRequest,
            });
        var size = pageSize ?? 50;
        var number = page ?? 1;
        var (items, total) = await alerts.QueryAsync(new AlertQuery(severity, kind, package, state is null or "all" ? null : state, (number - 1) * size, size), ct);
        return TypedResults.Ok(new AlertListResponse(total, number, size, items.Select(AlertItem.From).ToList()));
    }

    private static async Task<Results<Ok<AlertDetailResponse>, ProblemHttpResult>> GetAsync(long id, AlertRepository alerts, CancellationToken ct)
    {
        if (await alerts.GetAsync(id, ct) is not { } alert)
            return TypedResults.Problem($"There is no alert {id}.", statusCode: StatusCodes.Status404NotFound, title: "Alert not found");
        return TypedResults.Ok(new AlertDetailResponse(AlertItem.From(alert), await alerts.DeliveriesAsync(id, ct)));
    }
}

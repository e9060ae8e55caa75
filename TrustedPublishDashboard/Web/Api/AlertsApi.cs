using Microsoft.AspNetCore.Http.HttpResults;
using TrustedPublishDashboard.Alerts;
using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Web.Api;

/// <summary>
/// Alerts as JSON, for SIEMs and scripts. Routes:
///   GET /api/v1/alerts?severity=&amp;kind=&amp;package=&amp;state=open|acknowledged|muted|historic|all&amp;page=&amp;pageSize=
///   GET /api/v1/alerts/{id}        one alert with its deliveries
/// Errors are RFC 7807 problem details. What an alert's state is, is <see cref="AlertService"/>'s answer, as on the page.
/// </summary>
public static class AlertsApi
{
    public sealed record AlertItem(long Id, string Kind, string Severity, string Registry, string? Package, string? Version, string Title, string Message,
        string CreatedAt, string State, string? AcknowledgedBy, string? AcknowledgedAt, long Sent, long Pending, long Failed)
    {
        public static AlertItem From(AlertView a) => new(a.Id, a.Kind, Domain.AlertSeverities.Code(a.Severity), a.Registry, a.Package, a.Version,
            a.Title, a.Message, a.CreatedAt, a.State, a.AcknowledgedBy, a.AcknowledgedAt, a.Sent, a.Pending, a.Failed);
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
        int? page, int? pageSize, AlertService alerts, CancellationToken ct)
    {
        var filter = new AlertFilter(severity, kind, package, state, page ?? 1, pageSize ?? 50);
        if (filter.Problems() is { Count: > 0 } errors)
            return TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ValidationProblemDetails(errors.ToDictionary())
            {
                Title = "The query parameters are not valid.",
                Status = StatusCodes.Status400BadRequest,
            });
        var list = await alerts.ListAsync(filter, ct);
        return TypedResults.Ok(new AlertListResponse(list.Total, list.Page, list.PageSize, list.Items.Select(AlertItem.From).ToList()));
    }

    private static async Task<Results<Ok<AlertDetailResponse>, ProblemHttpResult>> GetAsync(long id, AlertService alerts, CancellationToken ct)
    {
        if (await alerts.GetAsync(id, ct) is not { } detail)
            return TypedResults.Problem($"There is no alert {id}.", statusCode: StatusCodes.Status404NotFound, title: "Alert not found");
        return TypedResults.Ok(new AlertDetailResponse(AlertItem.From(detail.Alert), detail.Deliveries));
    }
}

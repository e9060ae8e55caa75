using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Packages;

namespace TrustedPublishDashboard.Web.Api;

/// <summary>
/// The JSON API under /api/v1 and the exports. Routes:
///   GET /api/v1/packages                          list (grid filters as query parameters), paged
///   GET /api/v1/packages/export.csv | export.json same filters, every row, streamed
///   GET /api/v1/packages/{registry}/{name}        one package with versions and findings (scoped names: @scope/name)
///   GET /api/v1/poll-runs                         recent poll runs
/// Errors are RFC 7807 problem details.
/// </summary>
public static class PackagesApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapPackagesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/packages", ListAsync);
        api.MapGet("/packages/export.csv", ExportCsvAsync);
        api.MapGet("/packages/export.json", ExportJsonAsync);
        api.MapGet("/packages/{registry}/{**name}", GetAsync);
        api.MapGet("/poll-runs", PollRunsAsync);
        return app;
    }

    private static ProblemHttpResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ValidationProblemDetails(errors.ToDictionary())
        {
            Title = "The query parameters are not valid.",
            Status = StatusCodes.Status400BadRequest,
            Type = "https://datatracker.ietf.org/doc/html/rfc9110#section-15.5.1",
        });

    /// <summary>The grid state of a request's query string (the same parameters as the grid page's address).</summary>
    private static GridStateParse ReadState(HttpRequest request, bool paged) =>
        PackageGridState.Parse(request.Query.ToDictionary(kv => kv.Key, kv => (string?)kv.Value.ToString(), StringComparer.OrdinalIgnoreCase), paged);

    private static async Task<Results<Ok<PackageListResponse>, ProblemHttpResult>> ListAsync(HttpRequest request, PackagesService packages, CancellationToken ct)
    {
        var parse = ReadState(request, paged: true);
        if (parse.State is not { } state) return Invalid(parse.Errors);
        var page = await packages.QueryAsync(state, ct);
        return TypedResults.Ok(new PackageListResponse(page.Total, state.Page, state.PageSize, page.Items.Select(PackageItem.From).ToList(), page.Groups));
    }

    private static async Task<Results<Ok<PackageDetailResponse>, ProblemHttpResult>> GetAsync(string registry, string name, PackageDetailService details, CancellationToken ct)
    {
        var lookup = await details.LookupAsync(registry, name, ct);
        if (lookup.Detail is not { } detail)
        {
            var (status, title) = lookup.Problem switch
            {
                PackageLookupProblem.UnknownRegistry => (StatusCodes.Status404NotFound, "Unknown registry"),
                PackageLookupProblem.InvalidName => (StatusCodes.Status400BadRequest, "Invalid package name"),
                _ => (StatusCodes.Status404NotFound, "Package not tracked"),
            };
            return TypedResults.Problem(lookup.Message, statusCode: status, title: title);
        }
        return TypedResults.Ok(new PackageDetailResponse(
            PackageItem.From(detail.Row),
            detail.Timeline.Select(VersionItem.From).ToList(),
            detail.Findings.Select(FindingItem.From).ToList(),
            detail.Row.ConsecutiveFailures));
    }

    private static async Task<Results<Ok<IReadOnlyList<PollRunRow>>, ProblemHttpResult>> PollRunsAsync(int? take, PackageDetailService details, CancellationToken ct)
    {
        if (take is < 1 or > 500)
            return Invalid(new Dictionary<string, string[]> { ["take"] = ["take must be from 1 to 500"] });
        return TypedResults.Ok(await details.RecentPollsAsync(take ?? 20, ct));
    }

    public static readonly string[] CsvColumns =
    [
        "registry", "name", "group", "sample", "status", "latest_version", "latest_method", "latest_published_at", "provenance",
        "publisher_repository", "publisher_workflow", "last_token_version", "last_token_at", "findings", "checked_at", "error", "accepted_findings",
    ];

    private static async Task<IResult> ExportCsvAsync(HttpContext context, PackagesService packages, CancellationToken ct)
    {
        var parse = ReadState(context.Request, paged: false);
        if (parse.State is not { } state) return Invalid(parse.Errors);
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"packages-{DateTime.UtcNow:yyyyMMdd-HHmm}.csv\"";
        await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 16 * 1024);
        await writer.WriteLineAsync(string.Join(',', CsvColumns));
        var n = 0;
        await foreach (var r in packages.ExportAsync(state, ct))
        {
            await writer.WriteLineAsync(string.Join(',',
                Csv(r.Registry), Csv(r.Name), Csv(r.GroupName), r.IsSample ? "true" : "false", Csv(r.Status ?? "pending"),
                Csv(r.LatestVersion), Csv(r.LatestMethod), Csv(r.LatestPublishedAt), r.LatestProvenance switch { true => "true", false => "false", _ => "" },
                Csv(r.LatestRepository), Csv(r.LatestWorkflow), Csv(r.LastTokenVersion), Csv(r.LastTokenAt),
                r.FindingCount.ToString(CultureInfo.InvariantCulture), Csv(r.CheckedAt), Csv(r.Error), r.AcceptedCount.ToString(CultureInfo.InvariantCulture)));
            if (++n % 500 == 0) await writer.FlushAsync(ct);
        }
        return Results.Empty;
    }

    private static async Task<IResult> ExportJsonAsync(HttpContext context, PackagesService packages, CancellationToken ct)
    {
        var parse = ReadState(context.Request, paged: false);
        if (parse.State is not { } state) return Invalid(parse.Errors);
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"packages-{DateTime.UtcNow:yyyyMMdd-HHmm}.json\"";
        // Written into the response pipe (no synchronous stream IO) and flushed to the client every 500 rows.
        var pipe = context.Response.BodyWriter;
        await using var json = new Utf8JsonWriter(pipe);
        json.WriteStartArray();
        var n = 0;
        await foreach (var r in packages.ExportAsync(state, ct))
        {
            JsonSerializer.Serialize(json, PackageItem.From(r), Json);
            if (++n % 500 == 0) await pipe.FlushAsync(ct);
        }
        json.WriteEndArray();
        json.Flush();
        await pipe.FlushAsync(ct);
        return Results.Empty;
    }

    /// <summary>
    /// One CSV text cell, quoted when needed. Every text cell that a spreadsheet would read as a formula (starting with
    /// = + - @, tab or carriage return) is prefixed with an apostrophe, whatever its source: versions, repositories and
    /// workflow paths come from registry metadata that anyone who can publish controls. A scoped npm name (@scope/x)
    /// gets the prefix too; its exact value is in the JSON export.
    /// </summary>
    public static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    public static string ETagFor(string content) => "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..16] + "\"";
}

public sealed record PublisherItem(string? Provider, string? Repository, string? Workflow);

public sealed record LastTokenItem(string Version, string? At);

public sealed record PackageItem(string Registry, string Name, string? Group, bool Sample, string Status, string? LatestVersion, string? LatestMethod,
    string? LatestPublishedAt, bool? Provenance, PublisherItem? Publisher, LastTokenItem? LastTokenPublish, long Findings, string? CheckedAt, string? Error)
{
    /// <summary>Findings a person accepted; <see cref="Findings"/> counts the open ones only.</summary>
    public long AcceptedFindings { get; init; }

    public static PackageItem From(ComplianceRow r) => new(r.Registry, r.Name, r.GroupName, r.IsSample, r.Status ?? "pending", r.LatestVersion, r.LatestMethod,
        r.LatestPublishedAt, r.LatestProvenance,
        r.LatestRepository is null && r.LatestWorkflow is null && r.LatestProvider is null ? null : new PublisherItem(r.LatestProvider, r.LatestRepository, r.LatestWorkflow),
        r.LastTokenVersion is null ? null : new LastTokenItem(r.LastTokenVersion, r.LastTokenAt),
        r.FindingCount, r.CheckedAt, r.Error) { AcceptedFindings = r.AcceptedCount };
}

public sealed record PackageListResponse(int Total, int Page, int PageSize, IReadOnlyList<PackageItem> Items,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ComplianceGroup>? Groups = null);

public sealed record VersionItem(string Version, string? PublishedAt, string Method, bool Provenance, PublisherIdentity? Publisher, string? PublishedBy,
    string? ApprovedBy, string? EvidenceError)
{
    public static VersionItem From(VersionEvidence v) => new(v.Version, v.PublishedAt is { } t ? DbTime.ToText(t) : null, v.Method.Code(), v.Provenance,
        v.Publisher, v.PublishedBy, v.ApprovedBy, v.EvidenceError);
}

/// <summary>A finding with its state (open or accepted), the acceptance in force, and its history.</summary>
public sealed record FindingItem(string Kind, string? Version, string Message, string DetectedAt)
{
    public string State { get; init; } = "open";
    public AcceptanceItem? Acceptance { get; init; }
    public IReadOnlyList<FindingEvent> History { get; init; } = [];

    public static FindingItem From(FindingView f) => new(f.Kind, f.Version, f.Message, f.DetectedAt)
    {
        State = f.State.State(),
        Acceptance = f.Acceptance is { } a ? new AcceptanceItem(a.ReasonKind, a.Reason, a.AcceptedBy, a.AcceptedAt, a.ExpiresAt) : null,
        History = f.History,
    };
}

public sealed record AcceptanceItem(string ReasonKind, string Reason, string AcceptedBy, string AcceptedAt, string? ExpiresAt);

public sealed record PackageDetailResponse(PackageItem Package, IReadOnlyList<VersionItem> Versions, IReadOnlyList<FindingItem> Findings, long ConsecutiveFailures);

using System.Net;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Packages;

namespace TrustedPublishDashboard.Web.Api;

/// <summary>
/// GET /badge/{registry}/{name}.svg — "trusted publishing | oidc" (green), "compliant · 1 accepted" (green: compliant because a
/// person accepted findings, said so), "token" (red), "drift" (orange) or "unknown" (grey),
/// with an ETag and a short cache lifetime. Anonymous only when Badges:Public is true.
/// </summary>
public static class Badges
{
    public const string PublicKey = "Badges:Public";
    public const string Label = "trusted publishing";

    public sealed record Badge(string Message, string Colour);

    /// <summary>Which badge a grid row earns. Pure.</summary>
    public static Badge For(ComplianceRow? row) => row?.StatusValue switch
    {
        // "oidc" would not be true of a token-published version whose finding was accepted: the marker says why it passes.
        ComplianceStatus.Compliant when row.AcceptedCount > 0 => new($"compliant · {row.AcceptedCount} accepted", "#2e8540"),
        ComplianceStatus.Compliant => new("oidc", "#2e8540"),
        // Still published by a trusted publisher, but not the one before: drift, not tokens.
        ComplianceStatus.NonCompliant when row.HasDrift && !row.HasDowngrade && row.LatestMethodValue?.IsTrusted() == true => new("drift", "#d9730d"),
        ComplianceStatus.NonCompliant => new("token", "#c62828"),
        ComplianceStatus.NotPublished => new("not published", "#1e88e5"),
        _ => new("unknown", "#6e7781"),
    };

    public static string Svg(Badge badge)
    {
        static int Width(string text) => 10 + (int)Math.Ceiling(text.Length * 6.6);
        var left = Width(Label);
        var right = Width(badge.Message);
        var total = left + right;
        return $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{Label}: {badge.Message}">
            <title>{Label}: {badge.Message}</title>
            <linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
            <clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>
            <g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/><rect x="{left}" width="{right}" height="20" fill="{badge.Colour}"/><rect width="{total}" height="20" fill="url(#s)"/></g>
            <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
            <text x="{left / 2}" y="14">{Label}</text><text x="{left + right / 2}" y="14">{WebUtility.HtmlEncode(badge.Message)}</text>
            </g></svg>
            """;
    }

    public static IEndpointRouteBuilder MapBadges(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        var route = app.MapGet("/badge/{registry}/{**name}", ServeAsync);
        if (configuration.GetValue(PublicKey, false)) route.AllowAnonymous();
        return app;
    }

    private static async Task<IResult> ServeAsync(string registry, string name, HttpContext context, PackageDetailService details, IConfiguration configuration, CancellationToken ct)
    {
        if (!name.EndsWith(".svg", StringComparison.Ordinal) || !RegistryCatalog.TryParse(registry, out var reg))
            return Results.Problem("Badges are at /badge/<registry>/<name>.svg.", statusCode: StatusCodes.Status404NotFound);
        // An untracked or invalid name gets the grey badge rather than an error: a README image should not break.
        var row = await details.FindRowAsync(reg.Code(), name[..^4], ct);
        var svg = Svg(For(row));
        var etag = PackagesApi.ETagFor(svg);
        var isPublic = configuration.GetValue(PublicKey, false);
        context.Response.Headers.CacheControl = (isPublic ? "public" : "private") + ", max-age=300";
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.ToString() == etag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Text(svg, "image/svg+xml; charset=utf-8");
    }
}

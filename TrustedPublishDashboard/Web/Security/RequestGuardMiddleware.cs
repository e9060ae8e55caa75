namespace TrustedPublishDashboard.Web.Security;

/// <summary>
/// First in the pipeline: refuses a foreign <c>Host</c> (DNS rebinding) and a foreign <c>Origin</c> on the live
/// connection and on anything that changes data (cross-site requests), and adds the security headers every answer carries.
/// </summary>
public sealed class RequestGuardMiddleware(RequestDelegate next, HostPolicy policy, ILogger<RequestGuardMiddleware> logger)
{
    public const string HealthPath = "/healthz";
    public const string HubPath = "/_blazor";

    // Blazor Server needs inline style attributes (component libraries set them) and a same-origin WebSocket;
    // no inline or foreign script, no framing (clickjacking), no plugins, forms only to ourselves.
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        if (request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/onboarding", out var rest) && rest.Value?.Contains("/artifacts/", StringComparison.Ordinal) == true)
            headers.CacheControl = "no-store";

        // Health probes arrive with whatever Host the orchestrator uses (a pod IP, a service name); the anonymous
        // answer carries the status only, so it is served to any Host (HealthResponse decides how much to say).
        if (!request.Path.StartsWithSegments(HealthPath) && !policy.IsAllowedHost(request.Host.Host))
        {
            logger.LogWarning("Refused a request for Host '{Host}' from {Remote}", request.Host.Value, context.Connection.RemoteIpAddress);
            return RefuseAsync(context, StatusCodes.Status400BadRequest,
                $"This dashboard does not answer to the host name '{Truncate(request.Host.Value)}'. Open it through a loopback address " +
                $"(http://127.0.0.1:<port> or http://localhost:<port>), or add the name people use to {HostPolicy.AllowedHostsKey}.");
        }

        if (NeedsSameOrigin(request) && request.Headers.Origin is { Count: > 0 } origins)
        {
            var origin = origins.ToString();
            if (!HostPolicy.IsSameOrigin(origin, request.Host))
            {
                logger.LogWarning("Refused a cross-origin {Method} {Path} from Origin '{Origin}'", request.Method, request.Path, origin);
                return RefuseAsync(context, StatusCodes.Status403Forbidden,
                    $"Cross-origin request refused: a page from '{Truncate(origin)}' may not open a dashboard connection or change its data.");
            }
        }
        return next(context);
    }

    /// <summary>The live connection (every method: a WebSocket upgrade is a GET) and every method that can change state.</summary>
    private static bool NeedsSameOrigin(HttpRequest request) =>
        request.Path.StartsWithSegments(HubPath) || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(message + "\n");
    }

    private static string Truncate(string? value) => value is null ? "" : value.Length <= 100 ? value : value[..100] + "…";
}

using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Monitoring;

namespace TrustedPublishDashboard.Web.Health;

/// <summary>Healthy when the database answers and its schema is the one this build expects.</summary>
public sealed class DatabaseHealthCheck(IDbConnectionFactory connections, MigrationRunner migrations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await MigrationRunner.ReadVersionAsync(connections, cancellationToken);
            var data = new Dictionary<string, object> { ["schemaVersion"] = version, ["expectedSchemaVersion"] = migrations.LatestKnownVersion };
            return version == migrations.LatestKnownVersion
                ? HealthCheckResult.Healthy($"{connections.Description}, schema version {version}", data)
                : HealthCheckResult.Unhealthy($"schema version {version}, expected {migrations.LatestKnownVersion}", data: data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("database unavailable: " + ex.Message);
        }
    }
}

/// <summary>Healthy when the background scheduler is running (not stopped, not in standby).</summary>
public sealed class SchedulerHealthCheck(SchedulerHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = host.Scheduler;
        var result = scheduler switch
        {
            null => HealthCheckResult.Unhealthy("scheduler not started"),
            { IsShutdown: true } => HealthCheckResult.Unhealthy("scheduler shut down"),
            { InStandbyMode: true } => HealthCheckResult.Unhealthy("scheduler in standby"),
            _ => HealthCheckResult.Healthy($"running {JobCatalog.All.Count} job(s)", new Dictionary<string, object> { ["jobs"] = JobCatalog.All.Count }),
        };
        return Task.FromResult(result);
    }
}

public static class HealthResponse
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = false };

    /// <summary>
    /// To a caller on this machine through a name the dashboard serves:
    /// {"status":"healthy","checks":{"database":{"status":"healthy","description":"…","durationMs":1.2,"data":{…}}},"durationMs":3.4}.
    /// To anyone else (a probe through a published port, another host, a foreign Host): {"status":"healthy"} only —
    /// the details name the database file and the schema, which are nobody else's business.
    /// </summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var status = report.Status.ToString().ToLowerInvariant();
        if (!MayReadDetails(context)) return context.Response.WriteAsync(JsonSerializer.Serialize(new { status }, Json));
        var body = new
        {
            status,
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString().ToLowerInvariant(),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 2),
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 2),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }

    private static bool MayReadDetails(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        var local = remote is null || System.Net.IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);
        return local && context.RequestServices.GetRequiredService<Security.HostPolicy>().IsAllowedHost(context.Request.Host.Host);
    }

    public static HealthCheckOptions Options { get; } = new()
    {
        ResponseWriter = WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };
}

using TrustedPublishDashboard.Alerts;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Registries;
using TrustedPublishDashboard.Web.Security;

namespace TrustedPublishDashboard.Settings;

/// <summary>A background job's effective schedule, as the job catalogue describes it, and the settings that change it.</summary>
public sealed record JobScheduleSetting(string Key, string Name, string Schedule, string Expression, string CronKey, string IntervalKey, string? SetBy);

/// <summary>The configuration this instance runs with, as the Settings page shows it (secrets are never part of it).</summary>
public sealed record EffectiveSettings(
    string SignIn,
    IReadOnlyList<string> ListenAddresses,
    string Database,
    int SchemaVersion,
    IReadOnlyList<string> AllowedHosts,
    string? AlertLinkBase,
    bool AlertLinkBaseConfigured,
    IReadOnlyList<JobScheduleSetting> Jobs);

/// <summary>
/// What the Settings page shows: the effective configuration, read from the services that use it (so it is what runs,
/// not what a file says), and which registry each registry client reads and where that address came from.
/// </summary>
public sealed class SettingsService(
    AuthMode authMode,
    Web.ListenAddresses listen,
    IDbConnectionFactory database,
    MigrationRunner migrations,
    HostPolicy hosts,
    AlertLinks alertLinks,
    IConfiguration configuration,
    IEnumerable<IRegistryEndpointSource> registries)
{
    public EffectiveSettings Current() => new(
        SignInText(authMode),
        listen.Current,
        database.Description,
        migrations.LatestKnownVersion,
        hosts.ConfiguredNames.ToList(),
        alertLinks.DashboardUrl?.ToString(),
        alertLinks.IsConfigured,
        JobCatalog.All.Select(Job).ToList());

    /// <summary>
    /// Each registry's address and its source. Slow when a registry client has to be asked (npm config get registry
    /// runs the npm client), so the page loads it separately.
    /// </summary>
    public async Task<IReadOnlyList<RegistryEndpoint>> RegistriesAsync(CancellationToken ct)
    {
        var result = new List<RegistryEndpoint>();
        foreach (var source in registries.OrderBy(r => r.Registry)) result.Add(await source.DescribeAsync(ct));
        return result;
    }

    private JobScheduleSetting Job(JobDefinition job)
    {
        var schedule = JobCatalog.ScheduleFor(job, configuration);
        var setBy = configuration[job.CronKey] is { Length: > 0 } ? job.CronKey
            : configuration[job.IntervalKey] is { Length: > 0 } ? job.IntervalKey
            : null;
        return new JobScheduleSetting(job.Key, job.Name, schedule.Describe(), schedule.Expression, job.CronKey, job.IntervalKey, setBy);
    }

    private static string SignInText(AuthMode mode) =>
        !mode.LocalOnly ? "identity provider"
        : mode.RemoteWithoutSignIn ? $"local-only mode, reachable from other machines without sign-in ({AuthMode.AllowRemoteKey})"
        : "local-only mode (no identity provider configured)";
}

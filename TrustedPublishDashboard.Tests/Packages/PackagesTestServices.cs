using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Extensions;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Registries;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Packages;

/// <summary>
/// The app's own registrations for the packages area (data, registries, onboarding, packages, polling) over a test
/// database, without a web host: shared by the service tests and the bUnit page tests.
/// </summary>
public static class PackagesTestServices
{
    public static Actor Maintainer { get; } = new("maintainer", new HashSet<string>(StringComparer.Ordinal) { Actor.MaintainerRole });

    public static Actor Viewer { get; } = new("viewer", new HashSet<string>(StringComparer.Ordinal) { Actor.ViewerRole });

    public static IServiceCollection AddPackagesOver(this IServiceCollection services, TempDatabase db)
    {
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(
        [
            new KeyValuePair<string, string?>("ConnectionStrings:Dashboard", db.ConnectionString),
            // Nothing here polls; a registry that is never there keeps any slip from leaving the machine.
            new KeyValuePair<string, string?>("Registries:Npm:BaseUrl", "http://127.0.0.1:9/"),
        ]).Build());
        services.AddLogging();
        services.AddDashboardData().AddDashboardRegistries().AddDashboardOnboarding().AddDashboardPackages();
        services.AddSingleton<PollService>();
        return services;
    }

    /// <summary>Tracks a package and stores its history as a successful poll would (the rules evaluate it).</summary>
    public static async Task<long> TrackWithHistoryAsync(this IServiceProvider services, PackageHistory history, string? group = null)
    {
        var packages = services.GetRequiredService<PackageRepository>();
        await packages.AddAsync([history.Package], group, default);
        var row = (await packages.FindAsync(history.Package, default))!;
        await services.GetRequiredService<EvidenceRepository>().SaveFetchedAsync(row.Id,
            new RegistryFetch.Fetched(history, [], null, null, [], new HashSet<string>()), EvidenceRules.Evaluate(history), DateTimeOffset.UtcNow, default);
        return row.Id;
    }

    /// <summary>A package published once by a trusted publisher, then with a token: non-compliant with a trust downgrade.</summary>
    public static PackageHistory Downgraded(string name, string repository = "o/r") => new(new PackageId(Registry.Npm, name), "2.0.0",
    [
        new VersionEvidence("1.0.0", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), PublishMethod.TrustedPublisher, true,
            new PublisherIdentity("github", repository, ".github/workflows/release.yml", ConfigId: "oidc:1"), "GitHub Actions"),
        new VersionEvidence("2.0.0", new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), PublishMethod.Token, false, null, "someone"),
    ]);

    /// <summary>A package only ever published by its trusted publisher: compliant.</summary>
    public static PackageHistory Trusted(string name, string repository) => new(new PackageId(Registry.Npm, name), "1.0.0",
    [
        new VersionEvidence("1.0.0", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), PublishMethod.TrustedPublisher, true,
            new PublisherIdentity("github", repository, ".github/workflows/release.yml", ConfigId: "oidc:" + name), "GitHub Actions"),
    ]);
}

/// <summary>
/// A test class over the packages area's real services on a fresh migrated SQLite file (<see cref="PackagesTestServices"/>):
/// one set-up and tear-down for every such class.
/// </summary>
public abstract class PackagesServicesTest : IAsyncLifetime
{
    protected TempDatabase Db { get; } = new();

    protected ServiceProvider Services { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Db.Runner().ApplyAsync(CancellationToken.None);
        Services = new ServiceCollection().AddPackagesOver(Db).BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Db.DisposeAsync();
    }
}

using Microsoft.Extensions.Configuration;
using Radzen;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Web.Components.Shared;

namespace TrustedPublishDashboard.Tests.Web;

/// <summary>The package detail page rendered statically with the app's real services over a seeded SQLite file.</summary>
public sealed class PackageDetailRenderingTests
{
    private sealed class FixedNavigationManager : NavigationManager
    {
        public FixedNavigationManager(string uri) => Initialize("http://localhost/", uri);
    }

    private sealed class NoScript : Microsoft.JSInterop.IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => throw new InvalidOperationException(identifier);
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => throw new InvalidOperationException(identifier);
    }

    private static ServiceProvider Services(TrustedPublishDashboard.Tests.Infrastructure.TempDatabase db, string uri)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>("ConnectionStrings:Dashboard", db.ConnectionString)]).Build());
        services.AddLogging();
        TrustedPublishDashboard.Extensions.DataExtensions.AddDashboardData(services);
        TrustedPublishDashboard.Extensions.RegistriesExtensions.AddDashboardRegistries(services);
        services.AddSingleton<TrustedPublishDashboard.Monitoring.PollService>();
        services.AddRadzenComponents();
        services.AddSingleton<Microsoft.JSInterop.IJSRuntime, NoScript>();
        services.AddSingleton<NavigationManager>(new FixedNavigationManager(uri));
        return services.BuildServiceProvider();
    }

    private static async Task<string> RenderDetailAsync(ServiceProvider provider, string registry, string name)
    {
        await using var renderer = new HtmlRenderer(provider, provider.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<TrustedPublishDashboard.Web.Components.Pages.PackageDetail.PackageDetailPage>(
            ParameterView.FromDictionary(new Dictionary<string, object?> { ["RegistryCode"] = registry, ["Name"] = name }))).ToHtmlString());
    }

    [Fact]
    public async Task DetailPage_RendersTheTimelineNewestFirst_AndTheFindingsWithTheirFix()
    {
        await using var db = await TrustedPublishDashboard.Tests.Infrastructure.TempDatabase.CreateMigratedAsync();
        await using var provider = Services(db, "http://localhost/packages/npm/rendered");

        var id = new PackageId(Registry.Npm, "rendered");
        var history = new PackageHistory(id, "2.0.0",
        [
            new VersionEvidence("1.0.0", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), PublishMethod.TrustedPublisher, true, new PublisherIdentity("github", "o/r", ".github/workflows/release.yml", ConfigId: "oidc:1"), "GitHub Actions"),
            new VersionEvidence("2.0.0", new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), PublishMethod.Token, false, null, "someone"),
        ]);
        var packages = provider.GetRequiredService<TrustedPublishDashboard.Data.PackageRepository>();
        await packages.AddAsync([id], null, default);
        var row = (await packages.FindAsync(id, default))!;
        await provider.GetRequiredService<TrustedPublishDashboard.Data.EvidenceRepository>().SaveFetchedAsync(row.Id,
            new TrustedPublishDashboard.Registries.RegistryFetch.Fetched(history, [], null, null, [], new HashSet<string>()), EvidenceRules.Evaluate(history), DateTimeOffset.UtcNow, default);

        var html = await RenderDetailAsync(provider, "npm", "rendered");

        Assert.Contains("data-testid=\"detail-name\"", html);
        Assert.True(html.IndexOf(">2.0.0<", StringComparison.Ordinal) < html.IndexOf(">1.0.0<", StringComparison.Ordinal), "newest version first");
        Assert.Contains("trust-downgrade", html);
        Assert.Contains("npm access set mfa=publish", html);
        Assert.Contains("o/r", html);
        Assert.Contains("badge/npm/rendered.svg", html);
    }

    [Fact]
    public async Task DetailPage_UnknownPackage_SaysSoInsteadOfFailing()
    {
        await using var db = await TrustedPublishDashboard.Tests.Infrastructure.TempDatabase.CreateMigratedAsync();
        await using var provider = Services(db, "http://localhost/packages/npm/Bad%20Name");

        var html = await RenderDetailAsync(provider, "npm", "Bad Name");

        Assert.Contains("data-testid=\"detail-error\"", html);
        Assert.Contains("lowercase", html);
    }
}

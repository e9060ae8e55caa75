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

/// <summary>Grid and detail building blocks rendered with the framework's HtmlRenderer (bUnit cannot restore here).</summary>
public sealed class ComponentRenderingTests
{
    private static async Task<string> RenderAsync<T>(Dictionary<string, object?> parameters) where T : IComponent
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRadzenComponents();
        services.AddSingleton<Microsoft.JSInterop.IJSRuntime, StaticRenderingJsRuntime>();
        await using var provider = services.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(provider, provider.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<T>(ParameterView.FromDictionary(parameters))).ToHtmlString());
    }

    /// <summary>Static HTML rendering runs no script; Radzen components only need the service to exist.</summary>
    private sealed class StaticRenderingJsRuntime : Microsoft.JSInterop.IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) =>
            throw new InvalidOperationException($"static rendering called JavaScript ({identifier})");

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
            throw new InvalidOperationException($"static rendering called JavaScript ({identifier})");
    }

    [Theory]
    [InlineData(ComplianceStatus.Compliant, "compliant", "rz-badge-success")]
    [InlineData(ComplianceStatus.NonCompliant, "non-compliant", "rz-badge-danger")]
    [InlineData(ComplianceStatus.Unknown, "unknown", "rz-badge-light")]
    [InlineData(ComplianceStatus.Error, "error", "rz-badge-warning")]
    public async Task StatusBadge_ShowsTheStatusAsTextAndColour(ComplianceStatus status, string text, string css)
    {
        var html = await RenderAsync<StatusBadge>(new() { ["Status"] = status });
        Assert.Contains($">{text}<", html);
        Assert.Contains(css, html);
        Assert.Contains("title=", html);
    }

    [Fact]
    public async Task StatusBadge_NotPolledYet_SaysPending()
    {
        Assert.Contains(">pending<", await RenderAsync<StatusBadge>(new() { ["Status"] = null }));
    }

    [Theory]
    [InlineData(PublishMethod.TrustedPublisher, "trusted-publisher", "success")]
    [InlineData(PublishMethod.Staged, "staged", "success")]
    [InlineData(PublishMethod.TokenWithProvenance, "token-with-provenance", "warning")]
    [InlineData(PublishMethod.Token, "token", "danger")]
    [InlineData(PublishMethod.Unknown, "unknown", "light")]
    public async Task MethodChip_LabelsEveryMethod(PublishMethod method, string text, string tone)
    {
        var html = await RenderAsync<MethodChip>(new() { ["Method"] = method });
        Assert.Contains($">{text}<", html);
        Assert.Contains(tone, html);
    }

    [Fact]
    public async Task Tile_LinksToTheFilteredGrid()
    {
        var html = await RenderAsync<Tile>(new() { ["Label"] = "Non-compliant", ["Value"] = 1234L, ["Href"] = "packages?status=non-compliant", ["Tone"] = "danger" });
        Assert.Contains("href=\"packages?status=non-compliant\"", html);
        Assert.Contains("1,234", html);
        Assert.Contains("tpd-tile-danger", html);
    }
}

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

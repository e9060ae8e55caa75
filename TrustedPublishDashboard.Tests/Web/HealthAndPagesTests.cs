using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Web;

/// <summary>The app through WebApplicationFactory (in-process TestServer) with its own SQLite file.</summary>
public class DashboardFactory : WebApplicationFactory<Program>
{
    public TempDatabase Database { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Dashboard", Database.ConnectionString);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public sealed class HealthAndPagesTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    [Fact]
    public async Task Healthz_WhenDatabaseAndSchedulerRun_Answers200WithBothChecks()
    {
        var client = factory.CreateClient();

        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("healthy", root.GetProperty("status").GetString());
        var database = root.GetProperty("checks").GetProperty("database");
        Assert.Equal("healthy", database.GetProperty("status").GetString());
        Assert.Equal(database.GetProperty("data").GetProperty("expectedSchemaVersion").GetInt32(), database.GetProperty("data").GetProperty("schemaVersion").GetInt32());
        Assert.Contains(factory.Database.FilePath, database.GetProperty("description").GetString());
        Assert.Equal("healthy", root.GetProperty("checks").GetProperty("scheduler").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Healthz_WhenTheDatabaseFileIsCorrupt_Answers503()
    {
        await using var broken = new DashboardFactory();
        var client = broken.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(broken.Database.FilePath + "-wal");
        File.Delete(broken.Database.FilePath + "-shm");
        await File.WriteAllTextAsync(broken.Database.FilePath, new string('x', 8192));

        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unhealthy", json.RootElement.GetProperty("status").GetString());
        var database = json.RootElement.GetProperty("checks").GetProperty("database");
        Assert.Equal("unhealthy", database.GetProperty("status").GetString());
        Assert.StartsWith("database unavailable", database.GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("/", "Dashboard")]
    [InlineData("/packages", "Packages")]
    [InlineData("/onboarding", "Onboarding")]
    [InlineData("/alerts", "Alerts")]
    [InlineData("/jobs", "Jobs")]
    [InlineData("/settings", "Settings")]
    public async Task Page_Renders_WithLayoutNavigationAndLocalOnlyBanner(string path, string title)
    {
        var client = factory.CreateClient();

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<title>{title} · TrustedPublishDashboard</title>", html);
        Assert.Contains("data-testid=\"product-name\"", html);
        Assert.Contains("data-testid=\"local-only-banner\"", html);
        foreach (var nav in new[] { "Dashboard", "Packages", "Onboarding", "Alerts", "Jobs", "Settings" })
            Assert.Contains($">{nav}<", html);
        Assert.DoesNotContain("Weather", html);
        Assert.DoesNotContain("Counter", html);
    }

    [Fact]
    public async Task DataProtectionKeys_ArePersistedNextToTheDatabase()
    {
        var response = await factory.CreateClient().GetAsync("/packages");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var keys = Path.Combine(factory.Database.Directory, "keys");
        Assert.True(Directory.Exists(keys), "keys folder next to the database");
        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));
    }

    [Fact]
    public async Task UnknownPath_Answers404()
    {
        var response = await factory.CreateClient().GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task StaticAssets_MudBlazorAndBlazorScripts_AreServed()
    {
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/_framework/blazor.web.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/_content/MudBlazor/MudBlazor.min.js")).StatusCode);
    }
}

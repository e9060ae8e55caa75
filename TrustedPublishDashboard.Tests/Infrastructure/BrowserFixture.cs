using Dapper;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Tests.Registries.Npm;
using Microsoft.Playwright;

namespace TrustedPublishDashboard.Tests.Infrastructure;

/// <summary>
/// One Debian chromium and one running app for the whole browser collection; each test opens its own context.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;

    public LiveApp App { get; private set; } = default!;

    /// <summary>The npm registry the app reads: a local replay registry, so nothing leaves the machine.</summary>
    public ReplayRegistry Registry { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: run ./test.sh, which installs Debian's chromium package.");
        // The whole suite runs collections in parallel on two cores: give the UI time before calling it broken.
        Assertions.SetDefaultExpectTimeout(15_000);
        Registry = await ReplayRegistry.StartAsync();
        App = await LiveApp.StartAsync($"--Registries:Npm:BaseUrl={Registry.BaseUrl}");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Without the background-networking flags chromium tries to reach the internet, which this sandbox refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>
    /// Serves the packuments on the replay registry, tracks the packages (in <paramref name="group"/>) and polls just
    /// them. With <paramref name="trackedSince"/> the packages count as tracked from then, so their fixture versions are
    /// news to the alert rules rather than history.
    /// </summary>
    public async Task TrackAndPollAsync(string? group, DateTimeOffset? trackedSince, params PackumentBuilder[] builders)
    {
        foreach (var b in builders) b.ServeOn(Registry);
        var repo = App.Services.GetRequiredService<PackageRepository>();
        var ids = builders.Select(b => new PackageId(TrustedPublishDashboard.Domain.Registry.Npm, b.Name)).ToList();
        await repo.AddAsync(ids, group, default);
        var rows = new List<long>();
        foreach (var id in ids) rows.Add((await repo.FindAsync(id, default))!.Id);
        if (trackedSince is { } since)
        {
            await using var c = await App.Database.Connections.OpenAsync(default);
            await c.ExecuteAsync("UPDATE packages SET added_at = @At WHERE id IN (SELECT value FROM json_each(@Ids))",
                new { At = DbTime.ToText(since), Ids = System.Text.Json.JsonSerializer.Serialize(rows) });
        }
        await App.Services.GetRequiredService<PollService>().PollAsync(TrustedPublishDashboard.Domain.Registry.Npm, "test", null, default, rows);
    }

    /// <summary>A fresh page in its own context, already on <paramref name="path"/> with the Blazor circuit up.</summary>
    public async Task<IPage> OpenAsync(string path)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = App.BaseUrl.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await WaitInteractiveAsync(page);
        return page;
    }

    /// <summary>The layout marks itself once it renders over the live circuit; before that clicks go nowhere.</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.WaitForSelectorAsync("[data-interactive='true']", new PageWaitForSelectorOptions { Timeout = 20_000 });

    /// <summary>
    /// What a paste does to a textarea (one input event with the whole text, then change). Playwright's Fill types
    /// through the input pipeline, which takes minutes for half a megabyte.
    /// </summary>
    public static Task PasteAsync(IPage page, string testId, string text) => page.EvaluateAsync("""
        ([id, text]) => {
          const box = document.querySelector(`[data-testid="${id}"]`);
          box.focus();
          box.value = text;
          box.dispatchEvent(new Event('input', { bubbles: true }));
          box.dispatchEvent(new Event('change', { bubbles: true }));
        }
        """, new object[] { testId, text });

    /// <summary>Saves a screenshot under artifacts/screenshots at the repository root (CI keeps it as a test artefact).</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TrustedPublishDashboard.sln"))) dir = dir.Parent;
        return dir?.FullName ?? AppContext.BaseDirectory;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (App is not null) await App.DisposeAsync();
        if (Registry is not null) await Registry.DisposeAsync();
    }

    /// <summary>"Remove sample data", then the confirmation: it says what goes (the sample alerts too) before anything does.</summary>
    public static async Task ConfirmSampleRemovalAsync(IPage page)
    {
        await page.GetByTestId("remove-sample").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("sample package(s)");
        await Assertions.Expect(dialog).ToContainTextAsync("Your own packages, plans and alerts are not changed.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Remove sample data" }).ClickAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

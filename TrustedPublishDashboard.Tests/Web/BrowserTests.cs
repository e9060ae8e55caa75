using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TrustedPublishDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace TrustedPublishDashboard.Tests.Web;

/// <summary>Real chromium against the real app on a loopback socket.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserTests(BrowserFixture fixture)
{
    /// <summary>The add form starts open only on an empty dashboard; tests share one app, so open it when needed.</summary>
    private static async Task OpenAddFormAsync(IPage page)
    {
        if (!await page.GetByTestId("paste-box").IsVisibleAsync()) await page.GetByTestId("toggle-add").ClickAsync();
        await Expect(page.GetByTestId("paste-box")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task PackagesPage_PasteTwoValidOneInvalid_AddsTwoRowsWithoutReloadAndShowsTheError()
    {
        var page = await fixture.OpenAsync("packages");
        await OpenAddFormAsync(page);
        // A full page reload would drop this marker.
        await page.EvaluateAsync("window.__tpdNoReload = true");

        await page.GetByTestId("paste-box").FillAsync("browser-pkg-one\nBrowser Bad Name\npypi:Browser_Pkg.Two");
        await page.GetByTestId("paste-add").ClickAsync();

        await Expect(page.GetByTestId("import-summary")).ToHaveTextAsync("2 added, 0 already tracked, 0 duplicate, 1 invalid.");
        await Expect(page.GetByTestId("import-error")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("import-error")).ToContainTextAsync("Line 2");
        await Expect(page.GetByTestId("import-error")).ToContainTextAsync("a space");
        var names = page.GetByTestId("package-name");
        await Expect(names.Filter(new() { HasText = "browser-pkg-one" })).ToHaveCountAsync(1);
        await Expect(names.Filter(new() { HasText = "browser-pkg-two" })).ToHaveCountAsync(1);
        await Expect(names.Filter(new() { HasTextRegex = new Regex("(?i)bad") })).ToHaveCountAsync(0);
        Assert.True(await page.EvaluateAsync<bool>("window.__tpdNoReload === true"), "the page reloaded");
        // The invalid line stays in the box for the user to fix.
        await Expect(page.GetByTestId("paste-box")).ToHaveValueAsync(new Regex("Browser Bad Name"));
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "packages-after-paste");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task PackagesPage_RemovePackage_AfterConfirmation_RemovesTheRow()
    {
        var page = await fixture.OpenAsync("packages");
        await OpenAddFormAsync(page);
        await page.GetByTestId("add-one-name").FillAsync("browser-to-remove");
        await page.GetByTestId("add-one").ClickAsync();
        await Expect(page.GetByTestId("import-summary")).ToHaveTextAsync("1 added, 0 already tracked, 0 duplicate, 0 invalid.");
        var row = page.Locator("tr", new() { Has = page.GetByTestId("package-name").Filter(new() { HasText = "browser-to-remove" }) });
        await Expect(row).ToHaveCountAsync(1);

        await row.GetByTestId("remove-package").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove", Exact = true }).ClickAsync();

        await Expect(row).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task PackagesPage_ExistingPackages_AreListedOnFirstLoad_AndTheSearchLivesInTheUrl()
    {
        await fixture.App.Services.GetRequiredService<TrustedPublishDashboard.Data.PackageRepository>()
            .AddAsync([new TrustedPublishDashboard.Domain.PackageId(TrustedPublishDashboard.Domain.Registry.RubyGems, "browser-preexisting")], "team-x", default);

        var page = await fixture.OpenAsync("packages?q=preexisting");

        await Expect(page.GetByTestId("package-name")).ToHaveTextAsync(["browser-preexisting"]);
        await Expect(page.GetByTestId("filter-search")).ToHaveValueAsync("preexisting");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task PackagesPage_AfterAPoll_ShowsStatusLatestVersionAndMethod()
    {
        new Registries.Npm.PackumentBuilder("browser-polled")
            .Add("1.0.0", 1, new Registries.Npm.Publish.Trusted("oidc:b"))
            .Add("1.0.1", 2, new Registries.Npm.Publish.Token("someone"))
            .ServeOn(fixture.Registry);
        var page = await fixture.OpenAsync("packages?q=browser-polled");
        await OpenAddFormAsync(page);
        await page.GetByTestId("add-one-name").FillAsync("browser-polled");
        await page.GetByTestId("add-one").ClickAsync();
        var row = page.Locator("tr", new() { Has = page.GetByTestId("package-name").Filter(new() { HasText = "browser-polled" }) });

        // Checked at once: no poll, no reload, the verdict is there when the add finishes.
        await Expect(page.GetByTestId("import-check")).ToContainTextAsync("Checked on the registry: 1 read.");
        await Expect(row.GetByTestId("status-badge")).ToHaveTextAsync("non-compliant");

        var jobsPage = await fixture.OpenAsync("jobs");
        await jobsPage.GetByTestId("run-now-npm-poll").ClickAsync();
        await Expect(jobsPage.GetByTestId("outcome-npm-poll")).ToHaveAttributeAsync("data-outcome", new Regex("^(succeeded|completed-with-failures)$"));
        await jobsPage.Context.CloseAsync();

        await page.ReloadAsync();
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(row.GetByTestId("status-badge")).ToHaveTextAsync("non-compliant");
        await Expect(row.GetByTestId("method-chip")).ToHaveTextAsync("token");
        await Expect(row).ToContainTextAsync("1.0.1");
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "packages-after-poll");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task JobsPage_RunNow_UpdatesTheLastRunColumn()
    {
        var page = await fixture.OpenAsync("jobs");
        var lastRun = page.GetByTestId("last-run-database-maintenance");
        var before = await lastRun.TextContentAsync();

        await page.GetByTestId("run-now-database-maintenance").ClickAsync();

        await Expect(lastRun).Not.ToHaveTextAsync(before ?? "never");
        await Expect(lastRun).ToHaveTextAsync(new Regex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$"));
        await Expect(page.GetByTestId("outcome-database-maintenance")).ToHaveTextAsync("succeeded");
        // The run shows in the job's history below the table without a reload, and so does who started it.
        await page.GetByTestId("job-database-maintenance").ClickAsync();
        await Expect(page.GetByTestId("job-history").GetByTestId("history-row").First).ToContainTextAsync("manual by");
        await Expect(page.GetByTestId("schedule-alert-dispatch")).ToHaveTextAsync("every minute");
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "jobs-after-run-now");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Dashboard_EmptyThenSample_TilesAndChartShareTheStatusColours_InBothThemes()
    {
        // Its own app: the dashboard must start empty.
        await using var app = await LiveApp.StartAsync($"--Registries:Npm:BaseUrl={fixture.Registry.BaseUrl}");
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("");
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("first-step")).ToBeVisibleAsync();
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "dashboard-empty");

        await page.GetByTestId("load-sample").ClickAsync();

        await Expect(page.GetByTestId("tile-packages")).ToContainTextAsync("60");
        // The four verdicts and, as a series of its own, the sample packages.
        await Expect(page.GetByTestId("compliance-chart").Locator("path.mud-chart-bar")).ToHaveCountAsync(5);
        Assert.Equal("compliant,non-compliant,unknown,error,sample", await page.GetByTestId("compliance-chart").GetAttributeAsync("data-series"));
        foreach (var status in new[] { "compliant", "non-compliant", "unknown", "error" })
        {
            var tile = await page.GetByTestId($"tile-{status}").EvaluateAsync<string>("e => getComputedStyle(e).borderLeftColor");
            var index = Array.IndexOf((await page.GetByTestId("compliance-chart").GetAttributeAsync("data-series"))!.Split(','), status);
            // One day of history: one stacked bar, one segment per status in series order.
            var segment = await page.GetByTestId("compliance-chart").Locator("path.mud-chart-bar").Nth(index).EvaluateAsync<string>("e => getComputedStyle(e).stroke");
            Assert.Equal(tile, segment);
        }
        await Expect(page.GetByText("Sample workspace loaded")).ToBeVisibleAsync();
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "dashboard-sample-data");

        await BrowserFixture.ConfirmSampleRemovalAsync(page);

        await Expect(page.GetByTestId("first-step")).ToBeVisibleAsync();
        await context.CloseAsync();
    }

    [Fact]
    public async Task Layout_ThemeToggle_SwitchesToDarkAndRemembersIt()
    {
        var page = await fixture.OpenAsync("");
        await Expect(page.Locator("[data-theme]")).ToHaveAttributeAsync("data-theme", "light");

        await page.GetByTestId("theme-toggle").ClickAsync();

        await Expect(page.Locator("[data-theme]")).ToHaveAttributeAsync("data-theme", "dark");
        await page.ReloadAsync();
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-theme]")).ToHaveAttributeAsync("data-theme", "dark");
        // The body is dark, not only the flag: MudBlazor's dark background is applied.
        var background = await page.EvaluateAsync<string>("getComputedStyle(document.querySelector('.mud-main-content') ?? document.body).backgroundColor");
        Assert.NotEqual("rgb(255, 255, 255)", background);
        await BrowserFixture.ScreenshotAsync(page, "dashboard-dark");
        await page.Context.CloseAsync();
    }
}

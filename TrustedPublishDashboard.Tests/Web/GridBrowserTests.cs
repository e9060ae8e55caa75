using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Registries.Npm;
using static Microsoft.Playwright.Assertions;

namespace TrustedPublishDashboard.Tests.Web;

/// <summary>The compliance grid, package detail, export and dashboard in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class GridBrowserTests(BrowserFixture fixture)
{
    private Task TrackAndPollAsync(params PackumentBuilder[] builders) => fixture.TrackAndPollAsync("grid-team", null, builders);

    [Fact]
    public async Task Grid_StillTokenFilter_LivesInTheUrl_SurvivesReload_AndLeadsToTheTimeline()
    {
        await TrackAndPollAsync(
            new PackumentBuilder("grid-token-x").Add("0.9.0", 1, new Publish.Trusted("oidc:g")).Add("1.0.0", 2, new Publish.Token("a-human")).Add("0.9.1", 3, new Publish.Token("a-human")).Latest("1.0.0"),
            new PackumentBuilder("grid-trusted-x").Add("1.0.0", 1, new Publish.Trusted("oidc:h")));
        var page = await fixture.OpenAsync("packages?q=grid-");
        await Expect(page.GetByTestId("package-name")).ToHaveCountAsync(2);

        await page.GetByTestId("quick-still-token").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("filter=still-token"));
        await Expect(page.GetByTestId("package-name")).ToHaveTextAsync(["grid-token-x"]);
        await page.ReloadAsync();
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("package-name")).ToHaveTextAsync(["grid-token-x"]);
        await Expect(page).ToHaveURLAsync(new Regex("q=grid-.*filter=still-token|filter=still-token.*q=grid-"));

        await page.GetByTestId("package-name").ClickAsync();

        await Expect(page.GetByTestId("detail-name")).ToHaveTextAsync("grid-token-x");
        // Newest first by publish time (not semver): 0.9.1 was published after 1.0.0.
        await Expect(page.GetByTestId("timeline-version")).ToHaveTextAsync(["0.9.1", "1.0.0", "0.9.0"]);
        await Expect(page.GetByTestId("timeline-method")).ToHaveTextAsync(["token", "token", "trusted-publisher"]);
        await Expect(page.GetByTestId("finding")).ToHaveCountAsync(2);
        await BrowserFixture.ScreenshotAsync(page, "package-detail");

        // Grouped by status: one chip per status of the filtered rows, with counts from SQL.
        await page.GotoAsync("packages?q=grid-&groupBy=status");
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("group-chip")).ToHaveTextAsync(["compliant · 1", "non-compliant · 1"]);
        await Expect(page.GetByTestId("group-key")).ToHaveTextAsync(["compliant", "non-compliant"]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Grid_ExportCsv_HasAsManyRowsAsTheGridTotal()
    {
        await TrackAndPollAsync(
            new PackumentBuilder("export-a").Add("1.0.0", 1, new Publish.Token("a")),
            new PackumentBuilder("export-b").Add("1.0.0", 1, new Publish.Token("b")),
            new PackumentBuilder("export-c").Add("1.0.0", 1, new Publish.Trusted("oidc:c")));
        var page = await fixture.OpenAsync("packages?q=export-&status=non-compliant");
        await Expect(page.GetByTestId("package-name")).ToHaveCountAsync(2);
        var gridTotal = await page.GetByTestId("package-name").CountAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());

        var lines = (await File.ReadAllLinesAsync((await download.PathAsync())!)).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("registry,name,", lines[0]);
        Assert.Equal(gridTotal, lines.Count - 1);
        Assert.All(lines.Skip(1), l => Assert.Contains("export-", l));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Grid_BulkMoveToGroup_MovesTheSelectedPackages()
    {
        await TrackAndPollAsync(new PackumentBuilder("bulk-a").Add("1.0.0", 1, new Publish.Token("a")), new PackumentBuilder("bulk-b").Add("1.0.0", 1, new Publish.Token("b")));
        var page = await fixture.OpenAsync("packages?q=bulk-");
        await Expect(page.GetByTestId("select-row")).ToHaveCountAsync(2);

        await page.GetByTestId("select-row").First.ClickAsync();
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("1");
        await page.GetByTestId("bulk-move").ClickAsync();
        await page.GetByTestId("move-group-name").FillAsync("moved-team");
        await page.GetByTestId("move-group-ok").ClickAsync();

        await Expect(page.Locator("tr", new() { HasText = "bulk-a" })).ToContainTextAsync("moved-team");
        await Expect(page.Locator("tr", new() { HasText = "bulk-b" })).Not.ToContainTextAsync("moved-team");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Grid_AddToOnboardingPlan_LandsOnTheOnboardingPage()
    {
        await TrackAndPollAsync(new PackumentBuilder("onboard-a").Add("1.0.0", 1, new Publish.Token("a")), new PackumentBuilder("onboard-b").Add("1.0.0", 1, new Publish.Token("b")));
        var page = await fixture.OpenAsync("packages?q=onboard-&filter=still-token");
        await Expect(page.GetByTestId("select-row")).ToHaveCountAsync(2);
        await page.GetByTestId("select-row").Nth(0).ClickAsync();
        await page.GetByTestId("select-row").Nth(1).ClickAsync();
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("2");

        await page.Locator("[data-testid=bulk-plan] input, input[data-testid=bulk-plan]").FillAsync("Grid plan");
        await page.GetByTestId("bulk-onboard").ClickAsync();

        // Lands on the plan's tracker, which already knows from stored evidence that both packages exist.
        await Expect(page).ToHaveURLAsync(new Regex(@"onboarding/\d+\?tab=tracker"));
        await Expect(page.GetByTestId("plan-title")).ToHaveTextAsync("Grid plan");
        await Expect(page.GetByTestId("tracker-row")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=step][data-step=bootstrap][data-state=not-needed]")).ToHaveCountAsync(2);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Dashboard_EmptyState_LoadsAndRemovesTheSampleWorkspace()
    {
        // Its own app: the dashboard must start empty.
        await using var app = await LiveApp.StartAsync($"--Registries:Npm:BaseUrl={fixture.Registry.BaseUrl}");
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseUrl.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("");
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.GetByTestId("first-step")).ToBeVisibleAsync();

        await page.GetByTestId("load-sample").ClickAsync();

        await Expect(page.GetByTestId("tile-packages")).ToContainTextAsync("60");
        await Expect(page.GetByTestId("sample-notice")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("publish-feed").Locator("li")).ToHaveCountAsync(12);
        await BrowserFixture.ScreenshotAsync(page, "dashboard-sample");
        var nonCompliant = await page.GetByTestId("tile-non-compliant").Locator(".tpd-tile-value").TextContentAsync();
        await page.GetByTestId("tile-non-compliant").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("packages\\?status=non-compliant"));
        await Expect(page.Locator(".rz-pager-summary")).ToContainTextAsync($"{nonCompliant} items");
        await page.GoBackAsync();
        await BrowserFixture.WaitInteractiveAsync(page);

        await page.GetByTestId("remove-sample").ClickAsync();

        await Expect(page.GetByTestId("first-step")).ToBeVisibleAsync();
        await context.CloseAsync();
    }
}

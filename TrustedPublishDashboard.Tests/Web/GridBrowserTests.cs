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
        // Each finding says what it means and how to fix it.
        await Expect(page.GetByTestId("finding-meaning")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("finding-fix").First).ToContainTextAsync("npm access set mfa=publish");
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "package-detail");

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
    public async Task Grid_SelectAllMatching_SelectsEveryPage_AndTheBulkActionReachesThem()
    {
        await TrackAndPollAsync(
            new PackumentBuilder("selall-a").Add("1.0.0", 1, new Publish.Token("a")),
            new PackumentBuilder("selall-b").Add("1.0.0", 1, new Publish.Token("b")),
            new PackumentBuilder("selall-c").Add("1.0.0", 1, new Publish.Token("c")));
        var page = await fixture.OpenAsync("packages?q=selall-&pageSize=2");
        await Expect(page.GetByTestId("package-name")).ToHaveCountAsync(2);

        await page.GetByTestId("select-page").ClickAsync();
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("2");
        await Expect(page.GetByTestId("select-all-matching")).ToContainTextAsync("Select all 3 matching");
        await page.GetByTestId("select-all-matching").ClickAsync();

        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("select-all-matching")).ToHaveCountAsync(0);
        await page.GetByTestId("bulk-move").ClickAsync();
        await Expect(page.GetByTestId("move-dialog")).ToContainTextAsync("Moves 3 package(s)");
        await page.GetByTestId("move-group-name").FillAsync("selall-team");
        await page.GetByTestId("move-group-ok").ClickAsync();
        await Expect(page.Locator("tr", new() { HasText = "selall-a" })).ToContainTextAsync("selall-team");
        // The row on the second page moved too.
        await page.GetByRole(AriaRole.Button, new() { Name = "Page 2" }).Or(page.Locator("[data-testid=pager] button:has-text('2')")).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("page=2"));
        await Expect(page.Locator("tr", new() { HasText = "selall-c" })).ToContainTextAsync("selall-team");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Grid_PageSize_ChangesTheRowsPerPage_AndLivesInTheUrl()
    {
        await TrackAndPollAsync(
            new PackumentBuilder("psize-a").Add("1.0.0", 1, new Publish.Token("a")),
            new PackumentBuilder("psize-b").Add("1.0.0", 1, new Publish.Token("b")),
            new PackumentBuilder("psize-c").Add("1.0.0", 1, new Publish.Token("c")));
        var page = await fixture.OpenAsync("packages?q=psize-&pageSize=2");
        await Expect(page.GetByTestId("package-name")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("pager-summary")).ToHaveTextAsync("1–2 of 3 items");

        await page.GetByTestId("page-size").ClickAsync();
        await page.GetByTestId("page-size-10").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("pageSize=10"));
        await Expect(page.GetByTestId("package-name")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("pager-summary")).ToHaveTextAsync("1–3 of 3 items");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Grid_ColumnChooser_HidesAColumn_AndDenseModeTightensTheRows()
    {
        await TrackAndPollAsync(new PackumentBuilder("cols-a").Add("1.0.0", 1, new Publish.Trusted("oidc:cols"), new Provenance("cols-org/a")));
        var page = await fixture.OpenAsync("packages?q=cols-");
        await Expect(page.GetByTestId("publisher")).ToHaveTextAsync(["cols-org/a"]);
        await Expect(page.GetByTestId("col-publisher")).ToHaveCountAsync(1);

        await page.GetByTestId("column-chooser").ClickAsync();
        await page.GetByTestId("column-toggle-publisher").ClickAsync();

        await Expect(page.GetByTestId("col-publisher")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("publisher")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("col-status")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("Escape");

        var before = (await page.GetByTestId("package-name").Locator("xpath=ancestor::tr").BoundingBoxAsync())!.Height;
        await page.GetByTestId("dense-toggle").ClickAsync();
        await Expect(page.Locator(".tpd-grid.mud-table-dense")).ToHaveCountAsync(1);
        var after = (await page.GetByTestId("package-name").Locator("xpath=ancestor::tr").BoundingBoxAsync())!.Height;
        Assert.True(after < before, $"dense rows are lower ({after} < {before})");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Grid_GroupHeaders_ShowSqlCounts_AndCollapse()
    {
        await TrackAndPollAsync(
            new PackumentBuilder("collapse-token").Add("1.0.0", 1, new Publish.Token("a")),
            new PackumentBuilder("collapse-trusted").Add("1.0.0", 1, new Publish.Trusted("oidc:col")));
        var page = await fixture.OpenAsync("packages?q=collapse-&groupBy=status");
        await Expect(page.GetByTestId("group-key")).ToHaveTextAsync(["compliant", "non-compliant"]);
        await Expect(page.GetByTestId("group-size")).ToHaveTextAsync(["· 1 package(s)", "· 1 package(s)"]);
        await Expect(page.GetByTestId("package-name")).ToHaveCountAsync(2);

        var compliantHeader = page.Locator("tr", new() { Has = page.GetByTestId("group-key").Filter(new() { HasTextRegex = new Regex("^compliant$") }) });
        await compliantHeader.Locator("button").First.ClickAsync();

        await Expect(page.GetByTestId("package-name")).ToHaveTextAsync(["collapse-token"]);
        // Working with the rows shown leaves the collapsed group collapsed.
        await page.GetByTestId("select-row").First.ClickAsync();
        await Expect(page.GetByTestId("selected-count")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("package-name")).ToHaveTextAsync(["collapse-token"]);
        await compliantHeader.Locator("button").First.ClickAsync();
        await Expect(page.GetByTestId("package-name")).ToHaveCountAsync(2);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Grid_Back_RestoresThePreviousFilter()
    {
        await TrackAndPollAsync(
            new PackumentBuilder("back-token").Add("1.0.0", 1, new Publish.Token("a")),
            new PackumentBuilder("back-trusted").Add("1.0.0", 1, new Publish.Trusted("oidc:back")));
        var page = await fixture.OpenAsync("packages?q=back-");
        await Expect(page.GetByTestId("package-name")).ToHaveCountAsync(2);
        await page.GetByTestId("quick-still-token").ClickAsync();
        await Expect(page.GetByTestId("package-name")).ToHaveTextAsync(["back-token"]);
        await page.GetByTestId("sort-status").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("sort=status"));

        await page.GoBackAsync();
        await Expect(page).Not.ToHaveURLAsync(new Regex("sort=status"));
        await Expect(page).ToHaveURLAsync(new Regex("filter=still-token"));
        await page.GoBackAsync();

        await Expect(page).Not.ToHaveURLAsync(new Regex("filter="));
        await Expect(page.GetByTestId("package-name")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("quick-all")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.GetByTestId("filter-search")).ToHaveValueAsync("back-");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Grid_SortByPublisher_OrdersByRepositoryInSql_PackagesWithoutOneLast()
    {
        await TrackAndPollAsync(
            new PackumentBuilder("pubsort-a").Add("1.0.0", 1, new Publish.Trusted("oidc:pa"), new Provenance("zeta-org/a")),
            new PackumentBuilder("pubsort-b").Add("1.0.0", 1, new Publish.Trusted("oidc:pb"), new Provenance("alpha-org/b")),
            new PackumentBuilder("pubsort-c").Add("1.0.0", 1, new Publish.Stripped()));
        var page = await fixture.OpenAsync("packages?q=pubsort-");
        await Expect(page.GetByTestId("package-name")).ToHaveTextAsync(["pubsort-a", "pubsort-b", "pubsort-c"]);

        await page.GetByTestId("sort-publisher").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("sort=publisher"));
        await Expect(page.GetByTestId("package-name")).ToHaveTextAsync(["pubsort-b", "pubsort-a", "pubsort-c"]);
        await Expect(page.GetByTestId("col-publisher")).ToHaveAttributeAsync("aria-sort", "ascending");

        await page.GetByTestId("sort-publisher").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("desc=true"));
        await Expect(page.GetByTestId("package-name")).ToHaveTextAsync(["pubsort-a", "pubsort-b", "pubsort-c"]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Grid_ClearingTheSearch_ShowsEveryPackageAtOnce()
    {
        await TrackAndPollAsync(new PackumentBuilder("clear-search-a").Add("1.0.0", 1, new Publish.Token("a")));
        var page = await fixture.OpenAsync("packages?q=no-such-package-anywhere");
        await Expect(page.GetByTestId("grid-no-match")).ToBeVisibleAsync();

        await page.GetByTestId("filter-search").FillAsync("");

        await Expect(page).Not.ToHaveURLAsync(new Regex("q="));
        await Expect(page.GetByTestId("package-name").Filter(new() { HasText = "clear-search-a" })).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Grid_On1440x900_ShowsStatusMethodAndRowActionsWithoutScrolling()
    {
        const string longVersion = "1.0.0-rc.20260101.build.1234567890abcdef";
        await TrackAndPollAsync(new PackumentBuilder("fit-a-rather-long-package-name-that-has-to-wrap-somewhere")
            .Add(longVersion, 1, new Publish.Trusted("oidc:fit"), new Provenance("a-long-organisation-name/a-long-repository-name", ".github/workflows/a-long-release-workflow-name.yml")));
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.App.BaseUrl.ToString(), ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("packages?q=fit-a-rather");
        await BrowserFixture.WaitInteractiveAsync(page);
        var row = page.Locator("tr", new() { Has = page.GetByTestId("package-name") });
        await Expect(row).ToHaveCountAsync(1);

        foreach (var testId in new[] { "status-badge", "method-chip", "recheck-package", "remove-package", "select-row" })
        {
            var box = await row.GetByTestId(testId).BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.X >= 0 && box.X + box.Width <= 1440, $"{testId} is outside the 1440-pixel viewport: {box.X}+{box.Width}");
        }
        // The long version is shortened, and the whole of it is in the tooltip.
        await Expect(row.GetByTestId("latest-version")).ToHaveAttributeAsync("title", new Regex(Regex.Escape(longVersion)));
        var overflow = await page.EvaluateAsync<bool>("() => { const c = document.querySelector('.tpd-grid .mud-table-container'); return c.scrollWidth > c.clientWidth + 1 || document.documentElement.scrollWidth > window.innerWidth; }");
        Assert.False(overflow, "the grid scrolls sideways at 1440x900");
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "packages-1440");
        await context.CloseAsync();
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
        await Expect(page.GetByTestId("pager-summary")).ToContainTextAsync($"of {nonCompliant} items");
        await page.GoBackAsync();
        await BrowserFixture.WaitInteractiveAsync(page);

        await BrowserFixture.ConfirmSampleRemovalAsync(page);

        await Expect(page.GetByTestId("first-step")).ToBeVisibleAsync();
        await context.CloseAsync();
    }
}

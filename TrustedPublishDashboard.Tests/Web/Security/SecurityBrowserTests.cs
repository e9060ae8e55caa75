using System.Text;
using Microsoft.Playwright;
using TrustedPublishDashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace TrustedPublishDashboard.Tests.Web.Security;

/// <summary>Large pastes through the real circuit, and the Content-Security-Policy in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SecurityBrowserTests(BrowserFixture fixture)
{
    private static async Task OpenAddFormAsync(IPage page)
    {
        if (!await page.GetByTestId("paste-box").IsVisibleAsync()) await page.GetByTestId("toggle-add").ClickAsync();
        await Expect(page.GetByTestId("paste-box")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AddPackages_HalfAMegabytePaste_ReachesTheServerOverTheCircuit()
    {
        var page = await fixture.OpenAsync("packages");
        await OpenAddFormAsync(page);
        // ~560 KB: far above the 32 KB a default hub accepts (a 16 KB paste used to drop the connection).
        var text = new StringBuilder();
        for (var i = 0; i < 9_000; i++) text.Append("# a comment line that pads the paste to a realistic size ").Append(i).Append('\n');
        text.Append("paste-size-one\npaste-size-two\n");
        Assert.True(text.Length > 500_000);

        // What a paste does (one input event with the whole text, then change); Playwright's Fill types it through
        // the input pipeline, which takes minutes for half a megabyte.
        await BrowserFixture.PasteAsync(page, "paste-box", text.ToString());
        await page.GetByTestId("paste-add").ClickAsync();

        await Expect(page.GetByTestId("import-summary")).ToHaveTextAsync("2 added, 0 already tracked, 0 duplicate, 0 invalid.");
        await Expect(page.GetByTestId("package-name").Filter(new() { HasText = "paste-size-two" })).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task VerifyTrust_PasteOverTheLimit_IsClearedWithAMessage_AndTheConnectionStays()
    {
        var page = await fixture.OpenAsync("packages");
        await OpenAddFormAsync(page);

        // 6 MB typed into the box: the guard clears it before Blazor sends it and says why.
        await BrowserFixture.PasteAsync(page, "paste-box", new string('x', 6 * 1024 * 1024));

        await Expect(page.GetByTestId("paste-box-limit")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("paste-box-limit")).ToContainTextAsync("6.0 MB; at most 5.0 MB");
        await Expect(page.GetByTestId("paste-box")).ToHaveValueAsync("");
        // The circuit is alive: the page still acts on a normal paste.
        await page.GetByTestId("paste-box").FillAsync("Not Valid");
        await page.GetByTestId("paste-add").ClickAsync();
        await Expect(page.GetByTestId("import-summary")).ToHaveTextAsync("0 added, 0 already tracked, 0 duplicate, 1 invalid.");
        await Expect(page.GetByTestId("paste-box-limit")).ToBeHiddenAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task EveryPage_RunsUnderTheContentSecurityPolicy_WithoutViolations()
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.App.BaseUrl.ToString() });
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || m.Text.Contains("Refused to", StringComparison.Ordinal))
                violations.Add(m.Text);
        };
        foreach (var path in new[] { "", "packages", "onboarding", "alerts", "jobs", "settings" })
        {
            await page.GotoAsync(path);
            await BrowserFixture.WaitInteractiveAsync(page);
        }
        // The theme toggle exercises MudBlazor's script and a cookie write under the policy.
        Assert.Empty(violations);
        await context.CloseAsync();
    }
}

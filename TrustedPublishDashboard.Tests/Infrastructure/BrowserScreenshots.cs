namespace TrustedPublishDashboard.Tests.Infrastructure;
using Microsoft.Playwright;
/// <summary>Screenshots of a page in the light and the dark theme (artifacts/screenshots/NAME.png and NAME-dark.png).</summary>
public static class BrowserScreenshots
{
    public static async Task ScreenshotBothThemesAsync(IPage page, string name)
    {
        await BrowserFixture.ScreenshotAsync(page, name);
        await page.GetByTestId("theme-toggle").ClickAsync();
        await page.Locator("[data-theme=dark]").WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, name + "-dark");
        await page.GetByTestId("theme-toggle").ClickAsync();
        await page.Locator("[data-theme=light]").WaitForAsync();
    }
}

using Dapper;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Registries.Npm;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>The Alerts page in a real browser: acknowledge, mute, and a muted package's next alert recorded but not sent.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertsBrowserTests(BrowserFixture fixture)
{
    private static readonly Provenance Release = new("acme/widgets", ".github/workflows/release.yml", "refs/tags/v1", "release");

    /// <summary>Tracked since 2025, so the fixture versions (2026) are news, not history.</summary>
    private Task TrackAndPollAsync(params PackumentBuilder[] builders) =>
        fixture.TrackAndPollAsync(null, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), builders);

    private static PackumentBuilder Downgraded(string name, params string[] tokenVersions)
    {
        var b = new PackumentBuilder(name).Add("1.0.0", 1, new Publish.Trusted("oidc:" + name), Release);
        var day = 2;
        foreach (var v in tokenVersions) b.Add(v, day++, new Publish.Token("mallory"));
        return b.Latest(tokenVersions[^1]);
    }

    /// <summary>Back to the top, so that a full-page screenshot does not show the fixed app bar over the middle of the page.</summary>
    internal static Task TopAsync(IPage page) => page.Mouse.WheelAsync(0, -100_000);

    [Fact]
    public async Task AlertsPage_AcknowledgeAndMute_TheMutedPackagesNextAlertIsRecordedNotSent()
    {
        await TrackAndPollAsync(Downgraded("al-one", "1.0.1"), Downgraded("al-two", "1.0.1"));
        var page = await fixture.OpenAsync("");
        await Expect(page.GetByTestId("tile-critical-alerts")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("^[1-9]"));
        await page.GetByTestId("tile-critical-alerts").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("alerts\\?severity=critical"));
        await page.GotoAsync("alerts?package=al-");
        await BrowserFixture.WaitInteractiveAsync(page);
        var rows = page.GetByTestId("alert-row");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First.GetByTestId("alert-severity")).ToHaveTextAsync("critical");

        var one = page.Locator("[data-testid=alert-row][data-package='al-one']");
        await one.GetByTestId("ack").ClickAsync();
        // The row stays where it was, acknowledged; the next visit of the open list leaves it out.
        await Expect(one.GetByTestId("alert-state")).ToContainTextAsync("acknowledged by");
        await page.ReloadAsync();
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=alert-row][data-package='al-one']")).ToHaveCountAsync(0);
        await page.GotoAsync("alerts?package=al-&state=acknowledged");
        await BrowserFixture.WaitInteractiveAsync(page);
        await Expect(page.Locator("[data-testid=alert-row][data-package='al-one'] [data-testid=alert-state]")).ToContainTextAsync("acknowledged by");

        await page.GotoAsync("alerts?package=al-");
        await BrowserFixture.WaitInteractiveAsync(page);
        await page.Locator("[data-testid=alert-row][data-package='al-two']").GetByTestId("mute").ClickAsync();
        await Expect(page.GetByTestId("mute-panel")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "alerts-mute-dialog");
        await page.GetByTestId("mute-confirm").ClickAsync();
        await Expect(page.GetByTestId("mute-active")).ToContainTextAsync("package npm:al-two");
        await Expect(page.GetByTestId("mute-panel")).ToHaveCountAsync(0);

        // Delivery per channel, under the alert's details.
        await page.Locator("[data-testid=alert-row][data-package='al-two']").GetByTestId("alert-details-toggle").ClickAsync();
        await Expect(page.GetByTestId("alert-details")).ToContainTextAsync("published with a token");
        await Expect(page.GetByTestId("deliveries-empty")).ToBeVisibleAsync();
        await TopAsync(page);
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "alerts");

        // al-two publishes with a token again while muted: recorded, shown as muted, never delivered.
        await TrackAndPollAsync(Downgraded("al-two", "1.0.1", "1.0.2"));
        await page.GotoAsync("alerts?package=al-two&state=muted");
        await BrowserFixture.WaitInteractiveAsync(page);
        var muted = page.GetByTestId("alert-row");
        await Expect(muted).ToHaveCountAsync(1);
        await Expect(muted.GetByTestId("alert-title")).ToContainTextAsync("al-two@1.0.2");
        await Expect(muted.GetByTestId("alert-delivery")).ToHaveTextAsync("not sent (muted)");
        await page.Context.CloseAsync();
    }
}

/// <summary>Settings in a real browser: the registry read and its source; add a webhook, send a test alert, see it arrive signed; disable, delete.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertChannelsBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Settings_AddWebhook_SendTestAlert_TheReceiverGetsASignedMessage()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        var page = await fixture.OpenAsync("settings");

        // The configuration this instance runs with, including the registry the poll reads and where that address came from.
        var npm = page.Locator("[data-testid=registry-endpoint][data-registry=npm]");
        await Expect(npm.GetByTestId("registry-url")).ToHaveTextAsync(fixture.Registry.BaseUrl.ToString());
        await Expect(npm.GetByTestId("registry-source")).ToHaveAttributeAsync("data-source", "configuration");
        await Expect(npm.GetByTestId("registry-source-detail")).ToHaveTextAsync("Registries:Npm:BaseUrl");

        await page.GetByTestId("channel-add").ClickAsync();
        await page.GetByTestId("channel-name").FillAsync("browser hook");
        await page.GetByTestId("channel-url").FillAsync("http://169.254.169.254/latest/meta-data");
        await page.GetByTestId("channel-save").ClickAsync();
        await Expect(page.GetByTestId("channel-error")).ToContainTextAsync("metadata");
        await BrowserFixture.ScreenshotAsync(page, "settings-channel-dialog");

        await page.GetByTestId("channel-url").FillAsync(receiver.HookUrl());
        await page.GetByTestId("channel-secret").FillAsync(AlertReceiver.Key);
        await page.GetByTestId("channel-save").ClickAsync();
        await Expect(page.GetByTestId("channel-form")).ToHaveCountAsync(0);
        var row = page.Locator("[data-testid=channel-row][data-name='browser hook']");
        await Expect(row).ToBeVisibleAsync();

        await row.GetByTestId("channel-test").ClickAsync();
        await Expect(row.GetByTestId("channel-test-result")).ToContainTextAsync("Sent");
        var delivered = Assert.Single(receiver.Alerts());
        Assert.True(delivered.SignatureValid);
        Assert.Equal("test", delivered.Kind);

        await row.GetByTestId("channel-key").ClickAsync();
        await Expect(row.GetByTestId("channel-key-value")).ToContainTextAsync(AlertReceiver.Key);
        await AlertsBrowserTests.TopAsync(page);
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "settings");

        // Disabled: kept, marked, and switched back on.
        await row.GetByTestId("channel-enabled").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-enabled", "false");
        await Expect(row.GetByTestId("channel-disabled")).ToBeVisibleAsync();
        await row.GetByTestId("channel-enabled").ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-enabled", "true");

        // Deleting asks first.
        await row.GetByTestId("channel-delete").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Registries.Npm;
using static Microsoft.Playwright.Assertions;

namespace TrustedPublishDashboard.Tests.Onboarding;

/// <summary>The onboarding wizard in a real browser, against the local replay registry.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OnboardingBrowserTests(BrowserFixture fixture)
{
    private static readonly Provenance Release = new("acme/widgets", ".github/workflows/release.yml", "refs/tags/v2.0.0", "release");

    private static string Repo(string dir) => $"\"repository\": {{ \"type\": \"git\", \"url\": \"git+https://github.com/acme/widgets.git\", \"directory\": \"{dir}\" }}";

    private static ILocator Step(IPage page, string package, string step) =>
        page.Locator($"[data-testid=tracker-row][data-package='{package}'] [data-testid=step][data-step={step}]");

    [Fact]
    public async Task Wizard_UploadMonorepo_Plan_Track_DownloadTrustScript_VerifyTrustList_ThenPollingVerifiesTheLastStep()
    {
        // Five workspace packages: one private, one not published yet, three published with tokens.
        string[] published = ["@wz/one", "@wz/two", "@wz/three"];
        foreach (var name in published)
            new PackumentBuilder(name).Add("1.0.0", 1, new Publish.Token("alice")).Latest("1.0.0").ServeOn(fixture.Registry);
        fixture.Registry.Serve("/" + PackumentBuilder.Escape("@wz/fresh"), ReplayResponse.WithStatus(404));
        var archive = new TestArchive()
            .Package("widgets-0123abc", "widgets-root", "\"private\": true, \"workspaces\": [\"packages/*\"]")
            .Package("widgets-0123abc/packages/one", "@wz/one", Repo("packages/one"))
            .Package("widgets-0123abc/packages/two", "@wz/two", Repo("packages/two"))
            .Package("widgets-0123abc/packages/three", "@wz/three", Repo("packages/three"))
            .Package("widgets-0123abc/packages/fresh", "@wz/fresh", Repo("packages/fresh"))
            .Package("widgets-0123abc/packages/internal", "@wz/internal", "\"private\": true")
            .ToTarGz();

        var page = await fixture.OpenAsync("onboarding");
        await Expect(page.Locator("[data-testid=plans], [data-testid=no-plan]")).ToBeVisibleAsync();
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "onboarding");
        await CreatePlanAsync(page, "Widgets monorepo");

        // 1. Import: the archive's workspaces, the private package skipped and said so, the existence check done.
        // Blazor's InputFile hears the change only once it is initialised over the circuit (after its first render); on a busy
        // machine a file set before that is lost.
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=archive-input]')?._blazorInputFileNextFileId !== undefined");
        await page.GetByTestId("archive-input").SetInputFilesAsync(new FilePayload { Name = "widgets.tar.gz", MimeType = "application/gzip", Buffer = archive });
        await Expect(page.GetByTestId("plan-import-summary")).ToContainTextAsync("4 package(s) added");
        var skipped = page.GetByTestId("plan-import-skipped").Filter(new() { HasText = "@wz/internal" });
        await Expect(skipped).ToContainTextAsync("private");
        // The result is shown in the card the upload started from, within the window.
        await Expect(page.GetByTestId("plan-import-result")).ToBeInViewportAsync();
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "onboarding-import");

        // 2. Publisher, entered once.
        await page.GetByText("2 · Publisher").ClickAsync();
        // Filled in from the packages' package.json repository fields, which all name acme/widgets.
        await Expect(page.GetByTestId("publisher-prefill")).ToContainTextAsync("github.com/acme/widgets");
        await Expect(page.GetByTestId("pub-owner")).ToHaveValueAsync("acme");
        await Expect(page.GetByTestId("pub-repository")).ToHaveValueAsync("widgets");
        await page.GetByTestId("pub-owner").FillAsync("acme");
        await page.GetByTestId("pub-repository").FillAsync("widgets");
        await page.GetByTestId("pub-workflow").FillAsync("release.yml");
        await page.GetByTestId("save-publisher").ClickAsync();
        await Expect(page.GetByTestId("publisher-saved")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("package-issues-none")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex("tab=publisher"));
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "onboarding-publisher");

        // 3. Tracker: bootstrap needed for exactly the unpublished package.
        await page.GetByText("3 · Tracker").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("tab=tracker"));
        await Expect(page.GetByTestId("tracker-row")).ToHaveCountAsync(4);
        await Expect(page.Locator("[data-testid=step][data-step=bootstrap][data-state=pending]")).ToHaveCountAsync(1);
        await Expect(Step(page, "@wz/fresh", "bootstrap")).ToHaveAttributeAsync("data-state", "pending");
        await Expect(Step(page, "@wz/one", "bootstrap")).ToHaveAttributeAsync("data-state", "not-needed");
        await Expect(page.GetByTestId("bootstrap-needed")).ToHaveTextAsync("1");

        // 4. Scripts: download the trust script.
        await page.GetByText("4 · Scripts & workflow").ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-configure-trust-sh").ClickAsync());
        Assert.Equal("configure-trust.sh", download.SuggestedFilename);
        var script = await File.ReadAllTextAsync((await download.PathAsync())!);
        foreach (var name in new[] { "@wz/one", "@wz/two", "@wz/three" })
            Assert.Contains($"npm trust github '{name}' --file release.yml --repo acme/widgets --allow-publish -y", script);
        // Not on the registry yet: trust cannot be configured before its bootstrap, and the page says so.
        Assert.DoesNotContain("@wz/fresh", script);
        Assert.DoesNotContain("@wz/internal", script);
        await Expect(page.GetByTestId("artifact-note")).ToContainTextAsync("1 package(s) not on the registry yet are left out");
        Assert.Contains("sleep 2", script);
        await Expect(page.Locator("[data-testid=artifact][data-key=bootstrap-placeholders-sh]")).ToContainTextAsync("For 1 package(s): @wz/fresh");
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "onboarding-scripts");

        // 5. Verify: a pasted trust list with one mismatching workflow file.
        await page.GetByText("5 · Verify trust").ClickAsync();
        // A paste over the circuit's limit is cleared with a message before Blazor sends it; the box then works as usual.
        await BrowserFixture.PasteAsync(page, "trust-paste", new string('x', 6 * 1024 * 1024));
        await Expect(page.GetByTestId("trust-paste-limit")).ToContainTextAsync("6.0 MB; at most 5.0 MB");
        await Expect(page.GetByTestId("trust-paste")).ToHaveValueAsync("");
        var lines = published.Select(n => Line(n, n == "@wz/two" ? "publish.yml" : "release.yml"));
        await page.GetByTestId("trust-paste").FillAsync(string.Join("\n", lines));
        await page.GetByTestId("trust-compare").ClickAsync();
        await Expect(page.GetByTestId("trust-report-summary")).ToHaveTextAsync("2 of 3 configuration(s) match the plan.");
        var mismatch = page.Locator("[data-testid=trust-result][data-matches=false]");
        await Expect(mismatch).ToHaveCountAsync(1);
        await Expect(mismatch).ToHaveAttributeAsync("data-package", "@wz/two");
        await Expect(mismatch.Locator("[data-testid=trust-field][data-matches=false]")).ToContainTextAsync("publish.yml");
        await Expect(mismatch.GetByTestId("trust-fix")).ToContainTextAsync("npm trust github '@wz/two' --file release.yml");
        await Expect(page.GetByTestId("trust-paste-limit")).ToBeHiddenAsync();
        await Expect(page.GetByTestId("trust-report-summary")).ToBeInViewportAsync();
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "onboarding-verify");
        // The history names each package once ("@wz/one: configured …", never "@wz/one: @wz/one: …").
        await Expect(page.Locator("[data-testid=trust-last]").Filter(new() { HasText = "@wz/one" })).ToContainTextAsync("@wz/one: configured as planned");

        // The failed verification is replaced by the trust script (revoke the configuration npm listed, then create), and the Scripts page says so.
        await page.GetByText("4 · Scripts & workflow").ClickAsync();
        var change = page.Locator("[data-testid=artifact][data-key=configure-trust-sh] [data-testid=artifact-change]").Filter(new() { HasText = "@wz/two" });
        await Expect(change).ToContainTextAsync("@wz/two: verification failed");
        await Expect(change).ToContainTextAsync("revoke id-@wz/two, then create GitHub Actions (acme/widgets, release.yml)");
        await page.GetByText("5 · Verify trust").ClickAsync();

        // The trust probe's whole job log: 201 (already verified), 404 with the command that fixes it, 403 unreadable; @wz/fresh is not in it.
        var probe = TrustProbeReportParserTests.Log($$"""
            {"schema":"trusted-publish-dashboard/trust-probe/v1","registry":"{{fixture.Registry.BaseUrl}}","repository":"acme/widgets","workflow":"release.yml",
             "environment":null,"runUrl":"https://github.com/acme/widgets/actions/runs/9","ranAt":"2026-11-29T10:00:00Z",
             "results":[{"package":"@wz/one","status":201},{"package":"@wz/two","status":404},{"package":"@wz/three","status":403,"error":"OIDC permission denied"}]}
            """);
        await page.GetByTestId("probe-paste").FillAsync(probe);
        await page.GetByTestId("probe-verify").ClickAsync();
        await Expect(page.GetByTestId("probe-summary")).ToHaveTextAsync("1 configured, 1 not configured, 1 unreadable (probe of 2026-11-29 10:00 UTC).");
        await Expect(page.Locator("[data-testid=probe-result][data-package='@wz/two'] [data-testid=probe-fix]"))
            .ToHaveTextAsync("npm trust github '@wz/two' --file release.yml --repo acme/widgets --allow-publish -y");
        await Expect(page.Locator("[data-testid=probe-result][data-package='@wz/three']")).ToHaveAttributeAsync("data-state", "unreadable");
        await Expect(page.GetByTestId("probe-missing")).ToContainTextAsync("@wz/fresh");
        await Expect(page.GetByTestId("probe-run")).ToHaveAttributeAsync("href", "https://github.com/acme/widgets/actions/runs/9");
        // A bad paste gets a person's sentence and changes nothing.
        await page.GetByTestId("probe-paste").FillAsync("{\"schema\": nul}");
        await page.GetByTestId("probe-verify").ClickAsync();
        await Expect(page.GetByTestId("probe-problem")).ToContainTextAsync("This is not a trust-probe report");

        // The registry starts serving trusted versions for two packages; a re-check verifies their last step by itself.
        foreach (var (name, i) in new[] { ("@wz/one", 1), ("@wz/three", 2) })
            new PackumentBuilder(name).Add("1.0.0", 1, new Publish.Token("alice")).Add("2.0.0", 20, new Publish.Trusted($"oidc:{i}"), Release).Latest("2.0.0").ServeOn(fixture.Registry);
        // After the probe's 404 no configuration id is known: the trust script creates the plan's and says it revokes nothing.
        await page.GetByText("4 · Scripts & workflow").ClickAsync();
        await Expect(change).ToContainTextAsync("@wz/two: verification failed");
        await Expect(change).ToContainTextAsync("no configuration id is known, so nothing is revoked: create GitHub Actions (acme/widgets, release.yml)");
        await page.GetByText("3 · Tracker").ClickAsync();
        await Expect(Step(page, "@wz/two", "trust-configured")).ToHaveAttributeAsync("data-state", "failed");
        await page.GetByTestId("plan-recheck").ClickAsync();

        await Expect(Step(page, "@wz/one", "first-oidc-publish")).ToHaveAttributeAsync("data-state", "verified");
        await Expect(Step(page, "@wz/three", "first-oidc-publish")).ToHaveAttributeAsync("data-state", "verified");
        await Expect(Step(page, "@wz/two", "first-oidc-publish")).ToHaveAttributeAsync("data-state", "pending");
        await Expect(Step(page, "@wz/fresh", "first-oidc-publish")).ToHaveAttributeAsync("data-state", "pending");

        // OIDC-only is a person's confirmation; the page says why, right under the package's row.
        await Step(page, "@wz/one", "oidc-only").ClickAsync();
        await Expect(page.GetByTestId("oidc-only-note")).ToContainTextAsync("no way to read");
        await Expect(page.GetByTestId("step-detail")).ToBeInViewportAsync();
        await Expect(page.Locator("[data-testid=tracker-row][data-package='@wz/one'] + [data-testid=step-detail-row]")).ToHaveCountAsync(1);
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "onboarding-tracker");
        await page.GetByTestId("step-set-confirmed").ClickAsync();
        await Expect(Step(page, "@wz/one", "oidc-only")).ToHaveAttributeAsync("data-state", "confirmed");
        await Expect(page.GetByTestId("step-actor")).ToContainTextAsync("By ");

        // After running the "require OIDC only" script for all: one confirmation for the rest of the plan.
        await page.GetByTestId("bulk-confirm").ClickAsync();
        await page.GetByTestId("bulk-confirm-ok").ClickAsync();
        await Expect(page.GetByTestId("bulk-result")).ToHaveTextAsync("OIDC-only confirmed for 3 package(s).");
        await Expect(page.Locator("[data-testid=step][data-step=oidc-only][data-state=confirmed]")).ToHaveCountAsync(4);

        // Nothing is lost when the browser closes: a fresh page shows the same tracker.
        await page.Context.CloseAsync();
        var again = await fixture.OpenAsync(new Uri(page.Url).PathAndQuery.TrimStart('/'));
        await Expect(Step(again, "@wz/one", "oidc-only")).ToHaveAttributeAsync("data-state", "confirmed");
        await Expect(Step(again, "@wz/one", "first-oidc-publish")).ToHaveAttributeAsync("data-state", "verified");

        // The list of plans counts the plan's packages.
        await again.GotoAsync("onboarding");
        await BrowserFixture.WaitInteractiveAsync(again);
        var listed = again.GetByTestId("plan").Filter(new() { Has = again.GetByTestId("plan-name").GetByText("Widgets monorepo", new() { Exact = true }) });
        await Expect(listed.GetByTestId("plan-count")).ToHaveTextAsync("4");
        await BrowserScreenshots.ScreenshotBothThemesAsync(again, "onboarding-plans");
        await again.Context.CloseAsync();
    }

    [Fact]
    public async Task Import_ScopeSearch_PicksFromPagedResults_AndARegistryWithoutSearchIsNamedAsSuch()
    {
        fixture.Registry.Serve("/-/v1/search?text=scope%3Asrch&size=250&from=0", ReplayResponse.Json(
            """{"objects":[{"package":{"name":"@srch/a","version":"1.0.0"}},{"package":{"name":"@srch/b","version":"2.0.0"}}],"total":2}"""));
        fixture.Registry.Serve("/-/v1/search?text=maintainer%3Anobody&size=250&from=0", ReplayResponse.WithStatus(404));
        new PackumentBuilder("@srch/a").Add("1.0.0", 1, new Publish.Token("alice")).ServeOn(fixture.Registry);
        new PackumentBuilder("@srch/b").Add("2.0.0", 1, new Publish.Token("alice")).ServeOn(fixture.Registry);
        var page = await fixture.OpenAsync("onboarding");
        await CreatePlanAsync(page, "Search plan");

        await page.GetByText("Maintainer", new() { Exact = true }).ClickAsync();
        await page.GetByTestId("search-term").FillAsync("nobody");
        await page.GetByTestId("search-term").PressAsync("Tab");
        await page.GetByTestId("search").ClickAsync();
        await Expect(page.GetByTestId("search-message")).ToContainTextAsync("does not offer search");
        await Expect(page.GetByTestId("search-message")).ToContainTextAsync("archive or paste");

        await page.GetByText("Scope", new() { Exact = true }).ClickAsync();
        await page.GetByTestId("search-term").FillAsync("@srch");
        await page.GetByTestId("search-term").PressAsync("Tab");
        await page.GetByTestId("search").ClickAsync();
        await Expect(page.GetByTestId("search-count")).ToHaveTextAsync("2 package(s) found.");
        await page.GetByTestId("search-add").ClickAsync();
        await Expect(page.GetByTestId("plan-import-summary")).ToContainTextAsync("2 package(s) added");
        await page.GetByText("3 · Tracker").ClickAsync();
        await Expect(page.GetByTestId("tracker-row")).ToHaveCountAsync(2);

        // Renamed and deleted through dialogs; the packages stay tracked, the plan leaves the list.
        await page.GetByTestId("rename-plan").ClickAsync();
        await page.GetByTestId("rename-plan-name").FillAsync("Search plan renamed");
        await page.GetByTestId("rename-plan-save").ClickAsync();
        await Expect(page.GetByTestId("plan-title")).ToHaveTextAsync("Search plan renamed");
        await page.GetByTestId("delete-plan").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/onboarding$"));
        await Expect(page.Locator("[data-testid=plans], [data-testid=no-plan]")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("plan-name").GetByText("Search plan renamed", new() { Exact = true })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task PlanPage_UnknownPlan_SaysSo()
    {
        var page = await fixture.OpenAsync("onboarding/987654321");

        await Expect(page.GetByTestId("plan-not-found")).ToContainTextAsync("There is no onboarding plan 987654321");
        await Expect(page.GetByTestId("plan-tabs")).ToHaveCountAsync(0);
        await BrowserScreenshots.ScreenshotBothThemesAsync(page, "onboarding-plan-not-found");
        await page.Context.CloseAsync();
    }

    /// <summary>Creates a plan from the Onboarding page and waits for its page.</summary>
    private static async Task CreatePlanAsync(IPage page, string name)
    {
        await page.GetByTestId("new-plan-name").FillAsync(name);
        await page.GetByTestId("new-plan-name").PressAsync("Tab");
        await page.GetByTestId("create-plan").ClickAsync();
        await Expect(page.GetByTestId("plan-title")).ToHaveTextAsync(name);
        await BrowserFixture.WaitInteractiveAsync(page);
    }

    /// <summary>What a paste does: one input event with the whole text, then change (typing megabytes takes minutes).</summary>
    private static string Line(string package, string file) =>
        $$$"""{"package":"{{{package}}}","trust":[{"id":"id-{{{package}}}","type":"github","claims":{"repository":"acme/widgets","workflow_ref":{"file":"{{{file}}}"}},"permissions":["createPackage"]}]}""";
}

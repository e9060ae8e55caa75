using Bunit;
using Bunit.TestDoubles;
using Dapper;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Packages;
using TrustedPublishDashboard.Web.Components.Pages.PackageDetail;
using TrustedPublishDashboard.Web.Components.Pages.Packages;

namespace TrustedPublishDashboard.Tests.Web.Components;

/// <summary>The package detail page and the compliance grid rendered with bUnit over the app's real services and a seeded SQLite file.</summary>
public sealed class PackagesComponentTests : MudComponentTest, IAsyncLifetime
{
    private readonly TempDatabase _db = new();
    private readonly BunitAuthorizationContext _auth;

    public PackagesComponentTests()
    {
        Services.AddPackagesOver(_db);
        Services.AddHttpContextAccessor();
        Services.AddScoped<CurrentUser>();
        _auth = AddAuthorization();
        _auth.SetAuthorized("admin");
        _auth.SetRoles(Actor.AdministratorRole);
    }

    async Task IAsyncLifetime.InitializeAsync() => await _db.Runner().ApplyAsync(CancellationToken.None);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _db.DisposeAsync();
    }

    private IRenderedComponent<PackageDetailPage> RenderDetail(string registry, string name) =>
        Render<PackageDetailPage>(p => p.Add(c => c.RegistryCode, registry).Add(c => c.Name, name));

    private IRenderedComponent<PackagesPage> RenderGrid(string address)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        // Selects and menus open in popovers, which need their provider on the page.
        Render<MudBlazor.MudPopoverProvider>();
        return Render<PackagesPage>();
    }

    [Fact]
    public async Task Grid_RecheckASamplePackage_SaysItIsSampleData_InsteadOfReCheckedSuccessfully()
    {
        await Services.GetRequiredService<TrustedPublishDashboard.Packages.SampleWorkspace>().LoadAsync(3, 2, null, default);
        var snackbars = Render<MudBlazor.MudSnackbarProvider>();
        var cut = RenderGrid("packages?sample=true");
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=recheck-package]").Count));

        await cut.FindAll("[data-testid=recheck-package]")[0].ClickAsync(new());

        snackbars.WaitForAssertion(() => Assert.Contains("is a sample package: its evidence is generated, never read from a registry", snackbars.Markup));
        Assert.DoesNotContain("re-checked", snackbars.Markup);
        Assert.Contains("info", snackbars.Find(".mud-snackbar").ClassName);
    }

    [Fact]
    public async Task DetailPage_RecentChecks_AreThisPackagesChecksWithTheirTrigger_NotEveryPoll()
    {
        var mine = await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("checked-mine", "o/mine"));
        var other = await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("checked-other", "o/other"));
        var runs = Services.GetRequiredService<TrustedPublishDashboard.Data.PollRunRepository>();
        var evidence = Services.GetRequiredService<TrustedPublishDashboard.Data.EvidenceRepository>();
        var at = DateTimeOffset.UtcNow;
        var scheduled = await runs.StartAsync("npm", "schedule", 2, at, default);
        await evidence.SaveFailureAsync(mine, "registry answered 500", at, default,
            check: new(scheduled, TrustedPublishDashboard.Data.PackageCheck.Failed, TimeSpan.FromMilliseconds(120)));
        await evidence.SaveFailureAsync(other, "other's error", at, default,
            check: new(scheduled, TrustedPublishDashboard.Data.PackageCheck.Failed, TimeSpan.FromMilliseconds(80)));
        var manual = await runs.StartAsync("npm", "manual", 1, at.AddMinutes(1), default);
        await evidence.SaveFailureAsync(other, "other's second error", at.AddMinutes(1), default,
            check: new(manual, TrustedPublishDashboard.Data.PackageCheck.NotFound, TimeSpan.FromMilliseconds(80)));

        var cut = RenderDetail("npm", "checked-mine");

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=check-outcome]")));
        Assert.Equal("failed", cut.Find("[data-testid=check-outcome]").TextContent.Trim());
        Assert.Equal("scheduled", cut.Find("[data-testid=check-trigger]").TextContent.Trim());
        var table = cut.Find("[data-testid=recent-polls]").TextContent;
        Assert.Contains("registry answered 500", table);
        Assert.Contains("120 ms", table);
        Assert.DoesNotContain("other", table);
    }

    [Fact]
    public async Task DetailPage_RendersTheTimelineNewestFirst_AndTheFindingsWithTheirFix()
    {
        await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("rendered"));

        var cut = RenderDetail("npm", "rendered");

        cut.WaitForAssertion(() => cut.Find("[data-testid=detail-name]"));
        var html = cut.Markup;
        Assert.Contains("data-testid=\"detail-name\"", html);
        Assert.True(html.IndexOf(">2.0.0<", StringComparison.Ordinal) < html.IndexOf(">1.0.0<", StringComparison.Ordinal), "newest version first");
        Assert.Contains("trust-downgrade", html);
        Assert.Contains("npm access set mfa=publish", html);
        Assert.Contains("o/r", html);
        Assert.Contains("badge/npm/rendered.svg", html);
        Assert.Equal(["2.0.0", "1.0.0"], cut.FindAll("[data-testid=timeline-version]").Select(e => e.TextContent.Trim()));
        Assert.Equal(["token", "trusted-publisher"], cut.FindAll("[data-testid=timeline-method] [data-testid=method-chip]").Select(e => e.TextContent.Trim()));
        var finding = cut.Find("[data-testid=finding]");
        Assert.Equal("trust-downgrade", finding.GetAttribute("data-kind"));
        Assert.Contains("long-lived token", finding.QuerySelector("[data-testid=finding-meaning]")!.TextContent);
        Assert.Contains("npm access set mfa=publish", finding.QuerySelector("[data-testid=finding-fix]")!.TextContent);
        Assert.DoesNotContain("Fix:", finding.QuerySelector("[data-testid=finding-happened]")!.TextContent);
    }

    [Fact]
    public void DetailPage_UnknownPackage_SaysSoInsteadOfFailing()
    {
        var cut = RenderDetail("npm", "Bad Name");

        cut.WaitForAssertion(() => Assert.Contains("a space", cut.Find("[data-testid=detail-error]").TextContent));
        Assert.Contains("data-testid=\"detail-error\"", cut.Markup);
    }

    [Theory]
    [InlineData("npm", "never-added", "not tracked")]
    [InlineData("cargo", "serde", "no registry called 'cargo'")]
    public void DetailPage_UntrackedOrUnknownRegistry_SaysWhich(string registry, string name, string expected)
    {
        var cut = RenderDetail(registry, name);

        cut.WaitForAssertion(() => Assert.Contains(expected, cut.Find("[data-testid=detail-error]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=detail-name]"));
    }

    [Fact]
    public async Task DetailPage_DatabaseFailure_ShowsTheReason()
    {
        await using (var connection = await _db.Connections.OpenAsync(default))
            await connection.ExecuteAsync("DROP TABLE package_evidence");

        var cut = RenderDetail("npm", "anything");

        cut.WaitForAssertion(() => Assert.Contains("package_evidence", cut.Find("[data-testid=detail-load-error]").TextContent));
    }

    [Fact]
    public async Task DetailPage_NoFindings_SaysSo_AndTheBadgeMarkdownUsesTheAppAddress()
    {
        await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("clean", "o/clean"));

        var cut = RenderDetail("npm", "clean");

        cut.WaitForAssertion(() => cut.Find("[data-testid=no-findings]"));
        Assert.Equal("![trusted publishing](http://localhost/badge/npm/clean.svg)", cut.Find("[data-testid=badge-markdown]").TextContent.Trim());
        Assert.Equal("compliant", cut.Find("[data-testid=status-badge]").GetAttribute("data-status"));
        Assert.NotNull(cut.Find("[data-testid=detail-recheck]"));
    }

    [Fact]
    public async Task DetailPage_Viewer_IsNotOfferedTheRecheck()
    {
        _auth.SetRoles(Actor.ViewerRole);
        await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("viewed", "o/viewed"));

        var cut = RenderDetail("npm", "viewed");

        cut.WaitForAssertion(() => cut.Find("[data-testid=detail-name]"));
        Assert.Empty(cut.FindAll("[data-testid=detail-recheck]"));
    }

    [Fact]
    public void PackagesPage_EmptyDashboard_OpensTheAddForm_AndSaysNothingIsTracked()
    {
        var cut = RenderGrid("packages");

        cut.WaitForAssertion(() => cut.Find("[data-testid=grid-empty]"));
        Assert.NotNull(cut.Find("[data-testid=add-card]"));
        var paste = cut.Find("textarea[data-testid=paste-box]");
        Assert.Equal("paste-box", paste.Id);
        Assert.Equal(TrustedPublishDashboard.Web.Components.Shared.PasteLimit.MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), paste.GetAttribute("data-max-bytes"));
        Assert.NotNull(cut.Find("[data-paste-limit-for=paste-box]"));
        Assert.Equal("0 items", cut.Find("[data-testid=pager-summary]").TextContent.Trim());
    }

    [Fact]
    public void PackagesPage_InvalidAddress_SaysWhichFilterIsWrong()
    {
        var cut = RenderGrid("packages?status=green&pageSize=0");

        cut.WaitForAssertion(() => Assert.Contains("status must be one of", cut.Find("[data-testid=url-error]").TextContent));
        Assert.Contains("pageSize must be a whole number", cut.Find("[data-testid=url-error]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=package-name]"));
    }

    [Fact]
    public async Task PackagesPage_Rows_ShowStatusMethodFindingsAndGroup()
    {
        await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("row-token"), group: "team-a");
        await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("row-trusted", "o/trusted"));

        var cut = RenderGrid("packages?q=row-");

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=package-name]").Count));
        Assert.Equal(["row-token", "row-trusted"], cut.FindAll("[data-testid=package-name]").Select(a => a.TextContent));
        Assert.Equal(["non-compliant", "compliant"], cut.FindAll("[data-testid=status-badge]").Select(b => b.GetAttribute("data-status")));
        Assert.Equal(["token", "trusted-publisher"], cut.FindAll("[data-testid=method-chip]").Select(b => b.GetAttribute("data-method")));
        Assert.Equal("1", cut.Find("[data-testid=finding-count]").TextContent.Trim());
        Assert.Contains("team-a", cut.FindAll("tr").Single(r => r.TextContent.Contains("row-token", StringComparison.Ordinal)).TextContent);
        Assert.Equal("packages/npm/row-token", cut.FindAll("[data-testid=package-name]")[0].GetAttribute("href"));
        Assert.Equal("1–2 of 2 items", cut.Find("[data-testid=pager-summary]").TextContent.Trim());
    }

    [Fact]
    public async Task PackagesPage_GroupedByStatus_ShowsAHeaderPerGroupWithItsSqlCount()
    {
        await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("grp-token"));
        await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("grp-trusted-1", "o/a"));
        await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("grp-trusted-2", "o/b"));

        var cut = RenderGrid("packages?q=grp-&groupBy=status&pageSize=2");

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=package-name]").Count));
        Assert.Equal(["compliant"], cut.FindAll("[data-testid=group-key]").Select(k => k.TextContent));
        // The page shows two of the compliant group; the header counts the whole group in SQL.
        Assert.Equal("· 2 package(s)", cut.Find("[data-testid=group-size]").TextContent.Trim());
        Assert.Equal(["compliant · 2", "non-compliant · 1"], cut.FindAll("[data-testid=group-chip]").Select(c => c.TextContent.Trim()));
    }

    [Fact]
    public async Task PackagesPage_Viewer_SeesNoActionThatChangesData()
    {
        _auth.SetRoles(Actor.ViewerRole);
        await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("viewer-row", "o/v"));

        var cut = RenderGrid("packages?q=viewer-");

        cut.WaitForAssertion(() => cut.Find("[data-testid=package-name]"));
        foreach (var action in new[] { "toggle-add", "add-card", "select-row", "select-page", "remove-package", "recheck-package" })
            Assert.Empty(cut.FindAll($"[data-testid={action}]"));
        Assert.NotNull(cut.Find("[data-testid=export-csv]"));
    }

    // ---- Findings triage ----

    [Fact]
    public async Task PackagesPage_BulkAccept_PreviewsThenAccepts_ShowsTheMarker_AndAnyFindingIncludesAcceptedOnlyWhenAsked()
    {
        await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("ba-one"));
        await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("ba-two"));
        await Services.TrackWithHistoryAsync(PackagesTestServices.Trusted("ba-clean", "o/clean"));
        var dialogs = Render<MudBlazor.MudDialogProvider>();
        var cut = RenderGrid("packages?q=ba-");
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=package-name]").Count));
        Assert.Empty(cut.FindAll("[data-testid=accepted-marker]"));

        foreach (var box in cut.FindAll("[data-testid=select-row] input, input[data-testid=select-row]").ToList()) await box.ChangeAsync(new() { Value = true });
        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=selected-count]").TextContent.Trim()));
        var accepting = cut.Find("[data-testid=bulk-accept]").ClickAsync(new());

        // The preview: both open findings, nothing changed yet.
        dialogs.WaitForAssertion(() => Assert.Equal(2, dialogs.FindAll("[data-testid=accept-preview-row]").Count));
        Assert.Contains("2 open finding(s) on 2 package(s)", dialogs.Find("[data-testid=accept-summary]").TextContent);
        Assert.Contains("1 selected package(s) have no open finding", dialogs.Find("[data-testid=accept-summary]").TextContent);
        await dialogs.Find("[data-testid=accept-confirm]").ClickAsync(new());
        dialogs.WaitForAssertion(() => Assert.Contains("Say why", dialogs.Find("[data-testid=accept-error]").TextContent));
        Assert.Equal("non-compliant", (await Services.GetRequiredService<TrustedPublishDashboard.Packages.PackagesService>()
            .QueryAsync(new TrustedPublishDashboard.Packages.PackageGridState { Search = "ba-one" }, default)).Items.Single().Status);

        await dialogs.Find("textarea[data-testid=accept-note], [data-testid=accept-note] textarea").InputAsync(new() { Value = "old release box token, revoked" });
        await dialogs.Find("[data-testid=accept-confirm]").ClickAsync(new());
        await accepting.WaitAsync(TimeSpan.FromSeconds(10));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=accepted-marker]").Count));
        Assert.Equal(["compliant", "compliant", "compliant"], cut.FindAll("[data-testid=status-badge]").Select(b => b.GetAttribute("data-status")));
        Assert.Equal("1 accepted", cut.FindAll("[data-testid=accepted-marker]")[0].TextContent.Trim());
        Assert.Empty(dialogs.FindAll("[data-testid=accept-panel]"));

        // "Any finding" lists open findings only; the switch beside it (kept in the address) adds the accepted ones.
        var nav = Services.GetRequiredService<NavigationManager>();
        await cut.Find("[data-testid=quick-findings]").ClickAsync(new());
        cut.WaitForAssertion(() => cut.Find("[data-testid=grid-no-match]"));
        await cut.Find("[data-testid=include-accepted] input, input[data-testid=include-accepted]").ChangeAsync(new() { Value = true });
        cut.WaitForAssertion(() => Assert.Equal(["ba-one", "ba-two"], cut.FindAll("[data-testid=package-name]").Select(a => a.TextContent)));
        Assert.EndsWith("packages?q=ba-&filter=findings&accepted=include", nav.Uri);
    }

    [Fact]
    public async Task DetailPage_AcceptThenReopen_ShowsEachFindingsStateAndHistory()
    {
        await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("dt-history"));
        var dialogs = Render<MudBlazor.MudDialogProvider>();
        Render<MudBlazor.MudPopoverProvider>();
        var cut = RenderDetail("npm", "dt-history");
        cut.WaitForAssertion(() => Assert.Equal("open", cut.Find("[data-testid=finding]").GetAttribute("data-state")));
        Assert.Equal(["raised"], cut.FindAll("[data-testid=finding-event]").Select(e => e.GetAttribute("data-what")));

        var accepting = cut.Find("[data-testid=finding-accept]").ClickAsync(new());
        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=accept-preview-row]"));
        await dialogs.Find("[data-testid=accept-reason-false-positive] input, input[data-testid=accept-reason-false-positive]").ClickAsync(new());
        await dialogs.Find("textarea[data-testid=accept-note], [data-testid=accept-note] textarea").InputAsync(new() { Value = "the token publish was a mirror's artefact" });
        await dialogs.Find("[data-testid=accept-confirm]").ClickAsync(new());
        await accepting.WaitAsync(TimeSpan.FromSeconds(10));

        cut.WaitForAssertion(() => Assert.Equal("accepted", cut.Find("[data-testid=finding]").GetAttribute("data-state")));
        Assert.Contains("Accepted by admin", cut.Find("[data-testid=finding-acceptance]").TextContent);
        Assert.Contains("as false positive: the token publish was a mirror's artefact", cut.Find("[data-testid=finding-acceptance]").TextContent);
        Assert.Equal(["raised", "accepted"], cut.FindAll("[data-testid=finding-event]").Select(e => e.GetAttribute("data-what")));
        Assert.Equal("compliant", cut.Find("[data-testid=status-badge]").GetAttribute("data-status"));
        Assert.Equal("1 accepted", cut.Find("[data-testid=accepted-marker]").TextContent.Trim());

        await cut.Find("[data-testid=finding-reopen]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("open", cut.Find("[data-testid=finding]").GetAttribute("data-state")));
        Assert.Equal(["raised", "accepted", "reopened"], cut.FindAll("[data-testid=finding-event]").Select(e => e.GetAttribute("data-what")));
        Assert.Contains("by admin", cut.FindAll("[data-testid=finding-event]")[2].TextContent);
        Assert.Equal("non-compliant", cut.Find("[data-testid=status-badge]").GetAttribute("data-status"));
    }

    [Fact]
    public async Task DetailPage_Viewer_SeesTheStateButNoTriageAction()
    {
        _auth.SetRoles(Actor.ViewerRole);
        await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("dt-viewer"));

        var cut = RenderDetail("npm", "dt-viewer");

        cut.WaitForAssertion(() => Assert.Equal("open", cut.Find("[data-testid=finding-state]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=finding-accept]"));
        Assert.Empty(cut.FindAll("[data-testid=finding-reopen]"));
    }
}

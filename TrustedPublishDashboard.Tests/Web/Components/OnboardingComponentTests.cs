using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding;
using TrustedPublishDashboard.Onboarding.Planning;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Web.Components.Pages.Onboarding;

namespace TrustedPublishDashboard.Tests.Web.Components;

/// <summary>The onboarding wizard's presentational pieces, rendered with bUnit: plan list states, step chips, tracker, problems, import result.</summary>
public sealed class OnboardingComponentTests : MudComponentTest
{
    private static OnboardingPlanRow Plan(long id, string name, long packages, long completed) =>
        new() { Id = id, Name = name, CreatedAt = "2026-01-02T03:04:05.0000000+00:00", PackageCount = packages, CompletedCount = completed };

    private static TrackerRow Row(long id, string name, string registryState, params (OnboardingStep Step, StepState State, string? Note)[] steps)
    {
        var member = new PlanMemberRow { PlanId = 1, PackageId = id, Registry = "npm", Name = name, RegistryState = registryState };
        var byStep = OnboardingSteps.All.ToDictionary(s => s, s => steps.Where(x => x.Step == s)
            .Select(x => (StepRow?)new StepRow { PlanId = 1, PackageId = id, Step = s.Code(), State = x.State.Code(), Note = x.Note, UpdatedAt = "2026-01-02T03:04:05.0000000+00:00" })
            .FirstOrDefault());
        return new TrackerRow(member, null, [], byStep, null, null);
    }

    [Fact]
    public void PlanList_Loading_SaysSo()
    {
        var cut = Render<PlanList>(p => p.Add(c => c.Plans, null));

        Assert.Contains("Loading the plans", cut.Find("[data-testid=plans-loading]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=plans], [data-testid=no-plan], [data-testid=plans-error]"));
    }

    [Fact]
    public void PlanList_NoPlan_PointsToTheGridsStillTokenFilter()
    {
        var cut = Render<PlanList>(p => p.Add(c => c.Plans, []));

        var empty = cut.Find("[data-testid=no-plan]");
        Assert.Contains("No onboarding plan yet", empty.TextContent);
        Assert.Equal("packages?filter=still-token", empty.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=plans]"));
    }

    [Fact]
    public void PlanList_LoadFailed_ShowsTheReason_AndTryAgainReloads()
    {
        var retries = 0;
        var cut = Render<PlanList>(p => p.Add(c => c.Plans, null).Add(c => c.Error, "database is locked").Add(c => c.OnRetry, () => retries++));

        Assert.Contains("database is locked", cut.Find("[data-testid=plans-error]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=plans-loading]"));
        cut.Find("[data-testid=plans-retry]").Click();
        Assert.Equal(1, retries);
    }

    [Fact]
    public void PlanList_Plans_LinkToTheirPage_WithCompletion()
    {
        var cut = Render<PlanList>(p => p.Add(c => c.Plans, [Plan(7, "Monorepo", 4, 1), Plan(9, "Empty", 0, 0)]));

        var rows = cut.FindAll("[data-testid=plan]");
        Assert.Equal(2, rows.Count);
        Assert.Equal("onboarding/7", rows[0].QuerySelector("[data-testid=plan-name]")!.GetAttribute("href"));
        Assert.Equal("Monorepo", rows[0].QuerySelector("[data-testid=plan-name]")!.TextContent.Trim());
        Assert.Equal("4", rows[0].QuerySelector("[data-testid=plan-count]")!.TextContent.Trim());
        Assert.Equal("1 of 4", rows[0].QuerySelector("[data-testid=plan-complete-count]")!.TextContent.Trim());
        Assert.Contains("not chosen yet", rows[1].TextContent);
        Assert.Contains("2026-01-02 03:04:05 UTC", rows[0].TextContent);
    }

    [Theory]
    [InlineData(StepState.Verified, "verified", "success")]
    [InlineData(StepState.Confirmed, "confirmed", "info")]
    [InlineData(StepState.NotNeeded, "not needed", "default")]
    [InlineData(StepState.Failed, "failed", "error")]
    [InlineData(StepState.Pending, "pending", "default")]
    public void StepChip_EveryState_ReadsAsWordsIconAndPaletteColour(StepState state, string text, string color)
    {
        var chip = Render<StepChip>(p => p.Add(c => c.Step, OnboardingStep.TrustConfigured).Add(c => c.State, state).Add(c => c.Note, "Proven by 1.2.0."))
            .Find("[data-testid=step]");

        Assert.Equal(text, chip.TextContent.Trim());
        Assert.Equal("trust-configured", chip.GetAttribute("data-step"));
        Assert.Equal(state.Code(), chip.GetAttribute("data-state"));
        // Palette colours (not fixed hex values) are what keeps the chip readable in the dark theme.
        Assert.Contains($"mud-chip-color-{color}", chip.ClassName);
        Assert.NotNull(chip.QuerySelector("svg"));
        Assert.Equal("Proven by 1.2.0.", chip.GetAttribute("title"));
        Assert.Equal($"Trust configured: {text}", chip.GetAttribute("aria-label"));
    }

    [Fact]
    public void StepChip_WithoutNote_ExplainsWhatMovesTheStep_AndTheSelectedOneIsFilled()
    {
        var plain = Render<StepChip>(p => p.Add(c => c.Step, OnboardingStep.FirstOidcPublish).Add(c => c.State, StepState.Pending)).Find("[data-testid=step]");
        var selected = Render<StepChip>(p => p.Add(c => c.Step, OnboardingStep.FirstOidcPublish).Add(c => c.State, StepState.Pending).Add(c => c.Selected, true))
            .Find("[data-testid=step]");

        Assert.Contains("trusted-publisher version", plain.GetAttribute("title"));
        Assert.Equal("false", plain.GetAttribute("aria-pressed"));
        Assert.Equal("true", selected.GetAttribute("aria-pressed"));
        Assert.Contains("mud-chip-filled", selected.ClassName);
        Assert.DoesNotContain("mud-chip-filled", plain.ClassName);
    }

    [Fact]
    public void TrackerTable_ChipPerStep_AClickSelectsIt_AndTheDetailOpensUnderItsRow()
    {
        var rows = new[]
        {
            Row(1, "@wz/one", RegistryStates.Exists, (OnboardingStep.Bootstrap, StepState.NotNeeded, "Existed already."), (OnboardingStep.FirstOidcPublish, StepState.Verified, null)),
            Row(2, "@wz/fresh", RegistryStates.Missing),
        };
        (long, OnboardingStep)? chosen = null;
        var cut = Render<TrackerTable>(p => p.Add(c => c.Rows, rows).Add(c => c.OnSelect, ((long PackageId, OnboardingStep Step) s) => chosen = s)
            .Add(c => c.Detail, row => $"detail of {row.Member.Name}"));

        Assert.Equal(2, cut.FindAll("[data-testid=tracker-row]").Count);
        Assert.Equal(10, cut.FindAll("[data-testid=step]").Count);
        var one = cut.Find("[data-testid=tracker-row][data-package='@wz/one']");
        Assert.Equal("not-needed", one.QuerySelector("[data-step=bootstrap]")!.GetAttribute("data-state"));
        Assert.Equal("verified", one.QuerySelector("[data-step=first-oidc-publish]")!.GetAttribute("data-state"));
        Assert.Equal("pending", one.QuerySelector("[data-step=oidc-only]")!.GetAttribute("data-state"));
        Assert.Contains("on the registry", one.TextContent);
        Assert.Equal("not published yet", cut.Find("[data-package='@wz/fresh'] [data-testid=tracker-unpublished]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=step-detail-row]"));

        cut.Find("[data-package='@wz/fresh'] [data-step=bootstrap]").Click();
        Assert.Equal((2L, OnboardingStep.Bootstrap), chosen);

        cut.Render(p => p.Add(c => c.SelectedPackage, 2L).Add(c => c.SelectedStep, OnboardingStep.Bootstrap));
        var detail = cut.Find("[data-testid=step-detail-row]");
        Assert.Equal("detail of @wz/fresh", detail.TextContent.Trim());
        // Right under the clicked package, not at the end of a long table.
        Assert.Equal("@wz/fresh", detail.PreviousElementSibling!.GetAttribute("data-package"));
        Assert.Equal("true", cut.Find("[data-package='@wz/fresh'] [data-step=bootstrap]").GetAttribute("aria-pressed"));
    }

    [Fact]
    public void IssueList_ErrorsFirst_EachWithItsCodeAndFix()
    {
        PlanIssue[] issues =
        [
            new("environment-case", "environment", "The environment differs only in case.", null, PlanIssueSeverity.Warning),
            new("workflow-path", "workflowFile", "The workflow must be a bare file name.", "release.yml", PlanIssueSeverity.Error),
        ];

        var items = Render<IssueList>(p => p.Add(c => c.Issues, issues).Add(c => c.TestId, "plan-issue")).FindAll("[data-testid=plan-issue]");

        Assert.Equal(["workflow-path", "environment-case"], items.Select(i => i.GetAttribute("data-code")));
        Assert.Equal(["error", "warning"], items.Select(i => i.GetAttribute("data-severity")));
        Assert.Contains("mud-alert-outlined-error", items[0].ClassName);
        Assert.Contains("Fix: release.yml", items[0].TextContent);
        Assert.DoesNotContain("Fix:", items[1].TextContent);
    }

    [Fact]
    public void IssueList_NoIssue_RendersNothing() =>
        Assert.Empty(Render<IssueList>(p => p.Add(c => c.Issues, [])).Markup.Trim());

    [Fact]
    public void ImportResult_SkippedPackages_WarnAndSayWhy()
    {
        var report = new PlanImportReport(2, 1, ["@wz/one", "@wz/two"], [("@wz/internal (packages/internal)", "private")], ["Workspaces from package.json."]);

        var cut = Render<ImportResult>(p => p.Add(c => c.Report, report));

        Assert.Equal("2 package(s) added to the plan, 1 already in it, 1 skipped.", cut.Find("[data-testid=plan-import-summary]").TextContent);
        Assert.Contains("mud-alert-text-warning", cut.Find(".mud-alert").ClassName);
        Assert.Equal("@wz/internal (packages/internal) — private", cut.Find("[data-testid=plan-import-skipped]").TextContent.Trim());
        Assert.Equal("Workspaces from package.json.", cut.Find("[data-testid=plan-import-note]").TextContent.Trim());
        Assert.Equal(MudBlazor.Severity.Error, ImportResult.SeverityOf(PlanImportReport.Failed("repo.zip was not imported: bad")));
    }

    // ---- "Confirm for all" never overwrites a failed or verified step silently ----

    [Fact]
    public async Task BulkConfirmDialog_ListsFailedAndVerifiedUnticked_ConfirmReturnsOnlyTheTickedOnes()
    {
        var dialogs = Render<MudDialogProvider>();
        var preview = new BulkConfirmPreview(
            [Row(1, "pending-a", RegistryStates.Exists)],
            [Row(2, "failed-b", RegistryStates.Exists, (OnboardingStep.TrustConfigured, StepState.Failed, "The trust probe found no trust configuration (404).")),
             Row(3, "verified-c", RegistryStates.Exists, (OnboardingStep.TrustConfigured, StepState.Verified, "Verified by the trust probe."))]);
        var service = Services.GetRequiredService<IDialogService>();
        IDialogReference? reference = null;
        await dialogs.InvokeAsync(async () => reference = await service.ShowAsync<BulkConfirmDialog>("Confirm for all",
            new DialogParameters<BulkConfirmDialog> { { d => d.Step, OnboardingStep.TrustConfigured }, { d => d.Preview, preview } }));

        dialogs.WaitForAssertion(() => dialogs.Find("[data-testid=bulk-confirm-dialog]"));
        Assert.Contains("1 pending package(s): pending-a", dialogs.Find("[data-testid=bulk-confirm-pending]").TextContent);
        Assert.Contains("left out unless you tick them", dialogs.Find("[data-testid=bulk-confirm-warning]").TextContent);
        var rows = dialogs.FindAll("[data-testid=bulk-confirm-row]");
        Assert.Equal(["failed-b", "verified-c"], rows.Select(r => r.GetAttribute("data-package")));
        Assert.Equal(["failed", "verified"], rows.Select(r => r.GetAttribute("data-state")));
        Assert.Contains("404", rows[0].TextContent);
        Assert.All(dialogs.FindAll("[data-testid=bulk-confirm-row] input[type=checkbox]"), i => Assert.False(i.HasAttribute("checked")));
        Assert.Contains("Confirm 1 package(s)", dialogs.Find("[data-testid=bulk-confirm-ok]").TextContent);

        await dialogs.Find("[data-testid=bulk-confirm-row][data-package=failed-b] input[type=checkbox]").ChangeAsync(new() { Value = true });
        dialogs.WaitForAssertion(() => Assert.Contains("Confirm 2 package(s)", dialogs.Find("[data-testid=bulk-confirm-ok]").TextContent));
        await dialogs.Find("[data-testid=bulk-confirm-ok]").ClickAsync(new());

        var result = await reference!.Result.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(result!.Canceled);
        Assert.Equal([2L], Assert.IsAssignableFrom<IReadOnlyCollection<long>>(result.Data));
    }

    [Fact]
    public void TrackerTable_UnusedTrustConfiguration_ShowsWhenConfiguredAndTheTwoDayExpiry()
    {
        var unused = Row(1, "unused", RegistryStates.Exists, (OnboardingStep.TrustConfigured, StepState.Confirmed, "Confirmed by a person."));
        var used = Row(2, "used", RegistryStates.Exists, (OnboardingStep.TrustConfigured, StepState.Verified, null), (OnboardingStep.FirstOidcPublish, StepState.Verified, null));
        var none = Row(3, "none", RegistryStates.Exists);

        var cut = Render<TrackerTable>(p => p.Add(c => c.Rows, [unused, used, none]));

        var note = Assert.Single(cut.FindAll("[data-testid=trust-expiry]"));
        Assert.Equal("unused", note.Closest("[data-testid=tracker-row]")!.GetAttribute("data-package"));
        Assert.Equal("configured 2026-01-02 03:04 UTC, no trusted publish yet: npm may expire it after 2 days without one (from 2026-01-04 03:04 UTC)",
            note.TextContent.Trim());
    }
}

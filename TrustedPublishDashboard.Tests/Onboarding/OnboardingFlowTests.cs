using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding;
using TrustedPublishDashboard.Onboarding.Generation;
using TrustedPublishDashboard.Registries.Npm;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Registries.Npm;

namespace TrustedPublishDashboard.Tests.Onboarding;

/// <summary>The wizard's service end to end: real app services, a real SQLite file, a strict local replay registry.</summary>
public sealed class OnboardingFlowTests : RegistryAppTest
{
    private static readonly Provenance Release = new("acme/widgets", ".github/workflows/release.yml", "refs/tags/v1.1.0", "release");
    private static readonly PublisherPlan GitHub = new() { Provider = Provider.GitHub, Owner = "acme", Repository = "widgets", WorkflowFile = "release.yml" };
    private static readonly Actor Alice = Person("alice", Actor.MaintainerRole);
    private static readonly Actor Bob = Person("bob", Actor.MaintainerRole);

    private static Actor Person(string name, string role) => new(name, new HashSet<string>(StringComparer.Ordinal) { role });

    private OnboardingService Service => App.Services.GetRequiredService<OnboardingService>();

    private async Task<long> NewPlanAsync(PublisherPlan? publisher = null)
    {
        var (id, error) = await Service.CreatePlanAsync(Alice, "plan " + Guid.NewGuid().ToString("n")[..6], default);
        Assert.Null(error);
        if (publisher is not null) await Service.SavePublisherAsync(Alice, id!.Value, publisher, default);
        return id!.Value;
    }

    private async Task<TrackerRow> RowAsync(long planId, string name) => (await Service.ViewAsync(planId, default))!.Rows.Single(r => r.Member.Name == name);

    [Fact]
    public async Task Import_ExistenceCheckDecidesBootstrap_ThenPollingVerifiesFirstOidcPublish_AndATokenPublishAfterwardsIsAFinding()
    {
        new PackumentBuilder("ob-existing").Add("1.0.0", 1, new Publish.Token("alice")).Latest("1.0.0").ServeOn(Replay);
        Replay.Serve("/ob-new", ReplayResponse.WithStatus(404));
        var planId = await NewPlanAsync(GitHub);

        var report = await Service.ImportNamesAsync(Alice, planId, "ob-existing\nob-new\nNot A Name", "list", null, default);

        Assert.Null(report.Error);
        Assert.Equal(2, report.Added);
        Assert.Single(report.Skipped);
        var view = (await Service.ViewAsync(planId, default))!;
        Assert.Equal(["ob-new"], view.Rows.Where(r => r.NeedsBootstrap).Select(r => r.Member.Name));
        var existing = view.Rows.Single(r => r.Member.Name == "ob-existing");
        Assert.Equal(StepState.NotNeeded, existing.State(OnboardingStep.Bootstrap));
        Assert.Equal(StepState.NotNeeded, existing.State(OnboardingStep.TokenDeleted));
        Assert.Equal(StepState.Pending, existing.State(OnboardingStep.FirstOidcPublish));

        var (artifacts, _) = await Service.ArtifactsAsync(planId, default);
        var bootstrap = Assert.Single(artifacts, a => a.Packages.Contains("ob-new") && a.Content.Contains("0.0.0"));
        Assert.DoesNotContain("ob-existing", bootstrap.Packages);

        // The maintainer bootstraps ob-new and both packages publish from CI with the planned publisher.
        new PackumentBuilder("ob-existing").Add("1.0.0", 1, new Publish.Token("alice")).Add("1.1.0", 10, new Publish.Trusted("oidc:1"), Release).Latest("1.1.0").ServeOn(Replay);
        new PackumentBuilder("ob-new").Add("0.0.0", 2, new Publish.Token("alice")).Add("1.0.0", 11, new Publish.Trusted("oidc:2"), Release).Latest("1.0.0").ServeOn(Replay);
        await Service.RecheckAsync(Alice, planId, null, default);

        foreach (var name in new[] { "ob-existing", "ob-new" })
        {
            var row = await RowAsync(planId, name);
            Assert.Equal(StepState.Verified, row.State(OnboardingStep.FirstOidcPublish));
            Assert.Equal(StepState.Verified, row.State(OnboardingStep.TrustConfigured));
            Assert.Null(row.Steps[OnboardingStep.FirstOidcPublish]!.Actor);
        }
        Assert.Equal(StepState.Verified, (await RowAsync(planId, "ob-new")).State(OnboardingStep.Bootstrap));
        Assert.Equal(ComplianceStatus.Compliant, (await RowAsync(planId, "ob-existing")).Compliance!.StatusValue);

        // The same tracker as JSON.
        using var http = new HttpClient { BaseAddress = App.BaseUrl };
        using var json = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"api/v1/onboarding/plans/{planId}"));
        var apiRow = json.RootElement.GetProperty("packages").EnumerateArray().Single(p => p.GetProperty("package").GetString() == "ob-new");
        Assert.Equal("exists", apiRow.GetProperty("registryState").GetString());
        Assert.Equal(["bootstrap=verified", "trust-configured=verified", "oidc-only=pending", "token-deleted=pending", "first-oidc-publish=verified"],
            apiRow.GetProperty("steps").EnumerateArray().Select(st => $"{st.GetProperty("step").GetString()}={st.GetProperty("state").GetString()}"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("api/v1/onboarding/plans/999999")).StatusCode);

        // Someone publishes with a token after onboarding: red, with the onboarding finding.
        new PackumentBuilder("ob-existing").Add("1.0.0", 1, new Publish.Token("alice")).Add("1.1.0", 10, new Publish.Trusted("oidc:1"), Release)
            .Add("1.2.0", 12, new Publish.Token("mallory")).Latest("1.2.0").ServeOn(Replay);
        await Service.RecheckAsync(Alice, planId, null, default);

        var after = await RowAsync(planId, "ob-existing");
        Assert.Equal(ComplianceStatus.NonCompliant, after.Compliance!.StatusValue);
        var evidence = App.Services.GetRequiredService<EvidenceRepository>();
        var findings = await evidence.ListFindingsAsync(after.Member.PackageId, default);
        Assert.Contains(findings, f => f.Kind == FindingKinds.TokenAfterOnboarding && f.Version == "1.2.0");
        Assert.Empty(Replay.Unexpected);
    }

    [Fact]
    public async Task Recheck_TrustedPublishFromAnotherRepository_FailsTheLastStep_WithTheDifference()
    {
        new PackumentBuilder("ob-drift").Add("1.0.0", 10, new Publish.Trusted("oidc:3"), Release with { Repository = "someone/fork" }).Latest("1.0.0").ServeOn(Replay);
        var planId = await NewPlanAsync(GitHub);
        await Service.ImportNamesAsync(Alice, planId, "ob-drift", "list", null, default);

        var row = await RowAsync(planId, "ob-drift");
        Assert.Equal(StepState.Failed, row.State(OnboardingStep.FirstOidcPublish));
        Assert.Contains("repository is someone/fork, the plan says acme/widgets", row.Steps[OnboardingStep.FirstOidcPublish]!.Note);
        Assert.Equal(StepState.Pending, row.State(OnboardingStep.TrustConfigured));
    }

    [Fact]
    public async Task SetStep_OnlyAllowedManualStates_RecordWhoAndWhen()
    {
        new PackumentBuilder("ob-manual").Add("1.0.0", 1, new Publish.Token("alice")).Latest("1.0.0").ServeOn(Replay);
        var planId = await NewPlanAsync(GitHub);
        await Service.ImportNamesAsync(Alice, planId, "ob-manual", "list", null, default);
        var id = (await RowAsync(planId, "ob-manual")).Member.PackageId;

        Assert.Contains("registry evidence only", await Service.SetStepAsync(Alice, planId, id, OnboardingStep.FirstOidcPublish, StepState.Confirmed, null, default));
        Assert.Equal("Say why the step failed.", await Service.SetStepAsync(Alice, planId, id, OnboardingStep.TrustConfigured, StepState.Failed, " ", default));
        Assert.Null(await Service.SetStepAsync(Alice, planId, id, OnboardingStep.OidcOnly, StepState.Confirmed, null, default));

        var step = (await RowAsync(planId, "ob-manual")).Steps[OnboardingStep.OidcOnly]!;
        Assert.Equal((StepState.Confirmed, "alice"), (step.StateValue, step.Actor));
        Assert.Contains("no way to read", step.Note);
        Assert.True(DateTimeOffset.UtcNow - DbTime.Parse(step.UpdatedAt) < TimeSpan.FromMinutes(1));

        // A re-check (which sees no trusted publish) does not undo the person's confirmation.
        await Service.RecheckAsync(Alice, planId, null, default);
        Assert.Equal(StepState.Confirmed, (await RowAsync(planId, "ob-manual")).State(OnboardingStep.OidcOnly));

        // Bulk: only pending steps change; the evidence-only step cannot be confirmed at all.
        Assert.Equal((0, (string?)null), await Service.ConfirmForAllAsync(Bob, planId, OnboardingStep.OidcOnly, [], default));
        Assert.Equal((1, (string?)null), await Service.ConfirmForAllAsync(Bob, planId, OnboardingStep.TrustConfigured, [], default));
        Assert.Equal("bob", (await RowAsync(planId, "ob-manual")).Steps[OnboardingStep.TrustConfigured]!.Actor);
        Assert.NotNull((await Service.ConfirmForAllAsync(Bob, planId, OnboardingStep.FirstOidcPublish, [], default)).Error);
    }

    [Fact]
    public async Task VerifyTrustList_MatchVerifiesTrustConfigured_MismatchFailsIt_WithTheFixCommand()
    {
        new PackumentBuilder("ob-t1").Add("1.0.0", 1, new Publish.Token("alice")).Latest("1.0.0").ServeOn(Replay);
        new PackumentBuilder("ob-t2").Add("1.0.0", 1, new Publish.Token("alice")).Latest("1.0.0").ServeOn(Replay);
        var planId = await NewPlanAsync(GitHub);
        await Service.ImportNamesAsync(Alice, planId, "ob-t1\nob-t2", "list", null, default);

        var paste = """
            {"package":"ob-t1","trust":[{"id":"c1","type":"github","claims":{"repository":"acme/widgets","workflow_ref":{"file":"release.yml"}},"permissions":["createPackage"]}]}
            {"package":"ob-t2","trust":[{"id":"c2","type":"github","claims":{"repository":"acme/widgets","workflow_ref":{"file":"publish.yml"}},"permissions":["createPackage"]}]}
            {"package":"not-in-plan","trust":[]}
            """;
        var report = await Service.VerifyTrustListAsync(Alice, planId, paste, null, default);

        Assert.Equal(1, report.Matching);
        Assert.Equal(["not-in-plan"], report.NotInPlan);
        var mismatch = report.Comparisons.Single(c => c.Package == "ob-t2");
        Assert.False(mismatch.Matches);
        Assert.Contains(mismatch.Fields, f => !f.Matches && f.Expected == "release.yml" && f.Actual == "publish.yml");
        Assert.Contains(mismatch.FixCommands, c => c.Contains("--file release.yml") && c.Contains("npm trust github"));
        Assert.Equal(StepState.Verified, (await RowAsync(planId, "ob-t1")).State(OnboardingStep.TrustConfigured));
        var failed = await RowAsync(planId, "ob-t2");
        Assert.Equal(StepState.Failed, failed.State(OnboardingStep.TrustConfigured));
        Assert.False(failed.TrustCheck!.Matches);

        // Once trust is verified, the trust script no longer lists the package.
        var (artifacts, _) = await Service.ArtifactsAsync(planId, default);
        var trust = Assert.Single(artifacts, a => a.Content.Contains("npm trust github"));
        Assert.Equal(["ob-t2"], trust.Packages);
        // The failed one is replaced, not skipped: the configuration npm reported (c2) is revoked, then the plan's created.
        Assert.Contains("\nreplace 'ob-t2' c2 -- npm trust github 'ob-t2' --file release.yml --repo acme/widgets --allow-publish -y\n", trust.Content);
        Assert.Contains(trust.Changes, c => c.StartsWith("ob-t2: verification failed", StringComparison.Ordinal) && c.Contains("revoke c2, then create GitHub Actions (acme/widgets, release.yml)"));

        // An override that makes the package's publisher invalid keeps it out of the script, and says so.
        await Service.SaveOverrideAsync(Alice, planId, failed.Member.PackageId, new PublisherOverride { WorkflowFile = ".github/workflows/release.yml" }, default);
        var (after, notes) = await Service.ArtifactsAsync(planId, default);
        Assert.DoesNotContain(after, a => a.Content.Contains("npm trust github"));
        Assert.Contains(notes, n => n.Contains("ob-t2") && n.Contains("override"));
    }

    private static readonly PublisherPlan Widgets = new() { Provider = Provider.GitHub, Owner = "Octo-Org", Repository = "Widgets", WorkflowFile = "release.yml", Environment = "npm" };

    private void ServeFixturePackages()
    {
        new PackumentBuilder("@octo/widget-a").Add("1.0.0", 1, new Publish.Token("alice")).Latest("1.0.0").ServeOn(Replay);
        new PackumentBuilder("widget-b").Add("1.0.0", 1, new Publish.Token("alice")).Latest("1.0.0").ServeOn(Replay);
    }

    private static string Workflow(IReadOnlyList<GeneratedArtifact> artifacts, string file) =>
        Assert.Single(artifacts, a => a.FileName == ".github/workflows/" + file).Content;

    [Fact]
    public async Task ImportArchive_PnpmMonorepo_OneWorkflowPerPublisher_EachPublishingAndProbingOnlyItsPackages()
    {
        ServeFixturePackages();
        var planId = await NewPlanAsync(Widgets);
        var report = await Service.ImportArchiveAsync(Alice, planId, new MemoryStream(MonorepoFixtures.Pnpm().ToTarGz()), "widgets.tar.gz", null, default);
        Assert.Null(report.Error);
        Assert.Contains(report.Notes, n => n.StartsWith("Package manager: pnpm (from packageManager \"pnpm@9.12.0+sha512.abc\")", StringComparison.Ordinal));
        var b = await RowAsync(planId, "widget-b");
        Assert.Equal(PackageManager.Pnpm, b.Member.PublishSetup!.Manager);

        // widget-b's trust configuration names another workflow file: it must not be published (or probed) from release.yml.
        await Service.SaveOverrideAsync(Alice, planId, b.Member.PackageId, new PublisherOverride { WorkflowFile = "publish-b.yml" }, default);
        var (artifacts, _) = await Service.ArtifactsAsync(planId, default);

        var workflows = artifacts.Where(a => a.FileName.StartsWith(".github/workflows/", StringComparison.Ordinal)).ToList();
        Assert.Equal([".github/workflows/publish-b.yml", ".github/workflows/release.yml"], workflows.Select(w => w.FileName).Order(StringComparer.Ordinal));
        Assert.Equal(2, workflows.Select(OnboardingService.Key).Distinct().Count());
        Assert.Equal(["@octo/widget-a"], workflows.Single(w => w.FileName.EndsWith("release.yml", StringComparison.Ordinal)).Packages);
        var release = Workflow(artifacts, "release.yml");
        Assert.Contains("pnpm install --frozen-lockfile", release);
        Assert.Contains("pnpm -r --if-present run build", release);
        Assert.Contains("- run: pnpm -r --filter '@octo/widget-a' publish --access public --no-git-checks", release);
        Assert.Contains("TRUST_PROBE_PACKAGES: \"[\\\"@octo/widget-a\\\"]\"", release);
        Assert.DoesNotContain("widget-b", release);
        var other = Workflow(artifacts, "publish-b.yml");
        Assert.Contains("- run: pnpm -r --filter 'widget-b' publish --access public --no-git-checks", other);
        Assert.DoesNotContain("widget-a", other);
    }

    [Fact]
    public async Task PublisherSuggestion_FromTheArchivesRepositoryFields_WhenTheyAgree()
    {
        ServeFixturePackages();
        var planId = await NewPlanAsync();
        await Service.ImportArchiveAsync(Alice, planId, new MemoryStream(MonorepoFixtures.Npm().ToZip()), "widgets.zip", null, default);

        var (suggested, note) = OnboardingService.SuggestPublisher((await Service.ViewAsync(planId, default))!);

        Assert.Equal((Provider.GitHub, "Octo-Org", "Widgets", "release.yml"), (suggested.Provider, suggested.Owner, suggested.Repository, suggested.WorkflowFile));
        Assert.Equal("Filled in from the repository field of 2 of 2 package(s) (github.com/Octo-Org/Widgets); check it and save.", note);

        new PackumentBuilder("ob-elsewhere").Add("1.0.0", 1, new Publish.Token("alice")).Repository("git+https://github.com/someone/else.git").ServeOn(Replay);
        await Service.ImportNamesAsync(Alice, planId, "ob-elsewhere", "list", null, default);
        var (fallback, disagree) = OnboardingService.SuggestPublisher((await Service.ViewAsync(planId, default))!);
        Assert.Null(fallback.Owner);
        Assert.StartsWith("The packages name 2 different repositories (github.com/Octo-Org/Widgets, github.com/someone/else)", disagree);
    }

    [Fact]
    public async Task ImportNames_PackageIsCheckedAgainstTheRepositoryTheRegistryReports()
    {
        new PackumentBuilder("ob-reg-ok").Add("1.0.0", 1, new Publish.Token("alice")).Repository("git+https://github.com/acme/widgets.git").ServeOn(Replay);
        new PackumentBuilder("ob-reg-other").Add("1.0.0", 1, new Publish.Token("alice")).Repository("git+https://github.com/acme/gadgets.git").ServeOn(Replay);
        var planId = await NewPlanAsync(GitHub);

        await Service.ImportNamesAsync(Alice, planId, "ob-reg-ok\nob-reg-other", "list", null, default);

        var ok = await RowAsync(planId, "ob-reg-ok");
        Assert.Equal("git+https://github.com/acme/widgets.git", ok.Member.RegistryRepositoryUrl);
        Assert.Empty(ok.Issues);
        var other = Assert.Single((await RowAsync(planId, "ob-reg-other")).Issues);
        Assert.Equal("repository-url-mismatch", other.Code);
        Assert.StartsWith("The registry's latest version names github.com/acme/gadgets", other.Message);
    }

    [Fact]
    public async Task Search_PagesThroughTheRegistry_AndSaysClearlyWhenItOffersNoSearch()
    {
        string Page(int from, int count, int total) => "{\"objects\":[" + string.Join(",", Enumerable.Range(from, count)
            .Select(i => $"{{\"package\":{{\"name\":\"@acme/p{i}\",\"version\":\"1.0.0\"}}}}")) + $"],\"total\":{total}}}";
        Replay.Serve("/-/v1/search?text=scope%3Aacme&size=250&from=0", ReplayResponse.Json(Page(0, 250, 260)));
        Replay.Serve("/-/v1/search?text=scope%3Aacme&size=250&from=250", ReplayResponse.Json(Page(250, 10, 260)));
        Replay.Serve("/-/v1/search?text=maintainer%3Anobody&size=250&from=0", ReplayResponse.WithStatus(404));

        var found = Assert.IsType<SearchResult.Page>(await Service.SearchAllAsync(SearchKind.Scope, "@acme", null, default));
        Assert.Equal(260, found.Value.Hits.Select(h => h.Name).Distinct().Count());

        var unsupported = Assert.IsType<SearchResult.Unsupported>(await Service.SearchAllAsync(SearchKind.Maintainer, "nobody", null, default));
        Assert.Contains("does not offer search", unsupported.Message);
        Assert.Contains("archive", unsupported.Message);
        Assert.Empty(Replay.Unexpected);
    }

    [Fact]
    public async Task ImportArchive_HostileArchive_ChangesNothing()
    {
        var planId = await NewPlanAsync(GitHub);
        var zip = new TestArchive().Package("", "root", "\"workspaces\": [\"packages/*\"], \"private\": true").Package("../evil", "evil").ToZip();

        var report = await Service.ImportArchiveAsync(Alice, planId, new MemoryStream(zip), "repo.zip", null, default);

        Assert.NotNull(report.Error);
        Assert.Contains("repo.zip was not imported", report.Error);
        Assert.Empty((await Service.ViewAsync(planId, default))!.Rows);
        Assert.Equal(0, await App.Services.GetRequiredService<PackageRepository>().CountAsync(default));
    }

    [Fact]
    public async Task ImportArchive_GlobBomb_DiscoveryBudgetErrorIsTheReportAndChangesNothing()
    {
        var planId = await NewPlanAsync(GitHub);
        // 20 patterns of 64 brace alternatives: over the discovery budget, though each pattern is within its own cap.
        var archive = GlobBombFixture.Build(patterns: 20, chains: 3, depth: 4).ToTarGz();

        var report = await Service.ImportArchiveAsync(Alice, planId, new MemoryStream(archive), "repo.tar.gz", null, default);

        Assert.Equal(
            "repo.tar.gz was not imported: the workspace patterns' {a,b} braces expand to more than 1,024 alternatives together; " +
            "simplify the patterns in package.json workspaces (fewer patterns, `{a,b}` groups, `*` and `**`).",
            report.Error);
        Assert.Empty((await Service.ViewAsync(planId, default))!.Rows);
        Assert.Equal(0, await App.Services.GetRequiredService<PackageRepository>().CountAsync(default));
    }
    [Fact]
    public async Task Plans_CreateRenameListDelete_NamesAreCheckedAndTheListCountsCompletion()
    {
        new PackumentBuilder("ob-life").Add("1.0.0", 1, new Publish.Token("alice")).Latest("1.0.0").ServeOn(Replay);
        var first = await NewPlanAsync(GitHub);
        var second = await NewPlanAsync();
        await Service.ImportNamesAsync(Alice, first, "ob-life", "list", null, default);
        var secondName = (await Service.GetPlanAsync(second, default))!.Name;

        Assert.Equal("Enter a name for the plan.", await Service.RenamePlanAsync(Alice, first, "  ", default));
        Assert.Equal($"A plan named \"{secondName}\" already exists.", await Service.RenamePlanAsync(Alice, first, secondName, default));
        Assert.Equal($"Plan names are at most {OnboardingService.MaxPlanNameLength} characters.",
            await Service.RenamePlanAsync(Alice, first, new string('x', OnboardingService.MaxPlanNameLength + 1), default));
        Assert.Null(await Service.RenamePlanAsync(Alice, first, "  Life plan ", default));

        var listed = (await Service.ListPlansAsync(default)).Single(p => p.Id == first);
        Assert.Equal(("Life plan", 1L, 0L), (listed.Name, listed.PackageCount, listed.CompletedCount));
        var id = (await RowAsync(first, "ob-life")).Member.PackageId;
        foreach (var step in new[] { OnboardingStep.TrustConfigured, OnboardingStep.OidcOnly })
            Assert.Null(await Service.SetStepAsync(Alice, first, id, step, StepState.Confirmed, null, default));
        // Bootstrap and token deletion were not needed (the package exists); the first OIDC publish is still pending.
        Assert.Equal(0L, (await Service.GetPlanAsync(first, default))!.CompletedCount);

        Assert.True(await Service.DeletePlanAsync(Alice, first, default));
        Assert.Null(await Service.GetPlanAsync(first, default));
        Assert.Null(await Service.ViewAsync(first, default));
        Assert.False(await Service.DeletePlanAsync(Alice, first, default));
        Assert.Equal("The plan no longer exists.", await Service.RenamePlanAsync(Alice, first, "Again", default));
        Assert.DoesNotContain(await Service.ListPlansAsync(default), p => p.Id == first);
        // The package stays tracked on the grid.
        Assert.NotNull(await App.Services.GetRequiredService<PackageRepository>().FindAsync(new PackageId(Registry.Npm, "ob-life"), default));
    }

    [Fact]
    public async Task ChangingMethods_ActorWithoutMaintain_AreRefusedBeforeAnythingChanges()
    {
        new PackumentBuilder("ob-guard").Add("1.0.0", 1, new Publish.Token("alice")).Latest("1.0.0").ServeOn(Replay);
        var planId = await NewPlanAsync(GitHub);
        await Service.ImportNamesAsync(Alice, planId, "ob-guard", "list", null, default);
        var before = (await Service.ViewAsync(planId, default))!;
        var packageId = before.Rows.Single().Member.PackageId;
        var viewer = Person("vera", Actor.ViewerRole);

        Func<Task>[] changes =
        [
            () => Service.CreatePlanAsync(viewer, "Viewer plan", default),
            () => Service.RenamePlanAsync(viewer, planId, "Renamed", default),
            () => Service.DeletePlanAsync(viewer, planId, default),
            () => Service.RemovePackageAsync(viewer, planId, packageId, default),
            () => Service.AddFromGridAsync(viewer, "Viewer plan", [packageId], default),
            () => Service.ImportNamesAsync(viewer, planId, "ob-other", "list", null, default),
            () => Service.ImportArchiveAsync(viewer, planId, new MemoryStream([1, 2, 3]), "repo.zip", null, default),
            () => Service.RecheckAsync(viewer, planId, null, default),
            () => Service.SavePublisherAsync(viewer, planId, GitHub with { Owner = "someone" }, default),
            () => Service.SaveOverrideAsync(viewer, planId, packageId, new PublisherOverride { WorkflowFile = "other.yml" }, default),
            () => Service.SetStepAsync(viewer, planId, packageId, OnboardingStep.OidcOnly, StepState.Confirmed, null, default),
            () => Service.ConfirmForAllAsync(viewer, planId, OnboardingStep.OidcOnly, [], default),
            () => Service.VerifyTrustListAsync(viewer, planId, "{}", "ob-guard", default),
            () => Service.VerifyProbeReportAsync(viewer, planId, "{}", default),
        ];
        foreach (var change in changes)
        {
            var denied = await Assert.ThrowsAsync<AccessDeniedException>(change);
            Assert.Equal(Permission.Maintain, denied.Permission);
        }

        var after = (await Service.ViewAsync(planId, default))!;
        Assert.Equal(before.Plan, after.Plan);
        var row = after.Rows.Single();
        Assert.Null(row.Member.Override);
        Assert.Equal(StepState.Pending, row.State(OnboardingStep.OidcOnly));
        Assert.Null(row.TrustCheck);
        Assert.Single(await Service.ListPlansAsync(default), p => p.Id == planId);
        Assert.DoesNotContain(await Service.ListPlansAsync(default), p => p.Name == "Viewer plan");
        Assert.Null(await App.Services.GetRequiredService<PackageRepository>().FindAsync(new PackageId(Registry.Npm, "ob-other"), default));
    }

    [Fact]
    public async Task AddFromGrid_NoName_UsesTheDefaultPlan_AndConfirmationsCarryTheActorsName()
    {
        new PackumentBuilder("ob-grid").Add("1.0.0", 1, new Publish.Token("alice")).Latest("1.0.0").ServeOn(Replay);
        await Service.ImportNamesAsync(Alice, await NewPlanAsync(), "ob-grid", "list", null, default);
        var packageId = (await App.Services.GetRequiredService<PackageRepository>().FindAsync(new PackageId(Registry.Npm, "ob-grid"), default))!.Id;

        var (planId, added) = await Service.AddFromGridAsync(Bob, " ", [packageId], default);

        Assert.Equal(1, added);
        Assert.Equal(OnboardingService.DefaultPlanName, (await Service.GetPlanAsync(planId, default))!.Name);
        Assert.Equal((1, (string?)null), await Service.ConfirmForAllAsync(Bob, planId, OnboardingStep.OidcOnly, [], default));
        Assert.Equal("bob", (await RowAsync(planId, "ob-grid")).Steps[OnboardingStep.OidcOnly]!.Actor);
    }
    [Fact]
    public void ArchiveSizeProblem_OverTheLimit_NamesBothSizes_AndAtTheLimitIsFine()
    {
        var limit = OnboardingService.ArchiveLimits.MaxArchiveBytes;

        Assert.Null(OnboardingService.ArchiveSizeProblem("repo.zip", limit));
        Assert.Equal("repo.zip is 60.0 MB; archives are limited to 50 MB. Nothing was imported.",
            OnboardingService.ArchiveSizeProblem("repo.zip", 60L * 1024 * 1024));
    }
}

using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding;
using TrustedPublishDashboard.Onboarding.Verification;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Registries.Npm;

namespace TrustedPublishDashboard.Tests.Onboarding;

/// <summary>
/// "Trust configured" from a trust-probe report or a trust list, the bulk confirmation that never overwrites silently, and
/// the warning before npm may expire an unused configuration: real services, a real SQLite file, a local replay registry.
/// </summary>
public sealed class TrustVerificationFlowTests : RegistryAppTest
{
    private static readonly PublisherPlan GitHub = new() { Provider = Provider.GitHub, Owner = "acme", Repository = "widgets", WorkflowFile = "release.yml", Environment = "npm" };
    private static readonly Actor Alice = new("alice", new HashSet<string>(StringComparer.Ordinal) { Actor.MaintainerRole });
    private static readonly DateTimeOffset RanAt = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private OnboardingService Service => App.Services.GetRequiredService<OnboardingService>();

    private async Task<long> PlanWithAsync(params string[] names)
    {
        foreach (var name in names) new PackumentBuilder(name).Add("1.0.0", 1, new Publish.Token("alice")).Latest("1.0.0").ServeOn(Replay);
        var (id, error) = await Service.CreatePlanAsync(Alice, "plan " + Guid.NewGuid().ToString("n")[..6], default);
        Assert.Null(error);
        await Service.SavePublisherAsync(Alice, id!.Value, GitHub, default);
        await Service.ImportNamesAsync(Alice, id.Value, string.Join("\n", names), "list", null, default);
        return id.Value;
    }

    private async Task<TrackerRow> RowAsync(long planId, string name) => (await Service.ViewAsync(planId, default))!.Rows.Single(r => r.Member.Name == name);

    private string Report(string results, string repository = "acme/widgets", string workflow = "release.yml", string? environment = "npm", string? registry = null,
        string ranAt = "2026-11-29T10:00:00Z") => $$"""
        {
          "schema": "trusted-publish-dashboard/trust-probe/v1",
          "registry": "{{registry ?? Replay.BaseUrl.ToString()}}",
          "repository": "{{repository}}",
          "workflow": "{{workflow}}",
          "environment": {{(environment is null ? "null" : $"\"{environment}\"")}},
          "runUrl": "https://github.com/acme/widgets/actions/runs/123",
          "ranAt": "{{ranAt}}",
          "results": [{{results}}]
        }
        """;

    [Fact]
    public async Task VerifyProbeReport_201Verifies_404FailsWithTheCommand_OthersUnreadableAndUnchanged_MissingAndExtraListed()
    {
        var planId = await PlanWithAsync("tp-yes", "tp-no", "tp-denied", "tp-silent", "tp-absent");
        var log = TrustProbeReportParserTests.Log(Report("""
            {"package":"tp-yes","status":201},
            {"package":"tp-no","status":404},
            {"package":"tp-denied","status":403,"error":"OIDC permission denied"},
            {"package":"tp-silent","status":null,"error":"network: ECONNRESET"},
            {"package":"stranger","status":201}
            """));

        var report = await Service.VerifyProbeReportAsync(Alice, planId, log, default);

        Assert.Null(report.Problem);
        Assert.Equal(
            [("tp-denied", TrustReadState.Unreadable), ("tp-no", TrustReadState.NotConfigured), ("tp-silent", TrustReadState.Unreadable), ("tp-yes", TrustReadState.Configured)],
            report.Outcomes.Select(o => (o.Package, o.State)));
        Assert.Equal(["stranger"], report.NotInPlan);
        Assert.Equal(["tp-absent"], report.MissingFromReport);

        var yes = (await RowAsync(planId, "tp-yes")).Steps[OnboardingStep.TrustConfigured]!;
        Assert.Equal((StepState.Verified, (string?)null), (yes.StateValue, yes.Actor));
        Assert.Contains("trust probe of 2026-11-29 10:00 UTC", yes.Note);
        Assert.Contains("https://github.com/acme/widgets/actions/runs/123", yes.Note);
        Assert.Equal(RanAt, DbTime.Parse(yes.UpdatedAt));

        var no = (await RowAsync(planId, "tp-no")).Steps[OnboardingStep.TrustConfigured]!;
        Assert.Equal(StepState.Failed, no.StateValue);
        const string fix = "npm trust github 'tp-no' --file release.yml --repo acme/widgets --env npm --allow-publish -y";
        Assert.Contains(fix, no.Note);
        Assert.Equal(fix, report.Outcomes.Single(o => o.Package == "tp-no").FixCommand);

        foreach (var name in new[] { "tp-denied", "tp-silent", "tp-absent" })
            Assert.Equal(StepState.Pending, (await RowAsync(planId, name)).State(OnboardingStep.TrustConfigured));
        Assert.Contains("refused the OIDC exchange (403)", report.Outcomes.Single(o => o.Package == "tp-denied").Sentence);
        Assert.Contains("no answer", report.Outcomes.Single(o => o.Package == "tp-silent").Sentence);
    }

    [Theory]
    [InlineData("acme/other", "release.yml", "npm")]
    [InlineData("acme/widgets", "ci.yml", "npm")]
    [InlineData("acme/widgets", "release.yml", null)]
    [InlineData("Acme/Widgets", "release.yml", "npm")]
    public async Task VerifyProbeReport_FromAnotherPublisher_ProvesNothing_NothingChanged(string repository, string workflow, string? environment)
    {
        var planId = await PlanWithAsync("tp-other-1", "tp-other-2");

        var report = await Service.VerifyProbeReportAsync(Alice, planId,
            Report("""{"package":"tp-other-1","status":201},{"package":"tp-other-2","status":404}""", repository, workflow, environment), default);

        Assert.Contains("a probe from another workflow proves nothing for this publisher", report.Problem);
        Assert.Empty(report.Outcomes);
        foreach (var name in new[] { "tp-other-1", "tp-other-2" })
        {
            var row = await RowAsync(planId, name);
            Assert.Equal(StepState.Pending, row.State(OnboardingStep.TrustConfigured));
            Assert.Null(row.TrustCheck);
        }
    }

    [Fact]
    public async Task VerifyProbeReport_AnotherRegistry_OrMalformed_RefusedWithASentence_NothingChanged()
    {
        var planId = await PlanWithAsync("tp-reg");

        var elsewhere = await Service.VerifyProbeReportAsync(Alice, planId, Report("""{"package":"tp-reg","status":201}""", registry: "https://registry.example/"), default);
        var broken = await Service.VerifyProbeReportAsync(Alice, planId, Report("""{"package":"tp-reg","status":"201"}"""), default);

        Assert.Contains("say nothing about this registry", elsewhere.Problem);
        Assert.Contains("not an HTTP status", broken.Problem);
        Assert.Equal(StepState.Pending, (await RowAsync(planId, "tp-reg")).State(OnboardingStep.TrustConfigured));
    }

    [Fact]
    public async Task VerifyTrustList_EmptyOutput_UnreadableLeavesTheStep_AndTheHistoryDoesNotRepeatTheName()
    {
        var planId = await PlanWithAsync("tp-list");
        var match = """{"package":"tp-list","trust":[{"id":"c1","type":"github","file":"release.yml","repository":"acme/widgets","environment":"npm","permissions":["createPackage","createStagedPackage"]}]}""";

        await Service.VerifyTrustListAsync(Alice, planId, match, null, default);
        var verified = await RowAsync(planId, "tp-list");
        Assert.Equal(StepState.Verified, verified.State(OnboardingStep.TrustConfigured));
        Assert.StartsWith("configured as planned", verified.TrustCheck!.Summary);
        Assert.DoesNotContain("tp-list", verified.Steps[OnboardingStep.TrustConfigured]!.Note);

        // npm printed nothing (or the collector's null): the read failed as far as anyone can tell, so nothing changes.
        foreach (var (text, chosen) in new[] { ("""{"package":"tp-list","trust":null}""", (string?)null), ("", "tp-list"), ("""{"package":"tp-list","trust":[]}""", null) })
        {
            var report = await Service.VerifyTrustListAsync(Alice, planId, text, chosen, default);
            Assert.Empty(report.Comparisons);
            Assert.Equal("tp-list", Assert.Single(report.UnreadablePackages).Package);
            Assert.Equal(StepState.Verified, (await RowAsync(planId, "tp-list")).State(OnboardingStep.TrustConfigured));
        }
    }

    [Fact]
    public async Task VerifyTrustList_BadPaste_APersonsSentence()
    {
        var planId = await PlanWithAsync("tp-bad");

        var report = await Service.VerifyTrustListAsync(Alice, planId, "{\"package\":\"tp-bad\",\"trust\":nul}", null, default);

        var problem = Assert.Single(report.Problems);
        Assert.StartsWith("This is not the output of `npm trust list --json`: line 1 is not JSON", problem);
        Assert.DoesNotContain("Expected", problem);
    }

    [Fact]
    public async Task ConfirmForAll_FailedAndVerifiedLeftOut_UnlessTickedOneByOne()
    {
        var planId = await PlanWithAsync("tp-pending", "tp-failed", "tp-verified");
        await Service.VerifyProbeReportAsync(Alice, planId, Report("""{"package":"tp-failed","status":404},{"package":"tp-verified","status":201}"""), default);
        var view = (await Service.ViewAsync(planId, default))!;
        var preview = OnboardingService.PreviewConfirmForAll(view, OnboardingStep.TrustConfigured);
        Assert.Equal(["tp-pending"], preview.Pending.Select(r => r.Member.Name));
        Assert.Equal(["tp-failed", "tp-verified"], preview.NeedsTick.Select(r => r.Member.Name));

        Assert.Equal((1, (string?)null), await Service.ConfirmForAllAsync(Alice, planId, OnboardingStep.TrustConfigured, [], default));
        Assert.Equal(StepState.Confirmed, (await RowAsync(planId, "tp-pending")).State(OnboardingStep.TrustConfigured));
        Assert.Equal(StepState.Failed, (await RowAsync(planId, "tp-failed")).State(OnboardingStep.TrustConfigured));
        Assert.Equal(StepState.Verified, (await RowAsync(planId, "tp-verified")).State(OnboardingStep.TrustConfigured));

        var failedId = (await RowAsync(planId, "tp-failed")).Member.PackageId;
        Assert.Equal((1, (string?)null), await Service.ConfirmForAllAsync(Alice, planId, OnboardingStep.TrustConfigured, [failedId], default));
        Assert.Equal(StepState.Confirmed, (await RowAsync(planId, "tp-failed")).State(OnboardingStep.TrustConfigured));
        Assert.Equal(StepState.Verified, (await RowAsync(planId, "tp-verified")).State(OnboardingStep.TrustConfigured));
    }

    [Fact]
    public async Task UnusedTrust_TrackerShowsWhenConfigured_AndThePollWarnsOnceTheDayBefore()
    {
        // Probed long ago by the real clock, so the poll (which reads the real clock) is past the warning too.
        var probed = new DateTimeOffset(2020, 6, 1, 10, 0, 0, TimeSpan.Zero);
        var planId = await PlanWithAsync("tp-unused", "tp-fresh");
        await Service.VerifyProbeReportAsync(Alice, planId, Report("""{"package":"tp-unused","status":201}""", ranAt: "2020-06-01T10:00:00Z"), default);
        var row = await RowAsync(planId, "tp-unused");
        Assert.Equal(probed, row.UnusedTrustSince);
        // Confirmed just now: not a day old yet.
        var freshId = (await RowAsync(planId, "tp-fresh")).Member.PackageId;
        await Service.SetStepAsync(Alice, planId, freshId, OnboardingStep.TrustConfigured, StepState.Confirmed, null, default);

        var verifier = App.Services.GetRequiredService<OnboardingVerifier>();
        Assert.Empty(await verifier.ExpiringTrustAsync(probed.AddHours(23), default));
        var due = await verifier.ExpiringTrustAsync(probed.AddHours(25), default);
        Assert.Equal(["tp-unused"], due.Select(d => d.Row.Name));
        Assert.Equal(AlertKinds.TrustConfigExpiring, due[0].Alert.Kind);

        // The poll raises it (the configuration is days old by the real clock), once however often it runs.
        await Service.RecheckAsync(Alice, planId, null, default);
        await Service.RecheckAsync(Alice, planId, null, default);
        var alerts = await App.Services.GetRequiredService<AlertRepository>().QueryAsync(new AlertQuery(Kind: AlertKinds.TrustConfigExpiring), default);
        var alert = Assert.Single(alerts.Items);
        Assert.Equal(("tp-unused", "warning", row.Member.PackageId), (alert.Package, alert.Severity, alert.PackageId));

        // A trusted publish uses the configuration: no more expiry note.
        var release = new Provenance("acme/widgets", ".github/workflows/release.yml", "refs/tags/v1.1.0", "release");
        new PackumentBuilder("tp-unused").Add("1.0.0", 1, new Publish.Token("alice")).Add("1.1.0", 10, new Publish.Trusted("oidc:1"), release).Latest("1.1.0").ServeOn(Replay);
        await Service.RecheckAsync(Alice, planId, null, default);
        Assert.Null((await RowAsync(planId, "tp-unused")).UnusedTrustSince);
        Assert.DoesNotContain(await verifier.ExpiringTrustAsync(probed.AddDays(5), default), d => d.Row.Name == "tp-unused");
    }
}

using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Cli;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Packages;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Packages;
using TrustedPublishDashboard.Tests.Registries.Npm;

namespace TrustedPublishDashboard.Tests.Cli;

/// <summary>`audit` and accepted findings: the state comes from the dashboard's database only with --use-database.</summary>
public sealed class AuditTriageTests(NpmScenarioFixture fixture) : PackagesServicesTest, IClassFixture<NpmScenarioFixture>
{
    private KeyValuePair<string, string?>[] Database => [new("ConnectionStrings:Dashboard", Db.ConnectionString)];

    /// <summary>The registry serves a trusted 1.0.0 and a token 2.0.0; the dashboard tracks the same history and accepted the downgrade.</summary>
    private async Task ServeAndAcceptAsync(string name)
    {
        new PackumentBuilder(name).Add("1.0.0", 1, new Publish.Trusted("oidc:t"), new Provenance("o/r", ".github/workflows/release.yml", "refs/tags/v1", "push"))
            .Add("2.0.0", 2, new Publish.Token("someone")).Latest("2.0.0").ServeOn(fixture.Registry);
        var id = await Services.TrackWithHistoryAsync(PackagesTestServices.Downgraded(name));
        var outcome = await Services.GetRequiredService<FindingTriageService>().AcceptAsync(TestActors.Maintainer("alice"), id, FindingKinds.TrustDowngrade, "2.0.0",
            new AcceptRequest(AcceptanceReason.IntendedChange, "release box token, revoked"), default);
        Assert.Null(outcome.Error);
    }

    [Fact]
    public async Task Audit_OnlyAcceptedFindings_ExitsZeroWithUseDatabase_AndOneWithout()
    {
        await ServeAndAcceptAsync("s-accepted");

        var without = await fixture.AuditAsync(Database, "--format", "json", "npm:s-accepted");
        var with = await fixture.AuditAsync(Database, "--format", "json", "--use-database", "npm:s-accepted");

        Assert.Equal(1, without.ExitCode);
        var open = without.Package("s-accepted");
        Assert.Equal("non-compliant", open.Str("status"));
        Assert.Equal("open", Assert.Single(open.GetProperty("findings").EnumerateArray().ToList()).Str("state"));
        Assert.Equal(0, with.ExitCode);
        var accepted = with.Package("s-accepted");
        Assert.Equal("compliant", accepted.Str("status"));
        var finding = Assert.Single(accepted.GetProperty("findings").EnumerateArray().ToList());
        Assert.Equal(("trust-downgrade", "2.0.0", "accepted"), (finding.Str("kind"), finding.Str("version"), finding.Str("state")));
        Assert.Equal(("alice", "intended-change"), (finding.GetProperty("acceptance").Str("acceptedBy"), finding.GetProperty("acceptance").Str("reasonKind")));
    }

    [Fact]
    public async Task Audit_UseDatabase_AnOpenFindingBesideAnAcceptedOne_StillExitsOne()
    {
        await ServeAndAcceptAsync("s-mixed-ok");
        new PackumentBuilder("s-mixed-bad").Add("1.0.0", 1, new Publish.Token("someone")).ServeOn(fixture.Registry);

        var run = await fixture.AuditAsync(Database, "--use-database", "npm:s-mixed-ok", "npm:s-mixed-bad");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("[accepted by alice: intended change]", run.Stdout);
        Assert.Contains("never-trusted", run.Stdout);
    }

    [Fact]
    public void Help_DocumentsUseDatabase()
    {
        Assert.Contains("--use-database", AuditCommand.Usage);
        Assert.True(AuditCommand.Parse(["--use-database", "npm:x"]).Options!.UseDatabase);
        Assert.False(AuditCommand.Parse(["npm:x"]).Options!.UseDatabase);
    }
}

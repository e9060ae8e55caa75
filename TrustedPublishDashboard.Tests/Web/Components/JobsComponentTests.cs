using Bunit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Web.Components.Pages.Jobs;

namespace TrustedPublishDashboard.Tests.Web.Components;

/// <summary>The Jobs page over its real service and a real SQLite file, with the scheduler not started.</summary>
public sealed class JobsComponentTests : MudComponentTest
{
    private readonly List<TempDatabase> _databases = [];

    private JobRunRepository UseDatabase(TempDatabase db, string role = Actor.AdministratorRole, IDbConnectionFactory? connections = null)
    {
        _databases.Add(db);
        Services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        Services.AddSingleton(connections ?? db.Connections);
        Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        Services.AddSingleton<JobRunRepository>();
        Services.AddSingleton<PollRunRepository>();
        Services.AddSingleton<JobRunRecorder>();
        Services.AddSingleton<SchedulerHost>();
        Services.AddSingleton<JobsService>();
        Services.AddSingleton<IHttpContextAccessor, HttpContextAccessor>();
        Services.AddScoped<CurrentUser>();
        this.AddAuthorization().SetAuthorized("tester").SetRoles(role);
        return new JobRunRepository(db.Connections);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        foreach (var db in _databases) await db.DisposeAsync();
    }

    [Fact]
    public async Task Data_ListsEveryJobWithItsScheduleInWords_NeverRunYet()
    {
        UseDatabase(await TempDatabase.CreateMigratedAsync());

        var cut = Render<JobsPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=jobs-grid]")));
        foreach (var job in JobCatalog.All)
        {
            Assert.Contains(job.Name, cut.Find($"[data-testid=job-{job.Key}]").TextContent);
            Assert.Equal("never", cut.Find($"[data-testid=last-run-{job.Key}]").TextContent);
        }
        Assert.Equal("every 15 minutes", cut.Find("[data-testid=schedule-npm-poll]").TextContent);
        Assert.Equal("every minute", cut.Find("[data-testid=schedule-alert-dispatch]").TextContent);
        Assert.Equal("00:01:00", cut.Find("[data-testid=schedule-alert-dispatch]").GetAttribute("title"));
        Assert.NotNull(cut.Find("[data-testid=job-history-empty]"));
    }

    [Fact]
    public async Task FailedRun_ShowsOutcomeAndError_AndTheLastTenRuns()
    {
        var runs = UseDatabase(await TempDatabase.CreateMigratedAsync());
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 0; i < 12; i++)
        {
            var id = await runs.StartAsync("npm-poll", i == 11 ? "manual" : "schedule", i == 11 ? "alice" : null, start.AddMinutes(i), default);
            await runs.FinishAsync(id, start.AddMinutes(i).AddSeconds(2), TimeSpan.FromSeconds(2), i == 11 ? "failed" : "succeeded",
                i == 11 ? "registry answered 503 three times" : null, i == 11 ? null : "1 package(s): 1 ok", default);
        }

        var cut = Render<JobsPage>();

        cut.WaitForAssertion(() => Assert.Equal("failed", cut.Find("[data-testid=outcome-npm-poll]").TextContent.Trim()));
        Assert.Contains("mud-chip-color-error", cut.Find("[data-testid=outcome-npm-poll]").ClassName);
        Assert.Equal("registry answered 503 three times", cut.Find("[data-testid=last-error-npm-poll]").TextContent);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$", cut.Find("[data-testid=last-run-npm-poll]").TextContent);
        Assert.Contains("manual by alice", cut.Find("[data-testid=jobs-grid]").TextContent);
        Assert.Contains("2.0 s", cut.Find("[data-testid=jobs-grid]").TextContent);
        Assert.Equal(JobsService.HistorySize, cut.FindAll("[data-testid=job-history] [data-testid=history-row]").Count);
        Assert.Contains("registry answered 503", cut.FindAll("[data-testid=history-row]")[0].TextContent);
    }

    [Fact]
    public async Task PollWithFailures_ShowsCompletedWithFailures_WithTheCountLinkingToTheFailingPackages()
    {
        var runs = UseDatabase(await TempDatabase.CreateMigratedAsync());
        var id = await runs.StartAsync("npm-poll", "schedule", null, DateTimeOffset.UtcNow.AddMinutes(-1), default);
        var summary = new PollSummary(id, 69, 4, 65, 0, 69, 1000, 0, TimeSpan.FromSeconds(3));
        var result = summary.ToJobResult(TrustedPublishDashboard.Domain.Registry.Npm);
        await runs.FinishAsync(id, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(3), result.Outcome, result.Error, result.Detail, default, result.FailedCount, result.Link);

        var cut = Render<JobsPage>();

        cut.WaitForAssertion(() => Assert.Equal("completed with failures", cut.Find("[data-testid=outcome-npm-poll]").TextContent.Trim()));
        Assert.Contains("mud-chip-color-warning", cut.Find("[data-testid=outcome-npm-poll]").ClassName);
        Assert.DoesNotContain("succeeded", cut.Find("[data-testid=jobs-grid]").TextContent);
        var link = cut.Find("[data-testid=failed-link-npm-poll]");
        Assert.Equal("65 failed", link.TextContent.Trim());
        Assert.Equal("packages?filter=errors&registry=npm", link.GetAttribute("href"));
    }

    [Fact]
    public async Task SelectingAJob_ListsItsRuns()
    {
        var runs = UseDatabase(await TempDatabase.CreateMigratedAsync());
        var id = await runs.StartAsync("database-maintenance", "schedule", null, DateTimeOffset.UtcNow.AddMinutes(-5), default);
        await runs.FinishAsync(id, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(40), "succeeded", null, "pruned 0 job run(s)", default);
        var cut = Render<JobsPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=job-history-empty]")));

        await cut.Find("[data-testid=job-database-maintenance]").Closest("tr")!.ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("pruned 0 job run(s)", cut.Find("[data-testid=job-history]").TextContent));
        Assert.Contains("Database maintenance", cut.Find("h2").TextContent);
    }

    [Theory]
    [InlineData(Actor.AdministratorRole, true)]
    [InlineData(Actor.MaintainerRole, false)]
    [InlineData(Actor.ViewerRole, false)]
    public async Task RunNow_OnlyForAdministrators(string role, bool shown)
    {
        UseDatabase(await TempDatabase.CreateMigratedAsync(), role);

        var cut = Render<JobsPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=jobs-grid]")));
        Assert.Equal(shown ? JobCatalog.All.Count : 0, cut.FindAll("[data-testid^=run-now-]").Count);
    }

    [Fact]
    public async Task Loading_ShowsProgress_ThenTheTable()
    {
        var db = await TempDatabase.CreateMigratedAsync();
        var gated = new GatedConnections(db.Connections);
        UseDatabase(db, connections: gated);

        var cut = Render<JobsPage>();

        Assert.NotNull(cut.Find("[data-testid=jobs-loading]"));
        gated.Open.SetResult();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=jobs-grid]")));
        Assert.Empty(cut.FindAll("[data-testid=jobs-loading]"));
    }

    [Fact]
    public void Error_ShowsTheReasonInAnAlert_NotACrash()
    {
        UseDatabase(new TempDatabase());

        var cut = Render<JobsPage>();

        cut.WaitForAssertion(() => Assert.Contains("no such table", cut.Find("[data-testid=jobs-error]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=jobs-grid]"));
    }
}

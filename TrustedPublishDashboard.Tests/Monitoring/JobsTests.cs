using Microsoft.Extensions.Configuration;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Monitoring;

public sealed class JobsTests
{
    private static IConfiguration Config(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection([new KeyValuePair<string, string?>(key, value)]).Build();

    [Fact]
    public void ScheduleFor_InvalidCron_NamesTheSetting()
    {
        var job = JobCatalog.Find("database-maintenance")!;
        var ex = Assert.Throws<StartupConfigurationException>(() => JobCatalog.ScheduleFor(job, Config(job.CronKey, "every day please")));
        Assert.Contains(job.CronKey, ex.Message);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("00:00:01")]
    public void ScheduleFor_InvalidInterval_NamesTheSetting(string interval)
    {
        var job = JobCatalog.Find("npm-poll")!;
        var ex = Assert.Throws<StartupConfigurationException>(() => JobCatalog.ScheduleFor(job, Config(job.IntervalKey, interval)));
        Assert.Contains(job.IntervalKey, ex.Message);
    }

    [Fact]
    public void ScheduleFor_Defaults_NpmPollEvery15MinutesAndOverridable()
    {
        var job = JobCatalog.Find("npm-poll")!;
        var empty = new ConfigurationBuilder().Build();
        Assert.Equal(TimeSpan.FromMinutes(15), JobCatalog.ScheduleFor(job, empty).Interval);
        Assert.Equal("every 15 minutes", JobCatalog.ScheduleFor(job, empty).Describe());
        Assert.Equal(TimeSpan.FromMinutes(5), JobCatalog.ScheduleFor(job, Config(job.IntervalKey, "00:05:00")).Interval);
        Assert.Equal("0 0 * * * ?", JobCatalog.ScheduleFor(job, Config(job.CronKey, "0 0 * * * ?")).Cron);
    }

    [Fact]
    public async Task RunNowAsync_DatabaseMaintenance_RunsOnTheHostedSchedulerAndIsRecorded()
    {
        await using var app = await LiveApp.StartAsync();
        var jobs = app.Services.GetRequiredService<JobsService>();
        var recorder = app.Services.GetRequiredService<JobRunRecorder>();
        // An old run that maintenance must prune, and a recent one it must keep.
        await using (var c = await app.Database.Connections.OpenAsync(default))
        {
            await c.ExecuteAsync("""
                INSERT INTO job_runs (job_key, trigger, started_at, outcome) VALUES
                  ('database-maintenance', 'schedule', '2000-01-01T00:00:00.000Z', 'succeeded'),
                  ('database-maintenance', 'schedule', @Recent, 'succeeded')
                """, new { Recent = DbTime.ToText(DateTimeOffset.UtcNow.AddDays(-1)) });
        }
        var notified = 0;
        recorder.RunChanged += key => { if (key == "database-maintenance") Interlocked.Increment(ref notified); };

        Assert.True(await jobs.RunNowAsync(TestActors.Administrator("tester"), "database-maintenance", default));
        await Eventually.HoldsAsync(async () => (await jobs.ListAsync(default)).Single(j => j.Job.Key == "database-maintenance").LastRun is { Trigger: "manual", Outcome: not "running" },
            "the manual run has finished");

        var status = (await jobs.ListAsync(default)).Single(j => j.Job.Key == "database-maintenance");
        Assert.Equal("manual", status.LastRun!.Trigger);
        Assert.Equal("tester", status.LastRun.RequestedBy);
        Assert.NotNull(status.LastRun.DurationMs);
        Assert.Contains("pruned 1 job run(s)", status.LastRun.Detail);
        Assert.NotNull(status.NextFireUtc);
        Assert.True(status.NextFireUtc > DateTimeOffset.UtcNow);
        Assert.Equal("succeeded", status.LastRun.Outcome);
        var history = await jobs.HistoryAsync("database-maintenance", 10, default);
        Assert.Equal(2, history.Count);
        Assert.True(Volatile.Read(ref notified) >= 2, "open pages are told when a run starts and when it ends");
    }

    [Fact]
    public void Catalog_DefaultSchedules_ReadWithCorrectPlurals()
    {
        var empty = new ConfigurationBuilder().Build();
        string Schedule(string key) => JobCatalog.ScheduleFor(JobCatalog.Find(key)!, empty).Describe();

        Assert.Equal("every 15 minutes", Schedule("npm-poll"));
        Assert.Equal("every minute", Schedule("alert-dispatch"));
        Assert.Equal("daily at 08:00 UTC", Schedule("alert-digest"));
        Assert.Equal("daily at 03:17 UTC", Schedule("database-maintenance"));
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("maintainer")]
    public async Task RunNowAsync_WithoutAdminister_IsRefusedBeforeAnythingRuns(string role)
    {
        await using var app = await LiveApp.StartAsync();
        var jobs = app.Services.GetRequiredService<JobsService>();
        var actor = role == "viewer" ? TestActors.Viewer() : TestActors.Maintainer();

        var refused = await Assert.ThrowsAsync<TrustedPublishDashboard.Auth.AccessDeniedException>(() => jobs.RunNowAsync(actor, "database-maintenance", default));

        Assert.Equal(TrustedPublishDashboard.Auth.Permission.Administer, refused.Permission);
        Assert.Empty(await jobs.HistoryAsync("database-maintenance", 10, default));
    }

    [Fact]
    public async Task WatchRuns_TellsAboutRunsUntilDisposed()
    {
        await using var app = await LiveApp.StartAsync();
        var jobs = app.Services.GetRequiredService<JobsService>();
        var seen = new List<string>();
        var watch = jobs.WatchRuns(key => { lock (seen) seen.Add(key); });

        Assert.True(await jobs.RunNowAsync(TestActors.Administrator(), "database-maintenance", default));
        await Eventually.HoldsAsync(() => { lock (seen) return Task.FromResult(seen.Count(k => k == "database-maintenance") >= 2); }, "start and finish were reported");
        watch.Dispose();
        watch.Dispose();
        int before;
        lock (seen) before = seen.Count;
        Assert.True(await jobs.RunNowAsync(TestActors.Administrator(), "database-maintenance", default));
        await Eventually.HoldsAsync(async () => (await jobs.HistoryAsync("database-maintenance", 10, default)) is { Count: 2 } runs && runs.All(r => r.Outcome != "running"),
            "the second run has finished");

        lock (seen) Assert.Equal(before, seen.Count);
    }

    [Fact]
    public async Task RunNowAsync_UnknownJob_IsRefused()
    {
        await using var app = await LiveApp.StartAsync();
        Assert.False(await app.Services.GetRequiredService<JobsService>().RunNowAsync(TestActors.Administrator("tester"), "no-such-job", default));
    }
}

using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Registries.Npm;
using TrustedPublishDashboard.Web.Api;

namespace TrustedPublishDashboard.Tests.Web.Security;

/// <summary>Registry data that reaches a spreadsheet, and the record a crash leaves behind.</summary>
public sealed class DataLeavingTests
{
    private const string Formula = "=HYPERLINK(\"http://evil.example/\",\"x\")";

    [Fact]
    public async Task ExportCsv_FormulaFromAPackument_IsNeutralised_AndJsonKeepsTheExactValue()
    {
        await using var registry = await ReplayRegistry.StartAsync();
        await using var app = await LiveApp.StartAsync($"--Registries:Npm:BaseUrl={registry.BaseUrl}");
        new PackumentBuilder("@evil/sheet").Add(Formula, 1, new Publish.Token("+cmd|' /C calc'!A0")).Latest(Formula).ServeOn(registry);
        await app.Services.GetRequiredService<PackageRepository>().AddAsync([new PackageId(Registry.Npm, "@evil/sheet")], null, default);
        await app.Services.GetRequiredService<PollService>().PollAsync(Registry.Npm, "test", null, default);
        using var http = new HttpClient { BaseAddress = app.BaseUrl };

        var csv = await http.GetStringAsync("api/v1/packages/export.csv");
        var row = csv.Split('\n')[1];

        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\"", row);
        Assert.StartsWith("npm,'@evil/sheet,", row);
        foreach (var cell in row.Split(','))
            Assert.False(cell.Length > 0 && cell.TrimStart('"')[0] is '=' or '+' or '-' or '@' or '\t' or '\r', $"cell {cell} would run as a formula");
        using var json = JsonDocument.Parse(await http.GetStringAsync("api/v1/packages/export.json"));
        Assert.Equal(Formula, json.RootElement[0].GetProperty("latestVersion").GetString());
        Assert.Equal("@evil/sheet", json.RootElement[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("1.0.0", "1.0.0")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Csv_Table(string? value, string expected) => Assert.Equal(expected, PackagesApi.Csv(value));

    [Fact]
    public async Task Restart_AfterAKilledPoll_ClosesTheRunAsInterrupted_WithWhatWasDone()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var runs = new PollRunRepository(db.Connections);
        var started = DateTimeOffset.UtcNow.AddMinutes(-3);
        var id = await runs.StartAsync("npm", "schedule", 120, started, default);
        await runs.ProgressAsync(id, started.AddSeconds(40), new PollCounts(Ok: 78, Failed: 2, Unchanged: 10, Requests: 95, Bytes: 12345, NotModified: 10), default);

        await using (var app = await LiveApp.StartAsync(db))
        {
            var run = Assert.Single(await app.Services.GetRequiredService<PollRunRepository>().RecentAsync(5, default));
            Assert.Equal(DbTime.ToText(started.AddSeconds(40)), run.FinishedAt);
            Assert.Equal((78L, 2L, 10L, 95L), (run.PackagesOk, run.PackagesFailed, run.PackagesUnchanged, run.Requests));
            Assert.Equal("interrupted: the app stopped during this poll after 80 of 120 packages", run.Error);
        }
        // An interrupted run neither starts nor ends a "registry unreachable" streak.
        Assert.Equal(0, (await runs.FailedStreakAsync("npm", default)).Runs);
    }

    [Fact]
    public async Task Poll_WritesItsCountsWhileRunning()
    {
        await using var registry = await ReplayRegistry.StartAsync();
        await using var app = await LiveApp.StartAsync($"--Registries:Npm:BaseUrl={registry.BaseUrl}", "--Registries:Npm:Concurrency=1");
        var names = Enumerable.Range(0, 12).Select(i => $"slow-{i:00}").ToList();
        foreach (var name in names)
        {
            var builder = new PackumentBuilder(name).Add("1.0.0", 1, new Publish.Token("me"));
            registry.Serve(builder.PackumentPath, ReplayResponse.Json(builder.BuildPackument(registry.BaseUrl)) with { Delay = TimeSpan.FromMilliseconds(400) });
        }
        await app.Services.GetRequiredService<PackageRepository>().AddAsync(names.Select(n => new PackageId(Registry.Npm, n)).ToList(), null, default);

        var poll = app.Services.GetRequiredService<PollService>().PollAsync(Registry.Npm, "test", null, default);
        PollRunRow? midway = null;
        await Eventually.HoldsAsync(async () =>
        {
            midway = (await app.Services.GetRequiredService<PollRunRepository>().RecentAsync(1, default)).SingleOrDefault();
            return midway is { FinishedAt: null, PackagesOk: > 0 };
        }, "the running poll wrote its counts", TimeSpan.FromSeconds(15));
        await poll;

        Assert.InRange(midway!.PackagesOk, 1, 11);
        await using var c = await app.Database.Connections.OpenAsync(default);
        Assert.NotNull(await c.ExecuteScalarAsync<string?>("SELECT progress_at FROM poll_runs"));
    }
}

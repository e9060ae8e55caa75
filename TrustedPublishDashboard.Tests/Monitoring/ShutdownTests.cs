using Dapper;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Registries.Npm;

namespace TrustedPublishDashboard.Tests.Monitoring;

public sealed class ShutdownTests
{
    [Fact]
    public async Task StopAsync_WhenTheShutdownTimeoutRunsOutDuringAPoll_EndsCleanly_AndTheRunIsRecorded()
    {
        await using var registry = await ReplayRegistry.StartAsync();
        await using var app = await LiveApp.StartAsync($"--Registries:Npm:BaseUrl={registry.BaseUrl}");
        var builder = new PackumentBuilder("slow-at-shutdown").Add("1.0.0", 1, new Publish.Token("me"));
        registry.Serve(builder.PackumentPath, ReplayResponse.Json(builder.BuildPackument(registry.BaseUrl)) with { Delay = TimeSpan.FromSeconds(5) });
        await app.Services.GetRequiredService<PackageRepository>().AddAsync([new PackageId(Registry.Npm, "slow-at-shutdown")], null, default);
        Assert.True(await app.Services.GetRequiredService<JobsService>().RunNowAsync(TestActors.Administrator("test"), "npm-poll", default));
        await Eventually.HoldsAsync(async () =>
        {
            await using var c = await app.Database.Connections.OpenAsync(default);
            return await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM poll_runs WHERE finished_at IS NULL") == 1;
        }, "the poll started");

        // The host's shutdown timeout has already run out: stopping must not throw (it used to end in an unhandled
        // OperationCanceledException from the scheduler host).
        var host = app.Services.GetRequiredService<SchedulerHost>();
        var stop = await Record.ExceptionAsync(() => host.StopAsync(new CancellationToken(canceled: true)));

        Assert.Null(stop);
        Assert.Null(host.Scheduler);
    }
}

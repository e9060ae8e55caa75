using Microsoft.Extensions.DependencyInjection;

namespace TrustedPublishDashboard.Tests.Infrastructure;

/// <summary>
/// A test class over the real app (<see cref="LiveApp"/>, its own SQLite file) reading a strict local registry
/// (<see cref="ReplayRegistry"/>) with short retry delays: one set-up and tear-down for every such class.
/// </summary>
public abstract class RegistryAppTest : IAsyncLifetime
{
    protected ReplayRegistry Replay { get; private set; } = default!;

    protected LiveApp App { get; private set; } = default!;

    /// <summary>Settings on top of the registry's address and the short retry delay (e.g. no retries, slow schedules).</summary>
    protected virtual IEnumerable<string> Settings => ["--Registries:Http:MaxRetries=0"];

    public async Task InitializeAsync()
    {
        Replay = await ReplayRegistry.StartAsync();
        App = await LiveApp.StartAsync([$"--Registries:Npm:BaseUrl={Replay.BaseUrl}", "--Registries:Http:BaseDelay=00:00:00.010", .. Settings]);
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Replay.DisposeAsync();
    }

    protected T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();
}

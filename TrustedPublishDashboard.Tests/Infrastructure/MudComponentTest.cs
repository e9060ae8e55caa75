using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace TrustedPublishDashboard.Tests.Infrastructure;

/// <summary>
/// A bUnit context with MudBlazor's services. MudBlazor registers services that are only async-disposable, so the
/// context is disposed through xunit's IAsyncLifetime; JavaScript calls are answered loosely (no browser here).
/// </summary>
public abstract class MudComponentTest : BunitContext, IAsyncLifetime
{
    protected MudComponentTest()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();
}

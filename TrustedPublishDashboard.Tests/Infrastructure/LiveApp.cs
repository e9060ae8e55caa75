using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace TrustedPublishDashboard.Tests.Infrastructure;

/// <summary>
/// The real app on a real loopback socket (Kestrel, not TestServer), built by the same method as Main, with its
/// own SQLite file. Playwright needs a socket; building the app exactly as Main does (rather than through
/// WebApplicationFactory, which since .NET 10 can also start Kestrel with UseKestrel) keeps it the app that ships.
/// </summary>
public sealed class LiveApp : IAsyncDisposable
{
    private readonly bool _ownsDatabase;

    private LiveApp(WebApplication app, TempDatabase database, Uri baseUrl, bool ownsDatabase)
    {
        App = app;
        Database = database;
        BaseUrl = baseUrl;
        _ownsDatabase = ownsDatabase;
    }

    public WebApplication App { get; }

    public TempDatabase Database { get; }

    public Uri BaseUrl { get; }

    public IServiceProvider Services => App.Services;

    public static Task<LiveApp> StartAsync(params string[] extraArgs) => StartAsync(null, extraArgs);

    /// <summary>Starts the app on an existing database (a restart after a simulated crash); the caller keeps the database.</summary>
    public static async Task<LiveApp> StartAsync(TempDatabase? existing, params string[] extraArgs)
    {
        var database = existing ?? new TempDatabase();
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            $"--ConnectionStrings:Dashboard={database.ConnectionString}",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs,
        ];
        var app = Program.Build(args);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new LiveApp(app, database, new Uri(address.TrimEnd('/') + "/"), existing is null);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsDatabase) await Database.DisposeAsync();
    }
}

using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Cli;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Extensions;

namespace TrustedPublishDashboard;

/// <summary>Composition only: configuration, services, endpoints, and the choice between serving and a command (<see cref="CommandLine"/>).</summary>
public sealed class Program
{
    private Program() { }

    public static async Task<int> Main(string[] args)
    {
        if (CommandLine.StartsServer(args)) return await RunAsync(args, Console.Out, Console.Error);
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        return await CommandLine.RunAsync(args, new CliConsole(Console.Out, Console.Error, colour, cancel.Token));
    }

    /// <summary>Runs the dashboard until stopped. Exit codes: 0 stopped normally, 2 refused to start (the reason is on stderr).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var app = Build(args);
            app.Lifetime.ApplicationStarted.Register(() => PrintWelcome(app, stdout));
            await app.RunAsync();
            return 0;
        }
        catch (StartupConfigurationException ex)
        {
            await stderr.WriteLineAsync("TrustedPublishDashboard cannot start: " + ex.Message);
            return 2;
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await stderr.WriteLineAsync($"TrustedPublishDashboard cannot start: {ex.Message} Stop the other process, or choose another port with --urls http://127.0.0.1:<port>.");
            return 2;
        }
    }

    /// <summary>Builds the web app. Used by <see cref="Main"/> and by tests that run it on a real loopback socket.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(Program).Assembly.GetName().Name,
            // appsettings.json is copied next to the binary; reading it from there works from any working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Serves package assets (MudBlazor, blazor.web.js) from their NuGet folders when run from a build; no-op once published.
        builder.WebHost.UseStaticWebAssets();
        configure?.Invoke(builder);

        var authMode = AuthMode.FromConfiguration(builder.Configuration);
        if (BindGuard.ConfiguredUrls(builder.Configuration).Count == 0) builder.WebHost.UseUrls(BindGuard.DefaultUrl);

        AddAreas(builder.Services)
            .AddDashboardAuth(authMode)
            .AddDashboardSettings()
            .AddDashboardWeb(builder.Configuration);

        var app = builder.Build();
        app.MapDashboardWeb();
        return app;
    }

    /// <summary>
    /// Every area but the web's, in start-up order (migrations before the scheduler). The dashboard and every command
    /// line command (<see cref="CliHost"/>) compose the same list, so a command sees the services the pages see.
    /// </summary>
    public static IServiceCollection AddAreas(IServiceCollection services) => services
        .AddDashboardData()
        // The key ring protects the alert channels' secrets as well as the web's tokens: the CLI writes channels too.
        .AddDashboardDataProtection()
        .AddDashboardRegistries()
        .AddDashboardJobs()
        .AddDashboardPackages()
        .AddDashboardOnboarding()
        .AddDashboardAlerts()
        .AddDashboardOverview();

    private static void PrintWelcome(WebApplication app, TextWriter stdout)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var database = app.Services.GetRequiredService<IDbConnectionFactory>().Description;
        stdout.WriteLine();
        var mode = app.Services.GetRequiredService<AuthMode>();
        stdout.WriteLine(mode.RemoteWithoutSignIn
            ? "TrustedPublishDashboard is running WITHOUT sign-in on a non-loopback address (Auth:AllowRemoteWithoutSignIn): everyone who reaches it is administrator."
            : "TrustedPublishDashboard is running (local-only mode: no sign-in, this machine only).");
        foreach (var address in addresses) stdout.WriteLine($"  Open {address} in your browser.");
        stdout.WriteLine($"  Data: {database}");
        stdout.WriteLine("  Press Ctrl+C to stop.");
        stdout.Flush();
    }
}

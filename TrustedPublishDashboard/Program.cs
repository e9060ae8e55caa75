using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Extensions;

namespace TrustedPublishDashboard;

/// <summary>Composition only: configuration, services, endpoints, and the choice between serving and a CLI command.</summary>
public sealed class Program
{
    private Program() { }

    public static async Task<int> Main(string[] args)
    {
        if (args is ["audit" or "poll" or "seed" or "alerts", ..])
        {
            using var cancel = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            var colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
            try
            {
                return args[0] switch
                {
                    "audit" => await Cli.AuditCommand.RunAsync(args[1..], Console.Out, Console.Error, colour, cancel.Token),
                    "poll" => await Cli.PollCommand.RunAsync(args[1..], Console.Out, Console.Error, cancel.Token),
                    "alerts" => await Cli.AlertsCommand.RunAsync(args[1..], Console.Out, Console.Error, cancel.Token),
                    _ => await Cli.SeedCommand.RunAsync(args[1..], Console.Out, Console.Error, cancel.Token),
                };
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync(args[0] + ": cancelled");
                return 130;
            }
        }
        if (args is [var command, ..] && !command.StartsWith('-'))
        {
            await Console.Error.WriteLineAsync($"Unknown command '{command}'. Commands: audit, poll, seed, alerts; with no command (or only --options) the dashboard starts.");
            return 2;
        }
        return await RunAsync(args, Console.Out, Console.Error);
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
        // Serves package assets (Radzen, blazor.web.js) from their NuGet folders when run from a build; no-op once published.
        builder.WebHost.UseStaticWebAssets();
        configure?.Invoke(builder);

        var authMode = AuthMode.FromConfiguration(builder.Configuration);
        if (BindGuard.ConfiguredUrls(builder.Configuration).Count == 0) builder.WebHost.UseUrls(BindGuard.DefaultUrl);

        builder.Services
            .AddDashboardData()
            .AddDashboardRegistries()
            .AddDashboardJobs()
            .AddDashboardAuth(authMode)
            .AddDashboardPackages()
            .AddDashboardOnboarding()
            .AddDashboardAlerts()
            .AddDashboardWeb(builder.Configuration);

        var app = builder.Build();
        app.MapDashboardWeb();
        return app;
    }

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

namespace TrustedPublishDashboard.Cli;

/// <summary>
/// The one bootstrap of every headless command: the app's configuration sources, quiet logging on stderr, and the same
/// areas as the app (<see cref="Program.AddAreas"/>) without the web server, sign-in and pages. Nothing is started:
/// a command resolves what it needs and, when it uses the database, applies the migrations itself.
/// </summary>
public static class CliHost
{
    /// <summary>appsettings.json next to the binary, then environment variables, then <paramref name="configure"/>.</summary>
    public static IConfiguration Configuration(Action<IConfigurationBuilder>? configure = null)
    {
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables();
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>The configuration, warnings-only logging to stderr (stdout is for results), and the app's areas.</summary>
    public static ServiceCollection Services(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Warning).AddFilter("Polly", LogLevel.Error));
        Program.AddAreas(services);
        return services;
    }

    /// <summary>The services a command runs with; <paramref name="configure"/> adds configuration sources (tests, command options).</summary>
    public static ServiceProvider Build(Action<IConfigurationBuilder>? configure = null) => Services(Configuration(configure)).BuildServiceProvider();
}

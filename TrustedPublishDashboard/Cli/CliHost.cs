namespace TrustedPublishDashboard.Cli;

/// <summary>What every headless command shares: the app's configuration sources and quiet logging on stderr.</summary>
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

    /// <summary>A service collection with the configuration and warnings-only logging to stderr (stdout is for results).</summary>
    public static ServiceCollection Services(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(b => b.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Warning).AddFilter("Polly", LogLevel.Error));
        return services;
    }
}

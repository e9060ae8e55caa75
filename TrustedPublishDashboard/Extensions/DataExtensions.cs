using Microsoft.AspNetCore.DataProtection;
using TrustedPublishDashboard.Data;

namespace TrustedPublishDashboard.Extensions;

public static class DataExtensions
{
    /// <summary>SQLite through Dapper, migrations applied before anything else starts.</summary>
    public static IServiceCollection AddDashboardData(this IServiceCollection services)
    {
        // Resolved lazily so that configuration added by tests and hosts is seen.
        services.AddSingleton<IDbConnectionFactory>(sp => SqliteConnectionFactory.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => new MigrationRunner(sp.GetRequiredService<IDbConnectionFactory>(), MigrationRunner.LoadEmbedded(),
            sp.GetRequiredService<ILogger<MigrationRunner>>()));
        services.AddHostedService<MigrationHostedService>();
        services.AddSingleton<PackageRepository>();
        services.AddSingleton<JobRunRepository>();
        services.AddSingleton<EvidenceRepository>();
        services.AddSingleton<PollRunRepository>();
        services.AddSingleton<ComplianceRepository>();
        services.AddSingleton<DatabaseMaintenance>();
        services.AddSingleton<OnboardingPlanRepository>();
        services.AddSingleton<Onboarding.OnboardingVerifier>();
        services.AddSingleton<AlertRepository>();
        services.AddSingleton<FindingAcceptanceRepository>();
        return services;
    }

    /// <summary>
    /// Data Protection with its key ring next to the database, shared by the web app and the CLI: the keys protect
    /// antiforgery tokens, circuits and the alert channels' secrets, so a restart or a container with its /data volume
    /// keeps them. Without an XML encryptor (Linux) they are stored unencrypted: the folder is made private.
    /// </summary>
    public static IServiceCollection AddDashboardDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("TrustedPublishDashboard");
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<IDbConnectionFactory, ILoggerFactory>((options, db, logs) =>
            {
                if (db is SqliteConnectionFactory { IsInMemory: false } sqlite)
                    options.XmlRepository = new Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository(PrivateKeyFolder(sqlite.DataSource), logs);
            });
        return services;
    }

    /// <summary>The key ring folder next to the database, readable by the app's user only (mode 700).</summary>
    private static DirectoryInfo PrivateKeyFolder(string databasePath)
    {
        var path = Path.Combine(Path.GetDirectoryName(databasePath)!, "keys");
        if (OperatingSystem.IsWindows()) return Directory.CreateDirectory(path);
        var owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var folder = Directory.CreateDirectory(path, owner);
        File.SetUnixFileMode(path, owner);
        return folder;
    }
}

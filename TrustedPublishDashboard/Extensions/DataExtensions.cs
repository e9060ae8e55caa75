using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Packages;

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
        services.AddSingleton<PackageImportService>();
        services.AddSingleton<SampleWorkspace>();
        services.AddSingleton<Onboarding.OnboardingPlanRepository>();
        services.AddSingleton<Onboarding.OnboardingVerifier>();
        services.AddSingleton<AlertRepository>();
        return services;
    }
}

using Microsoft.AspNetCore.DataProtection;
using Radzen;
using TrustedPublishDashboard.Web.Components;
using TrustedPublishDashboard.Web.Api;
using TrustedPublishDashboard.Web.Health;

namespace TrustedPublishDashboard.Extensions;

public static class WebExtensions
{
    public const string ThemeCookie = "tpd-theme";

    public static IServiceCollection AddDashboardWeb(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddRadzenComponents();
        // Keys for antiforgery, circuits and (later) encrypted secrets live next to the database, so a restart or a
        // container with its /data volume keeps them. Without an XML encryptor they are stored unencrypted: the
        // folder must be as private as the database itself.
        services.AddDataProtection().SetApplicationName("TrustedPublishDashboard");
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<Data.IDbConnectionFactory, ILoggerFactory>((options, db, logs) =>
            {
                if (db is Data.SqliteConnectionFactory { IsInMemory: false } sqlite)
                    options.XmlRepository = new Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository(PrivateKeyFolder(sqlite.DataSource), logs);
            });
        services.AddSingleton<Web.ListenAddresses>();
        services.AddRadzenCookieThemeService(o =>
        {
            o.Name = ThemeCookie;
            o.Duration = TimeSpan.FromDays(365);
        });
        services.AddProblemDetails();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<SchedulerHealthCheck>("scheduler");
        return services;
    }

    /// <summary>
    /// The key ring folder next to the database, readable by the app's user only: the keys decrypt the alert channels'
    /// secrets, and on Linux the framework cannot encrypt them at rest without a certificate.
    /// </summary>
    private static DirectoryInfo PrivateKeyFolder(string databasePath)
    {
        var path = Path.Combine(Path.GetDirectoryName(databasePath)!, "keys");
        if (OperatingSystem.IsWindows()) return Directory.CreateDirectory(path);
        var owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var folder = Directory.CreateDirectory(path, owner);
        File.SetUnixFileMode(path, owner);
        return folder;
    }

    public static WebApplication MapDashboardWeb(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapHealthChecks("/healthz", HealthResponse.Options).AllowAnonymous();
        app.MapStaticAssets().AllowAnonymous();
        app.MapPackagesApi();
        app.MapDashboardOnboarding();
        app.MapBadges(app.Configuration);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}

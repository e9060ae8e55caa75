using TrustedPublishDashboard.Monitoring;

namespace TrustedPublishDashboard.Extensions;

public static class JobsExtensions
{
    /// <summary>The Quartz scheduler hosted in the app; register after the data services so migrations run first.</summary>
    public static IServiceCollection AddDashboardJobs(this IServiceCollection services)
    {
        services.AddSingleton<JobRunRecorder>();
        services.AddSingleton<SchedulerHost>();
        services.AddHostedService(sp => sp.GetRequiredService<SchedulerHost>());
        services.AddSingleton<JobsService>();
        services.AddSingleton<PollService>();
        foreach (var job in JobCatalog.All) services.AddTransient(job.JobType);
        return services;
    }
}

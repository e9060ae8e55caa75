using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Alerts;
using TrustedPublishDashboard.Cli;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Packages;
using TrustedPublishDashboard.Registries.Npm;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Cli;

public sealed class CliHostTests
{
    /// <summary>What each command takes from its provider. A new command must add its row here.</summary>
    private static readonly Dictionary<string, Type[]> ServicesByCommand = new()
    {
        ["audit"] = [typeof(NpmRegistryLocator), typeof(NpmRegistryClient)],
        ["poll"] = [typeof(NpmRegistryLocator), typeof(MigrationRunner), typeof(PackageRepository), typeof(PollService)],
        ["seed"] = [typeof(MigrationRunner), typeof(SampleWorkspace), typeof(IDbConnectionFactory)],
        ["alerts"] = [typeof(MigrationRunner), typeof(AlertChannelService), typeof(AlertDispatcher)],
    };

    private static IConfiguration Settings(TempDatabase db) => CliHost.Configuration(b => b.AddInMemoryCollection(
        [new KeyValuePair<string, string?>("ConnectionStrings:Dashboard", db.ConnectionString)]));

    [Fact]
    public async Task EveryCommand_ResolvesItsServicesFromTheSharedBootstrap_WhichValidates()
    {
        await using var db = new TempDatabase();
        var services = CliHost.Services(Settings(db));

        // Every registration can be built (a missing dependency fails here, not in the one command that needs it).
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.Equal(CommandLine.Commands.Select(c => c.Name).Order(), ServicesByCommand.Keys.Order());
        foreach (var (command, types) in ServicesByCommand)
            foreach (var type in types)
                Assert.True(provider.GetService(type) is not null, $"{command} needs {type.Name}, which the CLI bootstrap does not register");
        // poll used to register the poll service a second time next to the one its areas brought.
        Assert.Single(services, d => d.ServiceType == typeof(PollService));
    }

    [Fact]
    public async Task Bootstrap_HasTheAppsAreas_WithoutTheWebOrSignIn()
    {
        await using var db = new TempDatabase();
        IServiceCollection? appServices = null;
        await using var app = Program.Build([$"--ConnectionStrings:Dashboard={db.ConnectionString}"], b => appServices = b.Services);
        var ours = (IServiceCollection s) => s.Select(d => d.ServiceType).Where(t => t.Namespace?.StartsWith("TrustedPublishDashboard", StringComparison.Ordinal) == true).ToHashSet();

        var cli = ours(CliHost.Services(Settings(db)));
        var web = ours(appServices!);

        Assert.Subset(web, cli);
        // Settings describes the running web app (listen addresses, sign-in mode): nothing a command needs.
        Assert.All(web.Except(cli), t => Assert.True(t.Namespace!.StartsWith("TrustedPublishDashboard.Web", StringComparison.Ordinal)
            || t.Namespace is "TrustedPublishDashboard.Auth" or "TrustedPublishDashboard.Settings",
            $"{t.FullName} is registered by the app but not by the CLI"));
        Assert.Contains(typeof(DashboardService), cli);
        Assert.Contains(typeof(JobsService), cli);
    }
}

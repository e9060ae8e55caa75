using Microsoft.Extensions.Configuration;
using TrustedPublishDashboard.Cli;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Registries.Npm;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>The headless `alerts` and `poll` commands together: provision a webhook, poll, dispatch — no web app.</summary>
public sealed class AlertsCommandTests
{
    private static Task<(int Code, string Stdout, string Stderr)> Run(Func<string[], TextWriter, TextWriter, CancellationToken, Action<IConfigurationBuilder>?, Task<int>> command,
        TempDatabase db, params string[] args) => RunWithDashboardUrl(command, db, null, args);

    private static async Task<(int Code, string Stdout, string Stderr)> RunWithDashboardUrl(Func<string[], TextWriter, TextWriter, CancellationToken, Action<IConfigurationBuilder>?, Task<int>> command,
        TempDatabase db, string? dashboardUrl, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await command(args, stdout, stderr, default, b => b.AddInMemoryCollection(
        [
            new("ConnectionStrings:Dashboard", db.ConnectionString),
            new("Registries:Http:MaxRetries", "0"),
            .. dashboardUrl is null ? Array.Empty<KeyValuePair<string, string?>>() : [new("Alerts:DashboardUrl", dashboardUrl)],
        ]));
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Provisions the receiver as a channel, and polls a package twice so that a token publish "today" raises one critical alert.</summary>
    private static async Task RaiseTokenPublishAsync(TempDatabase db, ReplayRegistry registry, AlertReceiver receiver, string name)
    {
        Assert.Equal(0, (await Run(AlertsCommand.RunAsync, db, "add-webhook", "--name", "cli", "--url", receiver.HookUrl(), "--key", AlertReceiver.Key)).Code);
        new PackumentBuilder(name).Add("1.0.0", 1, new Publish.Trusted("oidc:1")).Latest("1.0.0").ServeOn(registry);
        Assert.Equal(0, (await Run(PollCommand.RunAsync, db, "--npm-registry", registry.BaseUrl.ToString(), "npm:" + name)).Code);
        var today = (DateTimeOffset.UtcNow - PackumentBuilder.T0).Days + 1;
        new PackumentBuilder(name).Add("1.0.0", 1, new Publish.Trusted("oidc:1")).Add("1.0.1", today, new Publish.Token("mallory")).Latest("1.0.1").ServeOn(registry);
        Assert.Equal(0, (await Run(PollCommand.RunAsync, db, "--npm-registry", registry.BaseUrl.ToString())).Code);
    }

    [Fact]
    public async Task Dispatch_WithoutDashboardUrl_SaysWhyThereIsNoLink_AndSendsNoRelativeLink()
    {
        await using var db = new TempDatabase();
        await using var registry = await ReplayRegistry.StartAsync();
        await using var receiver = await AlertReceiver.StartAsync();
        await RaiseTokenPublishAsync(db, registry, receiver, "cli-nolink");

        var dispatched = await Run(AlertsCommand.RunAsync, db, "dispatch");

        Assert.Contains("no dashboard link in the alerts sent: set Alerts:DashboardUrl", dispatched.Stderr);
        var body = System.Text.Json.JsonDocument.Parse(Assert.Single(receiver.Alerts()).Body).RootElement;
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("detailUrl").ValueKind);
        Assert.DoesNotContain("packages/npm/", body.GetRawText());
    }

    [Fact]
    public async Task Dispatch_WithDashboardUrl_EveryAlertLinksToItsPackagePage()
    {
        await using var db = new TempDatabase();
        await using var registry = await ReplayRegistry.StartAsync();
        await using var receiver = await AlertReceiver.StartAsync();
        await RaiseTokenPublishAsync(db, registry, receiver, "cli-link");

        var dispatched = await RunWithDashboardUrl(AlertsCommand.RunAsync, db, "https://dashboard.example.test/tpd", "dispatch");

        Assert.Contains("links in the alerts point to https://dashboard.example.test/tpd/", dispatched.Stderr);
        var body = System.Text.Json.JsonDocument.Parse(Assert.Single(receiver.Alerts()).Body).RootElement;
        Assert.Equal("https://dashboard.example.test/tpd/packages/npm/cli-link", body.GetProperty("detailUrl").GetString());
    }

    [Fact]
    public async Task AddWebhook_Poll_Dispatch_DeliversTheNewAlertOnce_AndRefusesBadInput()
    {
        await using var db = new TempDatabase();
        await using var registry = await ReplayRegistry.StartAsync();
        await using var receiver = await AlertReceiver.StartAsync();

        var refused = await Run(AlertsCommand.RunAsync, db, "add-webhook", "--name", "bad", "--url", "http://example.org/hook");
        Assert.Equal(2, refused.Code);
        Assert.Contains("https", refused.Stderr);

        var added = await Run(AlertsCommand.RunAsync, db, "add-webhook", "--name", "cli", "--url", receiver.HookUrl(), "--key", AlertReceiver.Key, "--min-severity", "high");
        Assert.Equal(0, added.Code);
        Assert.Contains($"\"signingKey\":\"{AlertReceiver.Key}\"", added.Stdout);
        Assert.Contains("cli\tenabled\t>=high", (await Run(AlertsCommand.RunAsync, db, "list")).Stdout.Replace("webhook\t", ""));

        // First poll: the package's history is older than its tracking, so nothing is news.
        var name = "cli-pkg";
        new PackumentBuilder(name).Add("1.0.0", 1, new Publish.Trusted("oidc:1")).Latest("1.0.0").ServeOn(registry);
        Assert.Equal(0, (await Run(PollCommand.RunAsync, db, "--npm-registry", registry.BaseUrl.ToString(), "npm:" + name)).Code);
        // A token publish "today" (after the package was added) is news.
        var today = (DateTimeOffset.UtcNow - PackumentBuilder.T0).Days + 1;
        new PackumentBuilder(name).Add("1.0.0", 1, new Publish.Trusted("oidc:1")).Add("1.0.1", today, new Publish.Token("mallory")).Latest("1.0.1").ServeOn(registry);
        Assert.Equal(0, (await Run(PollCommand.RunAsync, db, "--npm-registry", registry.BaseUrl.ToString())).Code);

        var dispatched = await Run(AlertsCommand.RunAsync, db, "dispatch");
        await Run(AlertsCommand.RunAsync, db, "dispatch");

        Assert.Equal(0, dispatched.Code);
        var delivery = Assert.Single(receiver.Alerts());
        Assert.True(delivery.SignatureValid);
        Assert.Equal(("trust-downgrade", "critical", "1.0.1"), (delivery.Kind, delivery.Severity, delivery.Version));
    }
}

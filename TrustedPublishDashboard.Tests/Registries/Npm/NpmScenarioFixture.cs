using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using TrustedPublishDashboard.Cli;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Registries.Npm;

/// <summary>One replay registry serving every npm scenario, shared by the scenario tests.</summary>
public sealed class NpmScenarioFixture : IAsyncLifetime
{
    public ReplayRegistry Registry { get; private set; } = default!;

    public async Task InitializeAsync() => Registry = await ReplayRegistry.StartAsync();

    public async Task DisposeAsync() => await Registry.DisposeAsync();

    /// <summary>Fast retries so that "500 five times" does not take 15 s.</summary>
    public static void FastRetries(IConfigurationBuilder builder) => builder.AddInMemoryCollection(
    [
        new("Registries:Http:BaseDelay", "00:00:00.010"),
        new("Registries:Http:AttemptTimeout", "00:00:05"),
    ]);

    public sealed record AuditRun(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

        public JsonElement Package(string name) => Json.GetProperty("packages").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);
    }

    /// <summary>
    /// Body limits small enough for a test: a body must bring 200 B/s over each 1 s of waiting, and finish within a
    /// minute (a test that asserts on the total lowers it further).
    /// </summary>
    public static readonly KeyValuePair<string, string?>[] TightBodyLimits =
    [
        new("Registries:Http:BodyTimeout", "00:01:00"),
        new("Registries:Http:MinBytesPerSecond", "200"),
        new("Registries:Http:MinRateWindow", "00:00:01"),
    ];

    public Task<AuditRun> AuditAsync(params string[] args) => AuditAsync([], args);

    /// <param name="settings">Configuration on top of <see cref="FastRetries"/>; a later key wins.</param>
    public async Task<AuditRun> AuditAsync(IEnumerable<KeyValuePair<string, string?>> settings, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await AuditCommand.RunAsync(["--npm-registry", Registry.BaseUrl.ToString(), .. args], stdout, stderr, colour: false, default, b =>
        {
            FastRetries(b);
            // One source per setting, so a later one overrides an earlier one with the same key.
            foreach (var setting in settings) b.AddInMemoryCollection([setting]);
        });
        return new AuditRun(code, stdout.ToString(), stderr.ToString());
    }
}

public static class JsonElementExtensions
{
    public static string? Str(this JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetString();

    public static IReadOnlyList<string> Methods(this JsonElement package) =>
        package.GetProperty("versions").EnumerateArray().Select(v => $"{v.GetProperty("version").GetString()}={v.GetProperty("method").GetString()}").ToList();

    public static IReadOnlyList<string> Findings(this JsonElement package) =>
        package.GetProperty("findings").EnumerateArray().Select(f => $"{f.GetProperty("kind").GetString()}@{f.Str("version")}").ToList();
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Cli;

namespace TrustedPublishDashboard.Tests.Infrastructure;

/// <summary>The registry HTTP stack exactly as the app and the CLI register it (handler included), with test settings.</summary>
public static class RegistryStack
{
    public static ServiceProvider Build(params (string Key, string Value)[] settings) =>
        CliHost.Build(b => b.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))));
}

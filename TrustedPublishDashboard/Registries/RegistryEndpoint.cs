using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries;

/// <summary>Where a registry address came from.</summary>
public enum RegistryAddressSource
{
    /// <summary>The dashboard's configuration (appsettings.json, environment, command-line --Key=value).</summary>
    Configuration,
    /// <summary>An option of a CLI command (e.g. poll --npm-registry).</summary>
    CommandOption,
    /// <summary>The registry's own client configuration (e.g. <c>npm config get registry</c>).</summary>
    ClientConfiguration,
}

/// <summary>
/// The registry a client reads and where that address came from — or, when no usable address could be found, why
/// (<see cref="Error"/>, with <see cref="BaseUrl"/> and <see cref="Source"/> null).
/// </summary>
public sealed record RegistryEndpoint(Registry Registry, Uri? BaseUrl, RegistryAddressSource? Source, string SourceDetail, string? Error = null);

/// <summary>Answers "which registry do you read, and why that one" for the Settings page.</summary>
public interface IRegistryEndpointSource
{
    Registry Registry { get; }

    /// <summary>Never throws for a misconfiguration: it is returned as <see cref="RegistryEndpoint.Error"/>.</summary>
    Task<RegistryEndpoint> DescribeAsync(CancellationToken ct);
}

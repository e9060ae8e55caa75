using System.Diagnostics;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.Npm;

/// <summary>The npm registry could not be determined or is not a usable URL.</summary>
public sealed class RegistryConfigurationException(string message) : Exception(message);

/// <summary>
/// Where the npm registry is: Registries:Npm:BaseUrl when set, otherwise what the npm client is configured with
/// (<c>npm config get registry</c>), so the dashboard reads the same registry (or mirror) the user's npm does.
/// No registry host is written into this code. <paramref name="readNpmRegistry"/> replaces running the npm client
/// (tests); it returns the client's answer or throws <see cref="RegistryConfigurationException"/>.
/// </summary>
public sealed class NpmRegistryLocator(
    IConfiguration configuration,
    ILogger<NpmRegistryLocator> logger,
    Func<CancellationToken, Task<string>>? readNpmRegistry = null) : IRegistryEndpointSource
{
    public const string BaseUrlKey = "Registries:Npm:BaseUrl";
    public const string CommandOption = "--npm-registry";
    public const string NpmClientCommand = "npm config get registry";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private RegistryEndpoint? _resolved;

    /// <summary>Overrides configuration (the CLI's --npm-registry).</summary>
    public string? Override { get; set; }

    public Registry Registry => Registry.Npm;

    public async Task<Uri> GetBaseUrlAsync(CancellationToken ct) => (await ResolveAsync(ct)).BaseUrl!;

    public async Task<RegistryEndpoint> DescribeAsync(CancellationToken ct)
    {
        try
        {
            return await ResolveAsync(ct);
        }
        catch (RegistryConfigurationException ex)
        {
            return new RegistryEndpoint(Registry, null, null, $"neither {BaseUrlKey} nor the npm client ({NpmClientCommand}) gave a usable registry", ex.Message);
        }
    }

    /// <summary>The address and where it came from; resolved once, a failure is tried again next time.</summary>
    private async Task<RegistryEndpoint> ResolveAsync(CancellationToken ct)
    {
        if (_resolved is not null) return _resolved;
        await _gate.WaitAsync(ct);
        try
        {
            if (_resolved is not null) return _resolved;
            var configured = Override ?? configuration[BaseUrlKey];
            if (!string.IsNullOrWhiteSpace(configured))
            {
                var (source, name) = Override is not null ? (RegistryAddressSource.CommandOption, CommandOption) : (RegistryAddressSource.Configuration, BaseUrlKey);
                _resolved = new RegistryEndpoint(Registry, Parse(configured, name), source, name);
                return _resolved;
            }
            var fromNpm = await (readNpmRegistry ?? AskNpmAsync)(ct);
            var url = Parse(fromNpm, $"the npm client's registry setting ({NpmClientCommand})");
            logger.LogInformation("npm registry from the npm client's configuration: {Registry}", url);
            _resolved = new RegistryEndpoint(Registry, url, RegistryAddressSource.ClientConfiguration, NpmClientCommand);
            return _resolved;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>An absolute http(s) URL ending with '/', or a clear error naming where the value came from.</summary>
    public static Uri Parse(string value, string source)
    {
        var text = value.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            throw new RegistryConfigurationException($"{source} = '{text}' is not an absolute http(s) URL.");
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            throw new RegistryConfigurationException($"{source} = '{text}' must not have a query or fragment.");
        return text.EndsWith('/') ? uri : new Uri(text + "/");
    }

    private static async Task<string> AskNpmAsync(CancellationToken ct)
    {
        var start = new ProcessStartInfo("npm", "config get registry")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new RegistryConfigurationException(
                $"No npm registry is configured: set {BaseUrlKey} (or pass --npm-registry), or install the npm client so its registry setting can be read ({ex.Message}).");
        }
        if (process is null) throw new RegistryConfigurationException($"Could not run 'npm config get registry'; set {BaseUrlKey}.");
        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new RegistryConfigurationException($"'npm config get registry' did not answer within 20 s; set {BaseUrlKey}.");
            }
            var output = (await stdout).Trim();
            if (process.ExitCode != 0 || output.Length == 0)
                throw new RegistryConfigurationException($"'npm config get registry' failed ({(await stderr).Trim()}); set {BaseUrlKey}.");
            // npm may print warnings before the value; the value is the last line.
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        }
    }
}

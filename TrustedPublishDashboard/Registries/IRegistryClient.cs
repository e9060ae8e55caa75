using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Registries.Npm;

namespace TrustedPublishDashboard.Registries;

/// <summary>Counters for one poll or audit, shared by all its requests.</summary>
public sealed class FetchStats
{
    private long _requests;
    private long _bytes;
    private long _notModified;

    public long Requests => Interlocked.Read(ref _requests);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long NotModified => Interlocked.Read(ref _notModified);

    public void AddRequest() => Interlocked.Increment(ref _requests);
    public void AddBytes(long bytes) => Interlocked.Add(ref _bytes, bytes);
    public void AddNotModified() => Interlocked.Increment(ref _notModified);
}

/// <summary>What the caller already knows about a package, so the client can ask only for what changed.</summary>
public sealed record FetchContext(
    string? ETag,
    string? LastModified,
    IReadOnlyDictionary<string, AttestationReading> KnownAttestations,
    FetchStats Stats)
{
    public static FetchContext Fresh(FetchStats stats) => new(null, null, new Dictionary<string, AttestationReading>(), stats);
}

/// <summary>An attestation document fetched in this call: kept verbatim, and what it said.</summary>
public sealed record FetchedAttestation(string Version, int HttpStatus, string? Body, AttestationReading Reading);

public enum FetchFailure { NotFound, Http, Network, Parse, TooLarge, Configuration }

public abstract record RegistryFetch
{
    private RegistryFetch() { }

    public sealed record NotModified : RegistryFetch;

    public sealed record Fetched(
        PackageHistory History,
        IReadOnlyList<Maintainer> Maintainers,
        string? ETag,
        string? LastModified,
        IReadOnlyList<FetchedAttestation> NewAttestations,
        IReadOnlySet<string> PendingAttestations) : RegistryFetch
    {
        /// <summary>
        /// Why some of <see cref="PendingAttestations"/> could not be fetched in this call (an error status, a network
        /// error, a body that broke its limits). Not a failure of the package: they are fetched again at the next poll.
        /// </summary>
        public IReadOnlyList<string> AttestationProblems { get; init; } = [];

        /// <summary>The source repository the registry reports for the package (npm: the packument's `repository`), when it does.</summary>
        public string? Repository { get; init; }
    }

    public sealed record Failed(FetchFailure Kind, string Error) : RegistryFetch;
}

/// <summary>One registry's metadata, turned into evidence. Implementations do HTTP; parsing and mapping are pure.</summary>
public interface IRegistryClient
{
    Registry Registry { get; }

    Task<RegistryFetch> FetchAsync(PackageId package, FetchContext context, CancellationToken ct);
}

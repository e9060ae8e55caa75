using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.Npm;

/// <summary>How a version's <c>_npmUser</c> field came: absent, an object (the registry's own form), or something lossy.</summary>
public enum NpmUserShape { Absent, Object, Flattened }

public sealed record NpmUser(string? Name, string? Email, bool HasTrustedPublisher, string? TrustedPublisherId, string? OidcConfigId, string? ApproverName);

/// <summary>Only what evidence needs from one entry of <c>versions</c>.</summary>
public sealed record NpmVersionMeta(string Version, NpmUserShape UserShape, NpmUser? User, bool HasAttestations, string? AttestationsUrl, string? ProvenancePredicateType);

/// <summary>Only what evidence needs from a full packument: dist-tags, time, versions' publisher metadata, maintainers.</summary>
public sealed record NpmPackument(
    string? Name,
    IReadOnlyDictionary<string, string> DistTags,
    IReadOnlyDictionary<string, string> Time,
    IReadOnlyDictionary<string, NpmVersionMeta> Versions,
    IReadOnlyList<Maintainer> Maintainers)
{
    /// <summary>The top-level `repository` URL (npm copies the latest version's there, normalised), when present.</summary>
    public string? Repository { get; init; }
}

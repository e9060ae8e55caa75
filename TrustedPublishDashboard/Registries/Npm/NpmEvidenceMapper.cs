using System.Globalization;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.Npm;

/// <summary>Turns a parsed packument (plus what attestations said) into registry-neutral evidence. Pure.</summary>
public static class NpmEvidenceMapper
{
    /// <summary>The address npm records for GitHub OIDC publishes; a token publish never carries it.</summary>
    public const string GitHubOidcEmail = "npm-oidc-no-reply@github.com";

    public const string MissingMarkerNote =
        "_npmUser is the GitHub OIDC identity but has no trustedPublisher marker: the registry or a proxy in between may strip it, so this version's method is unknown";

    public static PublishFacts Facts(NpmVersionMeta meta)
    {
        var user = meta.UserShape == NpmUserShape.Object ? meta.User : null;
        return new PublishFacts(
            HasPublisherRecord: user is not null,
            HasTrustedPublisher: user?.HasTrustedPublisher == true,
            HasApprover: user?.ApproverName is not null,
            HasProvenance: meta.HasAttestations,
            LacksExpectedMarker: user is { HasTrustedPublisher: false, ApproverName: null }
                && string.Equals(user.Email, GitHubOidcEmail, StringComparison.OrdinalIgnoreCase));
    }

    public static PackageHistory ToHistory(PackageId package, NpmPackument packument, IReadOnlyDictionary<string, AttestationReading> attestations)
    {
        var versions = packument.Versions.Values.Select(meta =>
        {
            var facts = Facts(meta);
            var method = EvidenceRules.Classify(facts);
            var reading = attestations.GetValueOrDefault(meta.Version);
            return new VersionEvidence(
                meta.Version,
                packument.Time.TryGetValue(meta.Version, out var t) ? ParseTime(t) : null,
                method,
                meta.HasAttestations,
                Identity(meta, reading?.Identity),
                meta.UserShape == NpmUserShape.Object ? meta.User!.Name : null,
                meta.User?.ApproverName,
                reading?.Error ?? (facts.LacksExpectedMarker ? MissingMarkerNote : null));
        }).ToList();
        return new PackageHistory(package, packument.DistTags.GetValueOrDefault("latest"), versions);
    }

    /// <summary>
    /// The publisher: the trusted-publisher marker gives the provider and configuration id; the provenance statement,
    /// when there is one, gives repository, workflow, ref, trigger, commit and runner.
    /// </summary>
    public static PublisherIdentity? Identity(NpmVersionMeta meta, PublisherIdentity? provenance)
    {
        var tp = meta.UserShape == NpmUserShape.Object && meta.User!.HasTrustedPublisher ? meta.User : null;
        if (tp is null) return provenance;
        var provider = tp.TrustedPublisherId ?? provenance?.Provider ?? "unknown";
        return (provenance ?? new PublisherIdentity(provider)) with { Provider = provider, ConfigId = tp.OidcConfigId };
    }

    public static DateTimeOffset? ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
}

using System.Globalization;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.Npm;

/// <summary>Turns a parsed packument (plus what attestations said) into registry-neutral evidence. Pure.</summary>
public static class NpmEvidenceMapper
{
    public static PublishFacts Facts(NpmVersionMeta meta) => new(
        HasPublisherRecord: meta.UserShape == NpmUserShape.Object,
        HasTrustedPublisher: meta.UserShape == NpmUserShape.Object && meta.User!.HasTrustedPublisher,
        HasApprover: meta.UserShape == NpmUserShape.Object && meta.User!.ApproverName is not null,
        HasProvenance: meta.HasAttestations);

    public static PackageHistory ToHistory(PackageId package, NpmPackument packument, IReadOnlyDictionary<string, AttestationReading> attestations)
    {
        var versions = packument.Versions.Values.Select(meta =>
        {
            var method = EvidenceRules.Classify(Facts(meta));
            var reading = attestations.GetValueOrDefault(meta.Version);
            return new VersionEvidence(
                meta.Version,
                packument.Time.TryGetValue(meta.Version, out var t) ? ParseTime(t) : null,
                method,
                meta.HasAttestations,
                Identity(meta, reading?.Identity),
                meta.UserShape == NpmUserShape.Object ? meta.User!.Name : null,
                meta.User?.ApproverName,
                reading?.Error);
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

using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.RubyGems;

/// <summary>
/// Turns what RubyGems said about each platform gem into evidence, and rolls it up to the version number. Pure.
/// Non-empty attestations ⇒ trusted publisher with provenance; otherwise the version page decides: a user profile ⇒
/// token, a trusted publisher ⇒ trusted publisher without provenance, anything else ⇒ unknown (issue #13 §3).
/// </summary>
public static class RubyGemsEvidenceMapper
{
    /// <summary>
    /// Whether the version page must be read: no attestation was found (<c>[]</c>, 404, or an unreadable document).
    /// <c>[]</c> is not a token signal: the release action pushes without an attestation when signing fails.
    /// </summary>
    public static bool NeedsVersionPage(RubyGemsAttestationReading? attestations) => attestations is not { Attested: true };

    public static RubyGemsGemEvidence MapGem(RubyGemsPlatformGem gem, RubyGemsGemDocuments? documents)
    {
        var attestations = documents?.Attestations;
        var page = documents?.Page;
        if (attestations is { Attested: true })
        {
            // Bundles that do not decode are an error on this gem, never a different method (and not "no provenance").
            return attestations.Error is null
                ? Gem(gem, PublishMethod.TrustedPublisher, provenance: true, attestations.Identity, null, null, page)
                : Gem(gem, PublishMethod.Unknown, provenance: true, null, null, attestations.Error, page);
        }
        var error = attestations?.Error;
        return page?.Pusher switch
        {
            RubyGemsPusher.User => Gem(gem, PublishMethod.Token, false, null, page.Handle, error, page),
            // No identity: the page names the publisher only in an image title, and an identity with nothing to compare
            // would hide a repository change between the attested versions on either side of it (publisher-drift).
            RubyGemsPusher.TrustedPublisher => Gem(gem, PublishMethod.TrustedPublisher, false, null, null, error, page),
            _ => Gem(gem, PublishMethod.Unknown, false, null, null, error, page),
        };
    }

    private static RubyGemsGemEvidence Gem(RubyGemsPlatformGem gem, PublishMethod method, bool provenance, PublisherIdentity? publisher,
        string? pushedBy, string? error, RubyGemsPushedBy? page) =>
        new(gem.Number, gem.Platform, gem.CreatedAt, method, provenance, publisher, pushedBy, gem.MfaRequired, error, page);

    /// <summary>
    /// A version is as strong as its weakest platform gem whose method is known (a token-pushed native gem makes the
    /// release a token release); it has provenance only if every platform gem has it.
    /// </summary>
    /// <param name="documents">Per platform; a platform with no entry had nothing fetched and is unknown.</param>
    public static RubyGemsVersionEvidence MapVersion(RubyGemsVersion version, IReadOnlyDictionary<string, RubyGemsGemDocuments> documents)
    {
        var gems = version.Gems.Select(g => MapGem(g, documents.GetValueOrDefault(g.Platform))).ToList();
        var known = gems.Where(g => g.Method.Strength() is not null).ToList();
        var method = known.Count == 0 ? PublishMethod.Unknown : known.MinBy(g => g.Method.Strength()!.Value)!.Method;
        // The plain gem first: it is the build every platform has, so its identity is the one to compare across versions.
        var ordered = gems.OrderBy(g => RubyGemsNames.IsPlain(g.Platform) ? 0 : 1).ToList();
        var publisher = method.IsTrusted()
            ? ordered.Where(g => g.Method == method).Select(g => g.Publisher).FirstOrDefault(p => p is not null)
            : null;
        var pushers = gems.Where(g => g.PushedBy is not null).Select(g => g.PushedBy!).Distinct(StringComparer.Ordinal).ToList();
        var errors = gems.Where(g => g.EvidenceError is not null)
            .Select(g => RubyGemsNames.IsPlain(g.Platform) ? g.EvidenceError! : $"{g.Platform} gem: {g.EvidenceError}").ToList();
        return new RubyGemsVersionEvidence(
            version.Number,
            version.CreatedAt,
            version.Prerelease,
            version.MfaRequired,
            method,
            Provenance: gems.Count > 0 && gems.All(g => g.Provenance),
            publisher,
            pushers.Count == 0 ? null : string.Join(", ", pushers),
            errors.Count == 0 ? null : string.Join("; ", errors),
            gems);
    }

    /// <summary>The registry-neutral evidence the existing rules read (PublishedAt = the version's first created_at).</summary>
    public static VersionEvidence ToVersionEvidence(RubyGemsVersionEvidence version) =>
        new(version.Number, version.CreatedAt, version.Method, version.Provenance, version.Publisher, version.PushedBy, null, version.EvidenceError);

    public static PackageHistory ToHistory(PackageId package, string? latest, IEnumerable<RubyGemsVersionEvidence> versions) =>
        new(package, latest, versions.Select(ToVersionEvidence).ToList());
}

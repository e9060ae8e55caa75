using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.RubyGems;

/// <summary>One entry of <c>/api/v1/versions/&lt;gem&gt;.json</c>: one platform build of one version number.</summary>
/// <param name="Platform">"ruby" for the plain gem (RubyGems' own name for it; a missing or empty platform is "ruby").</param>
/// <param name="MfaRequired"><c>metadata.rubygems_mfa_required</c>; null when the gemspec does not say.</param>
public sealed record RubyGemsPlatformGem(string Number, string Platform, DateTimeOffset? CreatedAt, bool Prerelease, bool? MfaRequired)
{
    /// <summary>The file name RubyGems uses in the attestations URL: <c>&lt;gem&gt;-&lt;number&gt;[-&lt;platform&gt;]</c>.</summary>
    public string FullName(string gem) => RubyGemsNames.FullName(gem, Number, Platform);

    /// <summary>The version page's last path segment: <c>&lt;number&gt;[-&lt;platform&gt;]</c>.</summary>
    public string PageSlug => RubyGemsNames.PageSlug(Number, Platform);
}

/// <summary>One version number and its platform builds, in the order the registry listed them (newest first).</summary>
public sealed record RubyGemsVersion(string Number, IReadOnlyList<RubyGemsPlatformGem> Gems)
{
    /// <summary>When the version was first pushed: the earliest of its platform builds.</summary>
    public DateTimeOffset? CreatedAt => Gems.Select(g => g.CreatedAt).Where(t => t is not null).Min();

    public bool Prerelease => Gems.Any(g => g.Prerelease);

    /// <summary>False if any platform build does not require MFA, true if all that say require it, null if none says.</summary>
    public bool? MfaRequired => Gems.Any(g => g.MfaRequired == false) ? false : Gems.Any(g => g.MfaRequired == true) ? true : null;
}

/// <summary>The versions document, grouped by number (newest first), or why it could not be read.</summary>
/// <param name="Ignored">Entries skipped because they were not objects or had no usable number/platform.</param>
public sealed record RubyGemsVersionsReading(IReadOnlyList<RubyGemsVersion> Versions, int Ignored, string? Error);

/// <summary>A value read from a small RubyGems document, or why it could not be read.</summary>
public sealed record RubyGemsReading<T>(T? Value, string? Error) where T : class;

/// <summary>
/// What <c>/api/v1/attestations/&lt;full name&gt;.json</c> said. <see cref="Attested"/> with an identity: a readable
/// Sigstore bundle; attested with an <see cref="Error"/>: bundles exist but could not be decoded; not attested: <c>[]</c>.
/// </summary>
public sealed record RubyGemsAttestationReading(bool Attested, PublisherIdentity? Identity, string? Error)
{
    public static RubyGemsAttestationReading None { get; } = new(false, null, null);

    public static RubyGemsAttestationReading Failed(string error) => new(false, null, error);
}

public enum RubyGemsPusher
{
    /// <summary>No "Pushed by" heading, or markup this version does not recognise: not a token signal.</summary>
    Unknown,

    /// <summary>A user profile link: the gem was pushed with that user's API key.</summary>
    User,

    /// <summary>A GitHub image titled with the trusted publisher: pushed by trusted publishing.</summary>
    TrustedPublisher,
}

/// <summary>The version page's "Pushed by" verdict.</summary>
/// <param name="Handle">The user's handle when <see cref="RubyGemsPusher.User"/>.</param>
/// <param name="TrustedPublisher">The image's title text when <see cref="RubyGemsPusher.TrustedPublisher"/>.</param>
/// <param name="Note">Why the verdict is unknown, for the log and the detail page.</param>
public sealed record RubyGemsPushedBy(RubyGemsPusher Pusher, string? Handle = null, string? TrustedPublisher = null, string? Note = null)
{
    public static RubyGemsPushedBy Unknown(string note) => new(RubyGemsPusher.Unknown, Note: note);
}

/// <summary>The evidence for one platform gem (one artifact).</summary>
public sealed record RubyGemsGemEvidence(
    string Number,
    string Platform,
    DateTimeOffset? CreatedAt,
    PublishMethod Method,
    bool Provenance,
    PublisherIdentity? Publisher,
    string? PushedBy,
    bool? MfaRequired,
    string? EvidenceError,
    RubyGemsPushedBy? Page);

/// <summary>
/// What was fetched for one platform gem. <see cref="Attestations"/> null: the attestations URL answered 404 (read
/// like <c>[]</c>). <see cref="Page"/> null: the version page was not read (not needed, or not to be had).
/// </summary>
public sealed record RubyGemsGemDocuments(RubyGemsAttestationReading? Attestations, RubyGemsPushedBy? Page);

/// <summary>The evidence for one version number: its platform gems and their roll-up.</summary>
public sealed record RubyGemsVersionEvidence(
    string Number,
    DateTimeOffset? CreatedAt,
    bool Prerelease,
    bool? MfaRequired,
    PublishMethod Method,
    bool Provenance,
    PublisherIdentity? Publisher,
    string? PushedBy,
    string? EvidenceError,
    IReadOnlyList<RubyGemsGemEvidence> Gems);

/// <summary>RubyGems' names for a gem build in URLs.</summary>
public static class RubyGemsNames
{
    /// <summary>The plain (pure Ruby) gem's platform.</summary>
    public const string RubyPlatform = "ruby";

    public static bool IsPlain(string platform) => string.Equals(platform, RubyPlatform, StringComparison.Ordinal);

    public static string FullName(string gem, string number, string platform) => $"{gem}-{PageSlug(number, platform)}";

    public static string PageSlug(string number, string platform) => IsPlain(platform) ? number : $"{number}-{platform}";

    /// <summary>
    /// Version numbers and platforms end up in request paths: only the characters RubyGems allows in them
    /// (letters, digits, '.', '_', '-') are accepted, so a hostile document cannot steer a request elsewhere.
    /// </summary>
    public static bool IsSafeSegment(string? text, int maxLength = 128)
    {
        if (string.IsNullOrEmpty(text) || text.Length > maxLength || text[0] is '.' or '-') return false;
        foreach (var c in text)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')) return false;
        return true;
    }
}

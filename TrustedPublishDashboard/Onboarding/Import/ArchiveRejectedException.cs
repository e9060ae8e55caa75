namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// The upload is not an archive we accept (wrong format, too big, unsafe paths, damaged). Nothing from it is used.
/// <see cref="Code"/> is a stable kebab-case code; the message is the sentence shown to the maintainer.
/// </summary>
public sealed class ArchiveRejectedException(string code, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public const string NotAnArchive = "not-an-archive";
    public const string TooLarge = "archive-too-large";
    public const string UnsafePath = "unsafe-entry-path";
    public const string TooManyEntries = "too-many-entries";
    public const string TooMuchData = "too-much-uncompressed-data";
    public const string Damaged = "damaged-archive";

    public string Code { get; } = code;
}

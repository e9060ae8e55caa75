namespace TrustedPublishDashboard.Onboarding.Import;

/// <summary>
/// Turns an entry name from an untrusted archive into a repository-relative path, or says why the entry is
/// unsafe. The rules are the "zip slip" family: any of them failing rejects the whole archive, because an
/// archive that tries one is hostile or broken and nothing else in it can be trusted either.
/// </summary>
internal static class ArchivePath
{
    /// <param name="Path">'/'-separated, without "." or empty segments and without a trailing '/'; "" is the root.</param>
    internal readonly record struct Normalized(string Path, bool IsDirectory);

    private sealed record Rule(string Reason, Func<string, ArchiveLimits, bool> Fails);

    // Evaluated in order on the raw name with '\' read as a separator: Windows tools write "..\x", and a name
    // that is harmless on Linux can still escape when someone later extracts the same archive on Windows.
    private static readonly Rule[] Rules =
    [
        new("contains a NUL character", (raw, _) => raw.Contains('\0')),
        new("is an absolute path", (raw, _) => raw.StartsWith('/')),
        new("starts with a drive letter", (raw, _) => raw.Length >= 2 && char.IsAsciiLetter(raw[0]) && raw[1] == ':'),
        new("has a '..' segment", (raw, _) => raw.Split('/').Contains("..")),
        new("is too long", (raw, limits) => raw.Length > limits.MaxPathLength),
        new("is nested too deeply", (raw, limits) => raw.Split('/', StringSplitOptions.RemoveEmptyEntries).Length > limits.MaxDepth),
    ];

    /// <returns>The normalized path, or the reason it is unsafe.</returns>
    internal static (Normalized? Path, string? Error) Normalize(string name, ArchiveLimits limits)
    {
        var raw = name.Replace('\\', '/');
        foreach (var rule in Rules)
        {
            if (rule.Fails(raw, limits)) return (null, rule.Reason);
        }
        var isDirectory = raw.EndsWith('/');
        var segments = raw.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".");
        return (new Normalized(string.Join('/', segments), isDirectory), null);
    }

    /// <summary>The entry name as it may appear in a message: control characters escaped, long names shortened.</summary>
    internal static string Display(string name)
    {
        var shown = string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return shown.Length <= 200 ? shown : shown[..200] + "…";
    }

    internal static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];

    internal static string Parent(string path) => path.LastIndexOf('/') is var slash and >= 0 ? path[..slash] : "";

    internal static bool IsUnderNodeModules(string path) => path.Split('/').Contains("node_modules");
}

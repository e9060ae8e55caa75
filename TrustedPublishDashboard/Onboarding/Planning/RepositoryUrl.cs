namespace TrustedPublishDashboard.Onboarding.Planning;

/// <summary>How package.json named its repository.</summary>
public enum RepositoryUrlForm
{
    /// <summary>A full URL (https, git+https, ssh, git://, scp-like git@host:path).</summary>
    Url,
    /// <summary>npm's shorthand (`github:o/r`, `gitlab:g/p`, `o/r`): npm rewrites it on publish, the trusted-publisher check wants the full URL.</summary>
    Shorthand,
}

/// <summary>A repository as package.json names it: host (lowercase) and path (as written, without `.git` or trailing parts).</summary>
public sealed record RepositoryRef(string Host, string Path, RepositoryUrlForm Form)
{
    /// <summary>The form npm writes itself and the fix snippets use: `git+https://host/path.git`.</summary>
    public string CanonicalUrl => $"git+https://{Host}/{Path}.git";

    /// <summary>Same host and path, letter case included (npm compares the repository case-sensitively).</summary>
    public bool SameAs(RepositoryRef other) =>
        string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase) && string.Equals(Path, other.Path, StringComparison.Ordinal);

    /// <summary>Same host and path when letter case is ignored.</summary>
    public bool SameIgnoringCase(RepositoryRef other) =>
        string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase) && string.Equals(Path, other.Path, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Reads package.json `repository.url` in the forms people write (and hosted-git-info accepts):
/// `git+https://github.com/o/r.git`, `https://github.com/o/r`, `git@github.com:o/r.git`, `ssh://git@github.com/o/r.git`,
/// `git://github.com/o/r.git`, GitLab paths with subgroups, browse URLs (`…/tree/main/x`, `…/-/tree/…`) and the shorthands.
/// </summary>
public static class RepositoryUrl
{
    private static readonly Dictionary<string, string> ShorthandHosts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["github"] = "github.com",
        ["gitlab"] = "gitlab.com",
        ["bitbucket"] = "bitbucket.org",
        ["gist"] = "gist.github.com",
    };

    /// <summary>The repository named by <paramref name="value"/>, or null when it is not a repository URL this reader understands.</summary>
    public static RepositoryRef? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        if (text.Any(char.IsWhiteSpace)) return null;

        // Shorthand "github:o/r" (no "//" after the colon, so not a URL).
        var colon = text.IndexOf(':');
        if (colon > 0 && ShorthandHosts.TryGetValue(text[..colon], out var shorthandHost) && !text[(colon + 1)..].StartsWith("//", StringComparison.Ordinal))
        {
            return Build(shorthandHost, text[(colon + 1)..], RepositoryUrlForm.Shorthand);
        }
        // Shorthand "o/r" (GitHub): exactly one slash, no scheme, no host-looking first part.
        if (colon < 0 && !text.Contains("//", StringComparison.Ordinal) && text.Count(c => c == '/') == 1 && !text.StartsWith('/') && !text.EndsWith('/'))
        {
            var owner = text[..text.IndexOf('/')];
            if (!owner.Contains('.') && !owner.Contains('@')) return Build("github.com", text, RepositoryUrlForm.Shorthand);
        }

        // scp-like "git@github.com:o/r.git" (no scheme).
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            if (colon <= 0) return null;
            var hostPart = text[..colon];
            var at = hostPart.LastIndexOf('@');
            var host = at >= 0 ? hostPart[(at + 1)..] : hostPart;
            return host.Contains('.') || host == "localhost" ? Build(host, text[(colon + 1)..], RepositoryUrlForm.Url) : null;
        }

        var schemeName = text[..scheme].ToLowerInvariant();
        if (schemeName is not ("https" or "http" or "git" or "ssh" or "git+https" or "git+http" or "git+ssh" or "git+git")) return null;
        var rest = text[(scheme + 3)..];
        var slash = rest.IndexOf('/');
        if (slash <= 0) return null;
        var authority = rest[..slash];
        var atSign = authority.LastIndexOf('@');
        if (atSign >= 0) authority = authority[(atSign + 1)..];
        var portColon = authority.LastIndexOf(':');
        var path = rest[(slash + 1)..];
        if (portColon >= 0)
        {
            var afterColon = authority[(portColon + 1)..];
            // "git+ssh://git@github.com:o/r.git" (an scp path after a scheme) is common enough to accept.
            if (afterColon.Length > 0 && !afterColon.All(char.IsAsciiDigit)) path = afterColon + "/" + path;
            authority = authority[..portColon];
        }
        return authority.Length == 0 ? null : Build(authority, path, RepositoryUrlForm.Url);
    }

    private static RepositoryRef? Build(string host, string path, RepositoryUrlForm form)
    {
        var cut = path.IndexOfAny(['#', '?']);
        if (cut >= 0) path = path[..cut];
        host = host.ToLowerInvariant();
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        // Browse URLs: GitLab puts "/-/" before tree/blob; GitHub and Bitbucket repositories are exactly owner/name.
        var dash = segments.IndexOf("-");
        if (dash >= 0) segments = segments[..dash];
        if (host is "github.com" or "bitbucket.org" && segments.Count > 2) segments = segments[..2];
        if (segments.Count == 0) return null;
        var last = segments[^1];
        if (last.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) segments[^1] = last[..^4];
        if (segments.Any(s => s.Length == 0 || s is "." or "..")) return null;
        if (form == RepositoryUrlForm.Shorthand && host != "gist.github.com" && segments.Count < 2) return null;
        if (form == RepositoryUrlForm.Url && segments.Count < 2) return null;
        return new RepositoryRef(host, string.Join('/', segments), form);
    }

    /// <summary>Splits a CircleCI VCS origin `host/owner/repo` (a scheme is tolerated) into a repository.</summary>
    public static RepositoryRef? FromVcsOrigin(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin)) return null;
        var text = origin.Trim();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0) text = text[(scheme + 3)..];
        var slash = text.IndexOf('/');
        if (slash <= 0) return null;
        return Build(text[..slash], text[(slash + 1)..], RepositoryUrlForm.Url);
    }
}

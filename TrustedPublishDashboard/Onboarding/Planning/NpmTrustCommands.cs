using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Onboarding.Planning;

/// <summary>
/// The exact npm commands for trust and publishing access (npm ≥ 11.15; see REGISTRY-FACTS "Trusted-publisher configuration").
/// Package names are always single-quoted; other values are quoted when they contain anything but safe characters.
/// </summary>
public static class NpmTrustCommands
{
    /// <summary>`npm trust &lt;provider&gt; '&lt;pkg&gt;' … --allow-publish -y`: connections created after 2026-09-03 are stage-only without --allow-publish.</summary>
    /// <exception cref="InvalidOperationException">The plan lacks a field the provider needs (see <see cref="MissingFields"/>; validate first).</exception>
    public static string Configure(string package, PublisherPlan p)
    {
        var missing = MissingFields(p);
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Cannot build the npm trust command for {package}: {string.Join(", ", missing)} missing (validate the plan first).");
        }
        var parts = new List<string> { "npm", "trust", p.Provider.Code(), ShellQuote(package) };
        switch (p.Provider)
        {
            case Provider.GitHub:
                parts.AddRange(["--file", Arg(p.WorkflowFile!), "--repo", Arg($"{p.Owner!.Trim()}/{p.Repository!.Trim()}")]);
                AddEnvironment(parts, p);
                break;
            case Provider.GitLab:
                parts.AddRange(["--file", Arg(p.CiFile!), "--project", Arg(p.ProjectPath!)]);
                AddEnvironment(parts, p);
                break;
            case Provider.CircleCI:
                parts.AddRange(["--org-id", Arg(p.OrgId!), "--project-id", Arg(p.ProjectId!)]);
                foreach (var id in PlanValidator.SplitIds(p.PipelineDefinitionIds)) parts.AddRange(["--pipeline-definition-id", Arg(id)]);
                parts.AddRange(["--vcs-origin", Arg(p.VcsOrigin!)]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(p), p.Provider, "unknown provider");
        }
        parts.AddRange(["--allow-publish", "-y"]);
        return string.Join(' ', parts);
    }

    public static string Revoke(string package, string id) => $"npm trust revoke {ShellQuote(package)} --id {Arg(id)}";

    public static string List(string package) => $"npm trust list {ShellQuote(package)} --json";

    /// <summary>"Require two-factor authentication and disallow tokens" on the website. npm offers no way to read it back.</summary>
    public static string RequireOidcOnly(string package) => $"npm access set mfa=publish {ShellQuote(package)}";

    /// <summary>The plan fields the provider needs that are empty (property names of <see cref="PublisherPlan"/>).</summary>
    public static IReadOnlyList<string> MissingFields(PublisherPlan p)
    {
        (string Field, string? Value)[] needed = p.Provider switch
        {
            Provider.GitHub => [(nameof(p.Owner), p.Owner), (nameof(p.Repository), p.Repository), (nameof(p.WorkflowFile), p.WorkflowFile)],
            Provider.GitLab => [(nameof(p.ProjectPath), p.ProjectPath), (nameof(p.CiFile), p.CiFile)],
            Provider.CircleCI => [(nameof(p.OrgId), p.OrgId), (nameof(p.ProjectId), p.ProjectId),
                (nameof(p.PipelineDefinitionIds), PlanValidator.SplitIds(p.PipelineDefinitionIds).Count == 0 ? null : p.PipelineDefinitionIds),
                (nameof(p.VcsOrigin), p.VcsOrigin)],
            _ => [],
        };
        return needed.Where(n => string.IsNullOrWhiteSpace(n.Value)).Select(n => n.Field).ToList();
    }

    private static void AddEnvironment(List<string> parts, PublisherPlan p)
    {
        if (!string.IsNullOrEmpty(p.Environment)) parts.AddRange(["--env", Arg(p.Environment)]);
    }

    /// <summary>POSIX single quoting: safe for any value (a ' becomes '\'').</summary>
    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The value as is when it only has characters no shell treats specially, otherwise single-quoted.</summary>
    public static string Arg(string value)
    {
        var v = value.Trim();
        return v.Length > 0 && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or ':' or '@' or '+' or '=' or ',') ? v : ShellQuote(v);
    }
}

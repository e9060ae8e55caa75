using System.Globalization;
using System.Text;

namespace TrustedPublishDashboard.Domain;

public sealed record DigestPublish(PackageId Package, string Version, PublishMethod Method, DateTimeOffset PublishedAt, string? PublishedBy);

public sealed record DigestFinding(PackageId Package, string Kind, string? Version);

public sealed record DigestTokenPackage(PackageId Package, string? LatestVersion, PublishMethod? LatestMethod);

public sealed record DigestInput(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<DigestPublish> Publishes,
    IReadOnlyList<DigestFinding> OpenFindings,
    IReadOnlyList<DigestTokenPackage> StillToken);

/// <summary>The daily digest's text: one message for the day's publishes, open findings and token packages. Pure.</summary>
public static class DigestBuilder
{
    public const int MaxListed = 50;

    /// <summary>npm: granular access tokens lose direct publish rights in January 2027 (REGISTRY-FACTS, "Publishing from CI").</summary>
    public static readonly DateTimeOffset GranularTokenPublishEnd = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static AlertCandidate Build(DigestInput input)
    {
        var day = input.To.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Publishes in the last 24 hours ({Utc(input.From)} – {Utc(input.To)}): {input.Publishes.Count}");
        if (input.Publishes.Count > 0)
        {
            var oidc = input.Publishes.Count(p => p.Method.IsTrusted());
            var token = input.Publishes.Count(p => p.Method is PublishMethod.Token or PublishMethod.TokenWithProvenance);
            var unknown = input.Publishes.Count - oidc - token;
            text.Append(CultureInfo.InvariantCulture, $" — {oidc} OIDC (trusted publisher), {token} token{(unknown > 0 ? $", {unknown} unknown" : "")}");
        }
        text.AppendLine();
        foreach (var p in input.Publishes.OrderBy(p => p.Package.ToString(), StringComparer.Ordinal).ThenBy(p => p.PublishedAt).Take(MaxListed))
        {
            var mark = p.Method.IsTrusted() ? "OIDC " : p.Method is PublishMethod.Unknown ? "?    " : "TOKEN";
            var by = p.Method.IsTrusted() || p.PublishedBy is null ? "" : $" by {p.PublishedBy}";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {mark} {p.Package}@{p.Version} — {p.Method.Code()}{by}, {Utc(p.PublishedAt)}");
        }
        More(text, input.Publishes.Count);

        var findings = input.OpenFindings.Where(f => f.Kind != FindingKinds.NoEvidence).ToList();
        var noEvidence = input.OpenFindings.Count - findings.Count;
        text.AppendLine();
        var byKind = findings.Count > 0
            ? " (" + string.Join(", ", findings.GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}")) + ")"
            : "";
        text.AppendLine(CultureInfo.InvariantCulture, $"Open findings: {findings.Count}{byKind}");
        foreach (var f in findings.OrderBy(f => f.Kind, StringComparer.Ordinal).ThenBy(f => f.Package.ToString(), StringComparer.Ordinal).Take(MaxListed))
            text.AppendLine(CultureInfo.InvariantCulture, $"  {f.Kind}: {f.Package}{(f.Version is { Length: > 0 } v ? "@" + v : "")}");
        More(text, findings.Count);
        if (noEvidence > 0)
            text.AppendLine(CultureInfo.InvariantCulture, $"  ({noEvidence} package(s) have no publisher metadata from their registry and cannot be judged.)");

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Packages whose latest version was published with a token: {input.StillToken.Count}");
        foreach (var t in input.StillToken.OrderBy(t => t.Package.ToString(), StringComparer.Ordinal).Take(MaxListed))
            text.AppendLine(CultureInfo.InvariantCulture, $"  {t.Package}{(t.LatestVersion is null ? "" : "@" + t.LatestVersion)} ({t.LatestMethod?.Code() ?? "token"})");
        More(text, input.StillToken.Count);

        text.AppendLine();
        text.AppendLine(input.To < GranularTokenPublishEnd
            ? $"Deadline: npm granular access tokens lose direct publish rights in January 2027 ({(GranularTokenPublishEnd - input.To).Days} days left). " +
              $"{input.StillToken.Count} package(s) above still publish with tokens: move them to trusted publishing (Onboarding) before then."
            : $"Since January 2027 npm granular access tokens can no longer publish directly: the {input.StillToken.Count} package(s) above need trusted publishing (Onboarding) to publish again.");

        var tokenPublishes = input.Publishes.Count(p => p.Method is PublishMethod.Token or PublishMethod.TokenWithProvenance);
        return new AlertCandidate(AlertKinds.Digest, AlertSeverity.Info, day,
            $"Daily digest {day}: {input.Publishes.Count} publish(es), {tokenPublishes} with a token, {findings.Count} open finding(s)", text.ToString().TrimEnd());
    }

    private static void More(StringBuilder text, int count)
    {
        if (count > MaxListed) text.AppendLine(CultureInfo.InvariantCulture, $"  … and {count - MaxListed} more (see the dashboard)");
    }

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

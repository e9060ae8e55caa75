namespace TrustedPublishDashboard.Domain;

/// <summary>How urgent an alert is, in ascending order (a channel's threshold compares with these).</summary>
public enum AlertSeverity
{
    Info = 0,
    Warning = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

public static class AlertSeverities
{
    public static IReadOnlyList<AlertSeverity> All { get; } = [AlertSeverity.Critical, AlertSeverity.High, AlertSeverity.Medium, AlertSeverity.Warning, AlertSeverity.Info];

    public static string Code(this AlertSeverity severity) => severity switch
    {
        AlertSeverity.Info => "info",
        AlertSeverity.Warning => "warning",
        AlertSeverity.Medium => "medium",
        AlertSeverity.High => "high",
        AlertSeverity.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(severity)),
    };

    public static bool TryParse(string? code, out AlertSeverity severity)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Code(), code?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                severity = candidate;
                return true;
            }
        }
        severity = default;
        return false;
    }

    public static AlertSeverity Parse(string code) => TryParse(code, out var s) ? s : throw new FormatException($"'{code}' is not an alert severity");
}

/// <summary>
/// One alert as channels receive it. <see cref="IdempotencyKey"/> is the same on every attempt to the same channel,
/// so a receiver can drop a repeat after a crash between sending and recording.
/// </summary>
public sealed record AlertMessage(
    string IdempotencyKey,
    string Kind,
    AlertSeverity Severity,
    string Registry,
    string? Package,
    string? Version,
    string Title,
    string Text,
    string? DetailUrl,
    DateTimeOffset CreatedAt,
    bool IsDigest = false);

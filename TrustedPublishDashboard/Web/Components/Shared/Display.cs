using System.Globalization;

namespace TrustedPublishDashboard.Web.Components.Shared;

/// <summary>How times and durations read on every page: UTC, unambiguous, with a relative hint.</summary>
public static class Display
{
    public static string Utc(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "—";

    /// <summary>A stored (text) timestamp, shown as <see cref="Utc(DateTimeOffset?)"/>.</summary>
    public static string Time(string? stored) => Utc(Data.DbTime.ParseOrNull(stored));

    public static string Relative(DateTimeOffset? value, DateTimeOffset now)
    {
        if (value is not { } v) return "";
        var delta = v - now;
        var future = delta > TimeSpan.Zero;
        var span = delta.Duration();
        var text = span.TotalSeconds < 60 ? $"{(int)span.TotalSeconds} s"
            : span.TotalMinutes < 60 ? $"{(int)span.TotalMinutes} min"
            : span.TotalHours < 48 ? $"{(int)span.TotalHours} h"
            : $"{(int)span.TotalDays} d";
        return future ? $"in {text}" : $"{text} ago";
    }

    public static string Duration(long? milliseconds) => milliseconds switch
    {
        null => "—",
        < 1000 => $"{milliseconds} ms",
        < 120_000 => $"{milliseconds / 1000.0:0.0} s",
        _ => $"{milliseconds / 60_000.0:0.0} min",
    };
}

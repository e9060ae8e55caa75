using System.Globalization;

namespace TrustedPublishDashboard.Monitoring;

/// <summary>
/// How a schedule reads on the Jobs page: "every minute", "every 15 minutes", "daily at 03:17 UTC". Shapes it does
/// not know are shown as the expression itself, so nothing is ever described wrongly.
/// </summary>
public static class CronText
{
    /// <summary>A Quartz cron expression (seconds first, UTC) in words.</summary>
    public static string Describe(string cron)
    {
        var f = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length is < 6 or > 7 || f.Length == 7 && f[6] != "*") return cron + " (UTC)";
        var (sec, min, hour, dom, mon, dow) = (f[0], f[1], f[2], f[3], f[4], f[5]);
        var everyDay = dom is "*" or "?" && mon == "*" && dow is "*" or "?";
        if (!everyDay || Number(sec) is null) return cron + " (UTC)";
        if (Number(min) is { } m && Number(hour) is { } h) return $"daily at {h:D2}:{m:D2} UTC";
        if (hour == "*" && Step(min) is { } minutes) return Every(minutes, "minute");
        if (hour == "*" && Number(min) is { } at) return at == 0 ? "every hour" : $"hourly at :{at:D2}";
        if (Number(min) is 0 && Step(hour) is { } hours) return Every(hours, "hour");
        return cron + " (UTC)";
    }

    /// <summary>A fixed interval in the largest whole unit: "every hour", "every 90 minutes", "every 2 days".</summary>
    public static string DescribeInterval(TimeSpan interval) => interval switch
    {
        _ when Whole(interval.TotalDays) is { } days => Every(days, "day"),
        _ when Whole(interval.TotalHours) is { } hours => Every(hours, "hour"),
        _ when Whole(interval.TotalMinutes) is { } minutes => Every(minutes, "minute"),
        _ => Every((long)Math.Round(interval.TotalSeconds), "second"),
    };

    /// <summary>"every minute", "every 15 minutes": the one place that counts in English.</summary>
    public static string Every(long count, string unit) => count == 1 ? $"every {unit}" : $"every {count.ToString(CultureInfo.InvariantCulture)} {unit}s";

    private static long? Whole(double value) => value >= 1 && value % 1 == 0 ? (long)value : null;

    private static int? Number(string field) =>
        int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>"*" (every unit), "0/15" or "*/15" (every 15 units from the start); anything else is not a plain step.</summary>
    private static int? Step(string field)
    {
        if (field == "*") return 1;
        var slash = field.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || field[..slash] is not ("0" or "*")) return null;
        return Number(field[(slash + 1)..]) is { } step and > 0 ? step : null;
    }
}

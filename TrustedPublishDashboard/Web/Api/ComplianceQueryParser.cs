using System.Globalization;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Web.Api;

/// <summary>
/// Reads a grid query from URL parameters (q, registry, group, status, filter, sample, sort, desc, groupBy, page, pageSize): the same
/// names in the grid's URL, the JSON API and the exports, so a filtered view can be shared and exported as is.
/// </summary>
public static class ComplianceQueryParser
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public static (ComplianceQuery? Query, Dictionary<string, string[]> Errors) Parse(IReadOnlyDictionary<string, string?> p, bool paged)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string key, string message) => errors[key] = [message];

        Registry? registry = null;
        if (Value(p, "registry") is { } r)
        {
            if (RegistryCatalog.TryParse(r, out var parsed)) registry = parsed;
            else Error("registry", $"unknown registry '{r}' (npm, pypi or rubygems)");
        }
        long? group = null;
        if (Value(p, "group") is { } g)
        {
            if (long.TryParse(g, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) group = id;
            else Error("group", "group must be a group id");
        }
        var status = Value(p, "status");
        if (status is not null && !ComplianceCodes.Statuses.Contains(status))
            Error("status", $"status must be one of {string.Join(", ", ComplianceCodes.Statuses)}");
        QuickFilter? filter = null;
        if (Value(p, "filter") is { } f)
        {
            if (ComplianceCodes.Filters.TryGetValue(f, out var qf)) filter = qf;
            else Error("filter", $"filter must be one of {string.Join(", ", ComplianceCodes.Filters.Keys)}");
        }
        bool? sample = null;
        if (Value(p, "sample") is { } s)
        {
            if (bool.TryParse(s, out var b)) sample = b;
            else Error("sample", "sample must be true or false");
        }
        var sort = ComplianceSort.Name;
        if (Value(p, "sort") is { } so && !ComplianceCodes.Sorts.TryGetValue(so, out sort))
            Error("sort", $"sort must be one of {string.Join(", ", ComplianceCodes.Sorts.Keys)}");
        var desc = false;
        if (Value(p, "desc") is { } d && !bool.TryParse(d, out desc)) Error("desc", "desc must be true or false");
        var page = 1;
        var pageSize = DefaultPageSize;
        if (paged)
        {
            if (Value(p, "page") is { } pg && (!int.TryParse(pg, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1))
                Error("page", "page must be a whole number from 1");
            if (Value(p, "pageSize") is { } ps && (!int.TryParse(ps, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
                Error("pageSize", $"pageSize must be a whole number from 1 to {MaxPageSize}");
            // The offset is (page - 1) × pageSize and must fit; a larger page would wrap around to a negative offset.
            if (!errors.ContainsKey("page") && !errors.ContainsKey("pageSize") && (long)page * pageSize > int.MaxValue)
                Error("page", $"page × pageSize must not exceed {int.MaxValue:D}");
        }
        GroupKey? groupBy = null;
        if (Value(p, "groupBy") is { } gb)
        {
            if (ComplianceCodes.Groupings.TryGetValue(gb, out var key)) groupBy = key;
            else Error("groupBy", $"groupBy must be one of {string.Join(", ", ComplianceCodes.Groupings.Keys)}");
        }
        var search = Value(p, "q");
        if (search is { Length: > 214 }) Error("q", "q is at most 214 characters");
        if (errors.Count > 0) return (null, errors);
        return (new ComplianceQuery(search, registry, group, status, filter, sample, sort, desc,
            paged ? (page - 1) * pageSize : 0, paged ? pageSize : int.MaxValue, groupBy), errors);
    }

    public static IReadOnlyDictionary<string, string?> FromRequest(HttpRequest request) =>
        request.Query.ToDictionary(kv => kv.Key, kv => (string?)kv.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    private static string? Value(IReadOnlyDictionary<string, string?> p, string key) =>
        p.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
}

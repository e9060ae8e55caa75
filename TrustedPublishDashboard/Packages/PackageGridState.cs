using System.Globalization;
using System.Text;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Packages;

/// <summary>The outcome of reading a grid state from URL parameters: the state, or the problem with each bad parameter.</summary>
public sealed record GridStateParse(PackageGridState? State, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => State is not null;

    /// <summary>One sentence naming every bad parameter, for a page.</summary>
    public string Problem => string.Join("; ", Errors.OrderBy(e => e.Key, StringComparer.Ordinal).SelectMany(e => e.Value));
}

/// <summary>
/// Everything the compliance grid shows: filters, sort, grouping and page. It is read from and written to the URL's
/// query string (q, registry, group, status, filter, accepted, sample, sort, desc, groupBy, page, pageSize) by the grid page,
/// the JSON API and the exports alike, and becomes the SQL query through <see cref="ToQuery"/>, so a shared address,
/// an API call and an export of the same parameters select the same rows. Parsing and writing are exact inverses
/// for valid states (<see cref="Parse(IReadOnlyDictionary{string, string?}, bool)"/> of <see cref="ToParameters"/>).
/// </summary>
public sealed record PackageGridState
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    /// <summary>npm's longest package name; a longer search cannot match anything.</summary>
    public const int MaxSearchLength = 214;

    /// <summary>The page sizes the grid offers (any size from 1 to <see cref="MaxPageSize"/> is valid in the URL).</summary>
    public static IReadOnlyList<int> PageSizes { get; } = [10, 25, 50, 100, 200, 500];

    public static PackageGridState Default { get; } = new();

    /// <summary>The query parameter names, shared by the page, the API and the exports.</summary>
    public static class Keys
    {
        public const string Search = "q";
        public const string Registry = "registry";
        public const string Group = "group";
        public const string Status = "status";
        public const string Filter = "filter";
        public const string Accepted = "accepted";
        public const string Sample = "sample";
        public const string Sort = "sort";
        public const string Descending = "desc";
        public const string GroupBy = "groupBy";
        public const string Page = "page";
        public const string PageSize = "pageSize";
    }

    /// <summary>Substring of the package name (trimmed; null when empty).</summary>
    public string? Search { get; init; }
    public Registry? Registry { get; init; }
    public long? GroupId { get; init; }
    /// <summary>One of <see cref="ComplianceCodes.Statuses"/>; "pending" means not polled yet.</summary>
    public string? Status { get; init; }
    public QuickFilter? Filter { get; init; }
    /// <summary>"Any finding" counts accepted findings too (accepted=include); by default only open ones.</summary>
    public bool IncludeAccepted { get; init; }
    /// <summary>Only sample packages (true), only real ones (false) or both (null).</summary>
    public bool? Sample { get; init; }
    public ComplianceSort Sort { get; init; } = ComplianceSort.Name;
    public bool Descending { get; init; }
    public GroupKey? GroupBy { get; init; }
    /// <summary>1-based.</summary>
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = DefaultPageSize;

    /// <summary>Rows skipped before this page; <see cref="Parse(IReadOnlyDictionary{string, string?}, bool)"/> guarantees it fits an int.</summary>
    public int Offset => (Page - 1) * PageSize;

    /// <summary>The paged SQL query of this state.</summary>
    public ComplianceQuery ToQuery() => new(Search, Registry, GroupId, Status, Filter, Sample, Sort, Descending, Offset, PageSize, GroupBy)
    {
        IncludeAccepted = IncludeAccepted,
    };

    /// <summary>Every row of this state's filter in its order, for exports and "select all matching".</summary>
    public ComplianceQuery ToUnpagedQuery() => ToQuery() with { Offset = 0, Take = int.MaxValue };

    /// <summary>Whether the two states select the same rows (page, page size, sort and grouping aside): a selection survives only that.</summary>
    public bool SameRowsAs(PackageGridState other) =>
        Search == other.Search && Registry == other.Registry && GroupId == other.GroupId && Status == other.Status && Filter == other.Filter && Sample == other.Sample
        && IncludeAccepted == other.IncludeAccepted;

    /// <summary>The same view from its first page (after any filter change).</summary>
    public PackageGridState FirstPage() => this with { Page = 1 };

    /// <summary>A new search text from the first page; blank clears the search.</summary>
    public PackageGridState WithSearch(string? text) =>
        this with { Search = string.IsNullOrWhiteSpace(text) ? null : text.Trim(), Page = 1 };

    /// <summary>Sorted by a column: a second click on the current column reverses it.</summary>
    public PackageGridState SortedBy(ComplianceSort sort) =>
        this with { Sort = sort, Descending = sort == Sort && !Descending, Page = 1 };

    /// <summary>A new page size, keeping the first row of the current page in view.</summary>
    public PackageGridState WithPageSize(int pageSize) =>
        this with { PageSize = pageSize, Page = Offset / pageSize + 1 };

    /// <summary>Only the rows of one group of a grouped grid, ungrouped; null when the grouping has no filter (latest method).</summary>
    public PackageGridState? OnlyGroup(ComplianceGroup group)
    {
        if (group.Value is not { } value) return null;
        return GroupBy switch
        {
            GroupKey.Status => this with { Status = value, GroupBy = null, Page = 1 },
            GroupKey.Registry when RegistryCatalog.TryParse(value, out var registry) => this with { Registry = registry, GroupBy = null, Page = 1 },
            GroupKey.Group when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) => this with { GroupId = id, GroupBy = null, Page = 1 },
            _ => null,
        };
    }

    /// <summary>The non-default parameters, in a fixed order: what the address shows.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToParameters(bool paged = true)
    {
        var p = new List<KeyValuePair<string, string>>();
        void Add(string key, string? value)
        {
            if (value is not null) p.Add(new(key, value));
        }
        Add(Keys.Search, Search);
        Add(Keys.Registry, Registry?.Code());
        Add(Keys.Group, GroupId?.ToString(CultureInfo.InvariantCulture));
        Add(Keys.Status, Status);
        Add(Keys.Filter, Filter?.Code());
        Add(Keys.Accepted, IncludeAccepted ? "include" : null);
        Add(Keys.Sample, Sample is { } s ? (s ? "true" : "false") : null);
        Add(Keys.Sort, Sort == ComplianceSort.Name ? null : Sort.Code());
        Add(Keys.Descending, Descending ? "true" : null);
        Add(Keys.GroupBy, GroupBy is { } g ? ComplianceCodes.Groupings.First(kv => kv.Value == g).Key : null);
        if (paged)
        {
            Add(Keys.Page, Page == 1 ? null : Page.ToString(CultureInfo.InvariantCulture));
            Add(Keys.PageSize, PageSize == DefaultPageSize ? null : PageSize.ToString(CultureInfo.InvariantCulture));
        }
        return p;
    }

    /// <summary>"?q=x&amp;sort=status" (or "" for the default view): appended to the grid's path or the API's.</summary>
    public string ToQueryString(bool paged = true)
    {
        var parameters = ToParameters(paged);
        if (parameters.Count == 0) return "";
        var text = new StringBuilder();
        foreach (var (key, value) in parameters)
            text.Append(text.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
        return text.ToString();
    }

    /// <summary>Reads the parameters of a URL's query string ("?a=b&amp;c=d", with or without the "?").</summary>
    public static GridStateParse Parse(string queryString, bool paged = true) =>
        Parse(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryString)
            .ToDictionary(kv => kv.Key, kv => (string?)kv.Value.ToString(), StringComparer.OrdinalIgnoreCase), paged);

    /// <summary>
    /// Reads a state from URL parameters; unknown parameters are ignored, a bad value is an error naming the parameter.
    /// Without <paramref name="paged"/> (exports) page and pageSize are not read.
    /// </summary>
    public static GridStateParse Parse(IReadOnlyDictionary<string, string?> p, bool paged = true)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Error(string key, string message) => errors[key] = [message];

        Registry? registry = null;
        if (Value(p, Keys.Registry) is { } r)
        {
            if (RegistryCatalog.TryParse(r, out var parsed)) registry = parsed;
            else Error(Keys.Registry, $"unknown registry '{r}' (npm, pypi or rubygems)");
        }
        long? group = null;
        if (Value(p, Keys.Group) is { } g)
        {
            if (long.TryParse(g, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) group = id;
            else Error(Keys.Group, "group must be a group id");
        }
        var status = Value(p, Keys.Status);
        if (status is not null && !ComplianceCodes.Statuses.Contains(status))
            Error(Keys.Status, $"status must be one of {string.Join(", ", ComplianceCodes.Statuses)}");
        QuickFilter? filter = null;
        if (Value(p, Keys.Filter) is { } f)
        {
            if (ComplianceCodes.Filters.TryGetValue(f, out var qf)) filter = qf;
            else Error(Keys.Filter, $"filter must be one of {string.Join(", ", ComplianceCodes.Filters.Keys)}");
        }
        var includeAccepted = false;
        if (Value(p, Keys.Accepted) is { } acc)
        {
            if (acc is "include" or "exclude") includeAccepted = acc == "include";
            else Error(Keys.Accepted, "accepted must be include or exclude");
        }
        bool? sample = null;
        if (Value(p, Keys.Sample) is { } s)
        {
            if (bool.TryParse(s, out var b)) sample = b;
            else Error(Keys.Sample, "sample must be true or false");
        }
        var sort = ComplianceSort.Name;
        if (Value(p, Keys.Sort) is { } so && !ComplianceCodes.Sorts.TryGetValue(so, out sort))
            Error(Keys.Sort, $"sort must be one of {string.Join(", ", ComplianceCodes.Sorts.Keys)}");
        var desc = false;
        if (Value(p, Keys.Descending) is { } d && !bool.TryParse(d, out desc)) Error(Keys.Descending, "desc must be true or false");
        var page = 1;
        var pageSize = DefaultPageSize;
        if (paged)
        {
            if (Value(p, Keys.Page) is { } pg && (!int.TryParse(pg, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1))
                Error(Keys.Page, "page must be a whole number from 1");
            if (Value(p, Keys.PageSize) is { } ps && (!int.TryParse(ps, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxPageSize))
                Error(Keys.PageSize, $"pageSize must be a whole number from 1 to {MaxPageSize}");
            // The offset is (page - 1) × pageSize and must fit; a larger page would wrap around to a negative offset.
            if (!errors.ContainsKey(Keys.Page) && !errors.ContainsKey(Keys.PageSize) && (long)page * pageSize > int.MaxValue)
                Error(Keys.Page, $"page × pageSize must not exceed {int.MaxValue:D}");
        }
        GroupKey? groupBy = null;
        if (Value(p, Keys.GroupBy) is { } gb)
        {
            if (ComplianceCodes.Groupings.TryGetValue(gb, out var key)) groupBy = key;
            else Error(Keys.GroupBy, $"groupBy must be one of {string.Join(", ", ComplianceCodes.Groupings.Keys)}");
        }
        var search = Value(p, Keys.Search);
        if (search is { Length: > MaxSearchLength }) Error(Keys.Search, $"q is at most {MaxSearchLength} characters");
        if (errors.Count > 0) return new GridStateParse(null, errors);
        return new GridStateParse(new PackageGridState
        {
            Search = search,
            Registry = registry,
            GroupId = group,
            Status = status,
            Filter = filter,
            IncludeAccepted = includeAccepted,
            Sample = sample,
            Sort = sort,
            Descending = desc,
            GroupBy = groupBy,
            Page = page,
            PageSize = pageSize,
        }, errors);
    }

    private static string? Value(IReadOnlyDictionary<string, string?> p, string key) =>
        p.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
}

using System.Net;
using System.Text.Json;

namespace TrustedPublishDashboard.Registries.Npm;

/// <summary>One page of a registry search.</summary>
public sealed record SearchPage(IReadOnlyList<SearchHit> Hits, int Total, int From);

public sealed record SearchHit(string Name, string? Version, string? Description);

/// <summary>The result of a search: a page, or why there is none (the registry offers no search; a failure).</summary>
public abstract record SearchResult
{
    private SearchResult() { }

    public sealed record Page(SearchPage Value) : SearchResult;

    /// <summary>The registry answered 404/405/501 on its search endpoint: it does not offer search (mirrors often do not).</summary>
    public sealed record Unsupported(string Message) : SearchResult;

    public sealed record Failed(string Message) : SearchResult;
}

public enum SearchKind { Scope, Maintainer }

/// <summary>
/// The npm registry's search endpoint (`/-/v1/search?text=…&amp;size=…&amp;from=…`), used by onboarding to import an
/// organisation's packages by scope or maintainer. HTTP only; the response is read by <see cref="NpmSearchParser"/>.
/// </summary>
public sealed class NpmSearchClient(RegistryHttp http, NpmRegistryLocator locator)
{
    /// <summary>npm serves at most 250 results per page.</summary>
    public const int MaxPageSize = 250;

    private const int MaxResponseBytes = 8 * 1024 * 1024;

    public static string Query(SearchKind kind, string term) => kind switch
    {
        SearchKind.Scope => "scope:" + term.Trim().TrimStart('@'),
        SearchKind.Maintainer => "maintainer:" + term.Trim(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public async Task<SearchResult> SearchAsync(SearchKind kind, string term, int from, int size, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(term) || term.Trim().Length > 214 || term.AsSpan().IndexOfAny(" \t\r\n/&?#") >= 0)
            return new SearchResult.Failed(kind == SearchKind.Scope ? "Enter a scope such as @my-org." : "Enter one npm user name.");
        Uri baseUrl;
        try
        {
            baseUrl = await locator.GetBaseUrlAsync(ct);
        }
        catch (RegistryConfigurationException ex)
        {
            return new SearchResult.Failed(ex.Message);
        }
        size = Math.Clamp(size, 1, MaxPageSize);
        var url = new Uri(baseUrl, $"-/v1/search?text={Uri.EscapeDataString(Query(kind, term))}&size={size}&from={Math.Max(0, from)}");
        try
        {
            using var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), new FetchStats(), ct);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented)
                return new SearchResult.Unsupported(
                    $"The registry at {baseUrl} does not offer search (it answered {(int)response.StatusCode} on /-/v1/search). " +
                    "Import the packages from a repository archive or paste their names instead.");
            if (!response.IsSuccessStatusCode)
                return new SearchResult.Failed($"The registry's search answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            if (response.Content.Headers.ContentLength > MaxResponseBytes)
                return new SearchResult.Failed("The registry's search answer is too large.");
            await using var body = await http.OpenBodyAsync(response, "The registry's search answer", ct);
            var bytes = await body.ReadToEndAsync(MaxResponseBytes, ct);
            if (bytes is null) return new SearchResult.Failed("The registry's search answer is too large.");
            return NpmSearchParser.Parse(bytes, from);
        }
        catch (BodyLimitException ex)
        {
            return new SearchResult.Failed(ex.Message + ".");
        }
        catch (RegistryRedirectException ex)
        {
            return new SearchResult.Failed($"The registry's search could not be read: {ex.Message}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or Polly.Timeout.TimeoutRejectedException)
        {
            return new SearchResult.Failed($"Could not reach {baseUrl}: {ex.Message}");
        }
    }
}

/// <summary>Reads the search response: `{ "objects": [ { "package": { "name", "version", "description" } } ], "total": n }`.</summary>
public static class NpmSearchParser
{
    public static SearchResult Parse(ReadOnlySpan<byte> body, int from)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 32 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("objects", out var objects) || objects.ValueKind != JsonValueKind.Array)
                return new SearchResult.Failed("The registry's search answer has no \"objects\" list.");
            var hits = new List<SearchHit>();
            foreach (var item in objects.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("package", out var package) || package.ValueKind != JsonValueKind.Object) continue;
                if (Str(package, "name") is not { } name) continue;
                hits.Add(new SearchHit(name, Str(package, "version"), Str(package, "description")));
            }
            var total = root.TryGetProperty("total", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out var n) ? n : from + hits.Count;
            return new SearchResult.Page(new SearchPage(hits, total, from));
        }
        catch (JsonException ex)
        {
            return new SearchResult.Failed($"The registry's search answer is not valid JSON: {ex.Message}");
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

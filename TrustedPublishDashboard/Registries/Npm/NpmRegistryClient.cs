using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Registries.Npm;

/// <summary>Limits for npm requests (section Registries:Npm).</summary>
public sealed record NpmOptions
{
    /// <summary>Largest packument read; a larger one is an error for that package.</summary>
    public long MaxPackumentBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Attestation documents fetched per package per poll, newest versions first; the rest follow in later polls.</summary>
    public int MaxAttestationsPerPoll { get; init; } = 50;

    public int MaxAttestationBytes { get; init; } = 4 * 1024 * 1024;

    public static NpmOptions From(IConfiguration configuration)
    {
        var options = new NpmOptions();
        configuration.GetSection("Registries:Npm").Bind(options);
        return options;
    }
}

/// <summary>
/// HTTP for npm: the full packument (conditional when validators are known) and, for versions not seen before,
/// their attestations. Parsing and mapping are delegated to the pure parser and mapper.
/// </summary>
public sealed class NpmRegistryClient(RegistryHttp http, NpmRegistryLocator locator, NpmOptions options) : IRegistryClient
{
    public Registry Registry => Registry.Npm;

    /// <summary>Scoped names are requested as @scope%2fname.</summary>
    public static string EscapeName(string name) => name.Replace("/", "%2f", StringComparison.Ordinal);

    public async Task<RegistryFetch> FetchAsync(PackageId package, FetchContext context, CancellationToken ct)
    {
        Uri baseUrl;
        try
        {
            baseUrl = await locator.GetBaseUrlAsync(ct);
        }
        catch (RegistryConfigurationException ex)
        {
            return new RegistryFetch.Failed(FetchFailure.Configuration, ex.Message);
        }
        var url = new Uri(baseUrl, EscapeName(package.Name));

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (context.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag)) request.Headers.IfNoneMatch.Add(tag);
                if (context.LastModified is { } lm && DateTimeOffset.TryParse(lm, out var since)) request.Headers.IfModifiedSince = since;
                return request;
            }, context.Stats, ct);
        }
        catch (RegistryRedirectException ex)
        {
            return new RegistryFetch.Failed(FetchFailure.Http, ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException)
        {
            return new RegistryFetch.Failed(FetchFailure.Network, $"could not reach {baseUrl}: {ex.Message}");
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                context.Stats.AddNotModified();
                return new RegistryFetch.NotModified();
            }
            if (response.StatusCode == HttpStatusCode.NotFound)
                return new RegistryFetch.Failed(FetchFailure.NotFound, $"{package} was not found on {baseUrl} (404)");
            if (!response.IsSuccessStatusCode)
            {
                var retried = RegistryHttp.IsTransient(response.StatusCode) ? $" after {http.Options.MaxRetries} retries" : "";
                return new RegistryFetch.Failed(FetchFailure.Http, $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}{retried}");
            }

            NpmPackument packument;
            GuardedBodyStream? body = null;
            try
            {
                body = await http.OpenBodyAsync(response, $"the packument for {package}", ct);
                packument = await NpmPackumentParser.ParseAsync(body, options.MaxPackumentBytes, ct);
            }
            catch (JsonException ex)
            {
                return new RegistryFetch.Failed(FetchFailure.Parse, $"the packument for {package} is not valid JSON ({ex.Message}); stored evidence was kept");
            }
            catch (DocumentTooLargeException ex)
            {
                return new RegistryFetch.Failed(FetchFailure.TooLarge, $"the packument for {package} is too large: {ex.Message} (Registries:Npm:MaxPackumentBytes)");
            }
            catch (BodyLimitException ex)
            {
                return new RegistryFetch.Failed(FetchFailure.Network, ex.Message);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                return new RegistryFetch.Failed(FetchFailure.Network, $"the packument for {package} could not be read completely: {ex.Message}");
            }
            finally
            {
                if (body is not null)
                {
                    context.Stats.AddBytes(body.BytesRead);
                    await body.DisposeAsync();
                }
            }

            var (fetched, pending, problems) = await FetchAttestationsAsync(package, packument, baseUrl, context, ct);
            var readings = new Dictionary<string, AttestationReading>(context.KnownAttestations);
            foreach (var a in fetched) readings[a.Version] = a.Reading;
            var history = NpmEvidenceMapper.ToHistory(package, packument, readings);
            return new RegistryFetch.Fetched(history, packument.Maintainers,
                response.Headers.ETag?.ToString(), response.Content.Headers.LastModified?.ToString("R"), fetched, pending)
            {
                AttestationProblems = problems,
                Repository = packument.Repository,
            };
        }
    }

    private async Task<(List<FetchedAttestation> Fetched, HashSet<string> Pending, List<string> Problems)> FetchAttestationsAsync(
        PackageId package, NpmPackument packument, Uri baseUrl, FetchContext context, CancellationToken ct)
    {
        var missing = packument.Versions.Values
            .Where(v => v.HasAttestations && !context.KnownAttestations.ContainsKey(v.Version))
            .OrderByDescending(v => packument.Time.TryGetValue(v.Version, out var t) ? NpmEvidenceMapper.ParseTime(t) : null)
            .ToList();
        var batch = missing.Take(options.MaxAttestationsPerPoll).ToList();
        var results = new AttestationOutcome[batch.Count];
        // A body that broke its limits means the registry is slow for this package right now: the documents not yet
        // fetched are left for the next poll instead of each waiting out the same limits (50 of them, 4 at a time).
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // A few at once per package; RegistryHttp bounds the total in flight.
        await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (i, _) =>
            {
                results[i] = await FetchAttestationAsync(package, batch[i], baseUrl, context.Stats, giveUp.Token, ct);
                if (results[i].Slow) await giveUp.CancelAsync();
            });
        var fetched = results.Select(r => r.Fetched).OfType<FetchedAttestation>().ToList();
        var pending = new HashSet<string>(missing.Skip(options.MaxAttestationsPerPoll).Select(v => v.Version), StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i].Fetched is null) pending.Add(batch[i].Version);
        }
        var problems = results.Select(r => r.Problem).OfType<string>().ToList();
        var leftOver = giveUp.IsCancellationRequested ? results.Count(r => r is { Fetched: null, Problem: null }) : 0;
        if (leftOver > 0) problems.Add($"{leftOver} more attestation document(s) of {package.Name} were not fetched after that; they are fetched next time");
        return (fetched, pending, problems);
    }

    /// <summary>A fetched document, or (when <see cref="Fetched"/> is null) a document left pending and, if known, why.</summary>
    private sealed record AttestationOutcome(FetchedAttestation? Fetched, string? Problem = null, bool Slow = false);

    /// <summary>
    /// One attestation document. When it cannot be fetched now it stays pending (fetched again at the next poll) with the
    /// reason; <paramref name="giveUp"/> ends it early, quietly, once another document of the package was too slow.
    /// </summary>
    private async Task<AttestationOutcome> FetchAttestationAsync(PackageId package, NpmVersionMeta meta, Uri baseUrl, FetchStats stats,
        CancellationToken giveUp, CancellationToken ct)
    {
        if (giveUp.IsCancellationRequested) return new AttestationOutcome(null);
        var url = AttestationUrl(package, meta, baseUrl);
        var what = $"the attestations document for {package.Name}@{meta.Version}";
        try
        {
            using var response = await http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), stats, giveUp);
            if (response.StatusCode == HttpStatusCode.NotFound) return new AttestationOutcome(new FetchedAttestation(meta.Version, 404, null, AttestationReading.None));
            if (!response.IsSuccessStatusCode)
                return new AttestationOutcome(null, $"{what} could not be fetched: {url} answered {(int)response.StatusCode} {response.ReasonPhrase}; it is fetched again next time");
            await using var body = await http.OpenBodyAsync(response, what, giveUp);
            try
            {
                var bytes = await body.ReadToEndAsync(options.MaxAttestationBytes, giveUp);
                if (bytes is null)
                    return new AttestationOutcome(new FetchedAttestation(meta.Version, (int)response.StatusCode, null,
                        new AttestationReading(null, $"the attestations document is larger than {options.MaxAttestationBytes:N0} bytes")));
                return new AttestationOutcome(new FetchedAttestation(meta.Version, (int)response.StatusCode, Encoding.UTF8.GetString(bytes), NpmAttestationParser.Parse(bytes)));
            }
            finally
            {
                stats.AddBytes(body.BytesRead);
            }
        }
        catch (BodyLimitException ex)
        {
            return new AttestationOutcome(null, $"{ex.Message}; it is fetched again next time", Slow: true);
        }
        catch (RegistryRedirectException ex)
        {
            return new AttestationOutcome(null, $"{what} could not be fetched: {ex.Message}; it is fetched again next time");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or Polly.Timeout.TimeoutRejectedException)
        {
            return new AttestationOutcome(null, $"{what} could not be fetched: {ex.Message}; it is fetched again next time");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AttestationOutcome(null);
        }
    }

    /// <summary>The document's own URL when it is on the configured registry; otherwise the same path on the configured registry.</summary>
    public static Uri AttestationUrl(PackageId package, NpmVersionMeta meta, Uri baseUrl)
    {
        if (meta.AttestationsUrl is { } given && Uri.TryCreate(given, UriKind.Absolute, out var uri)
            && Uri.Compare(uri, baseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            return uri;
        return new Uri(baseUrl, $"-/npm/v1/attestations/{EscapeName(package.Name)}@{Uri.EscapeDataString(meta.Version)}");
    }
}

using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Registries;

namespace TrustedPublishDashboard.Monitoring;

public sealed record PollProgress(int Done, int Total, PackageId Package, string Outcome);

/// <summary>
/// A "re-check now" of chosen packages: one poll summary per readable registry, how many could not be read, and how
/// many were sample packages (never polled: they keep their generated evidence).
/// </summary>
public sealed record RecheckResult(IReadOnlyList<PollSummary> Polls, int Unsupported, int Sample = 0)
{
    public int Failed => Polls.Sum(p => p.Failed);

    public override string ToString() => string.Join("; ", Parts());

    /// <summary>The check in a person's words: how many were read, are not published yet, failed, or cannot be read.</summary>
    public string Brief()
    {
        var read = Polls.Sum(p => p.Ok - p.NotPublished);
        var notPublished = Polls.Sum(p => p.NotPublished);
        var parts = new List<string> { $"{read} read" };
        if (notPublished > 0) parts.Add($"{notPublished} not published yet");
        if (Failed > 0) parts.Add($"{Failed} could not be read (see the grid's Errors)");
        if (Unsupported > 0) parts.Add($"{Unsupported} on registries the dashboard cannot read yet");
        return "Checked on the registry: " + string.Join(", ", parts) + ".";
    }

    private IEnumerable<string> Parts()
    {
        foreach (var poll in Polls) yield return poll.ToString();
        if (Unsupported > 0) yield return $"{Unsupported} package(s) on registries the dashboard cannot read yet";
        if (Sample > 0) yield return $"{Sample} sample package(s) not checked: sample data is generated, never read from a registry";
    }
}

/// <param name="NotPublished">Packages the registry has never had (e.g. waiting for their bootstrap publish): not failures.</param>
/// <param name="FirstError">One failing package's error, to say why a run where everything failed failed.</param>
public sealed record PollSummary(long RunId, int Total, int Ok, int Failed, int Unchanged, long Requests, long Bytes, long NotModified, TimeSpan Duration,
    int NotPublished = 0, string? FirstError = null, int SkippedSample = 0)
{
    /// <summary>succeeded (nothing failed) · completed-with-failures (some failed) · failed (every package failed).</summary>
    public string Outcome => Failed == 0 ? JobOutcomes.Succeeded : Failed >= Total ? JobOutcomes.Failed : JobOutcomes.CompletedWithFailures;

    public override string ToString() =>
        $"{Total} package(s): {Ok} ok ({Unchanged} unchanged), {Failed} failed" + (NotPublished > 0 ? $", {NotPublished} not published yet" : "") +
        $"; {Requests} request(s), {Bytes:N0} bytes, {NotModified} not modified; {Duration.TotalSeconds:0.0} s" +
        (SkippedSample > 0 ? $"; {SkippedSample} sample package(s) not polled (generated data)" : "");

    /// <summary>The Jobs page's record of a scheduled or manual poll: the failures link to the grid's failing packages of the registry.</summary>
    public JobResult ToJobResult(Registry registry) => new(Outcome, ToString(),
        Failed > 0 ? Failed : null,
        Failed > 0 ? $"packages?filter=errors&registry={registry.Code()}" : null,
        Outcome == JobOutcomes.Failed ? $"every package failed ({Failed} of {Total})" + (FirstError is null ? "" : $", e.g. {FirstError}") : null);
}

/// <summary>
/// Polls every tracked package of a registry with bounded concurrency: fetch (conditionally when possible),
/// evaluate with the domain rules, store. One package's failure is recorded on that package and never stops the
/// rest, and never changes its stored evidence.
/// </summary>
public sealed class PollService(
    IEnumerable<IRegistryClient> clients,
    PackageRepository packages,
    EvidenceRepository evidence,
    PollRunRepository runs,
    ComplianceRepository compliance,
    AlertRepository alerts,
    Onboarding.OnboardingVerifier onboarding,
    Packages.FindingTriageService triage,
    FindingAcceptanceRepository acceptances,
    IConfiguration configuration,
    ILogger<PollService> logger)
{
    public const int DefaultConcurrency = 8;

    /// <summary>Consecutive failed polls of one package that raise a polling-failing alert (Alerts:PollingFailureThreshold).</summary>
    public int FailureThreshold => Math.Clamp(configuration.GetValue("Alerts:PollingFailureThreshold", 3), 1, 1000);

    public int Concurrency(Registry registry) =>
        Math.Clamp(configuration.GetValue($"Registries:{registry.DisplayName()}:Concurrency", DefaultConcurrency), 1, 64);

    /// <summary>True when a client for the registry is registered (npm today).</summary>
    public bool CanRead(Registry registry) => clients.Any(c => c.Registry == registry);

    /// <summary>Polls just these packages now, registry by registry; packages on registries without a client are counted, not polled.</summary>
    public async Task<RecheckResult> RecheckAsync(IReadOnlyCollection<long> packageIds, IProgress<PollProgress>? progress, CancellationToken ct)
    {
        var polls = new List<PollSummary>();
        int unsupported = 0, sample = 0;
        foreach (var registry in RegistryCatalog.All.Select(d => d.Registry))
        {
            var rows = await packages.ListByRegistryAsync(registry, packageIds, ct);
            sample += rows.Count(p => p.IsSample);
            var ids = rows.Where(p => !p.IsSample).Select(p => p.Id).ToList();
            if (ids.Count == 0) continue;
            if (CanRead(registry)) polls.Add(await PollAsync(registry, "manual", progress, ct, ids));
            else unsupported += ids.Count;
        }
        return new RecheckResult(polls, unsupported, sample);
    }

    /// <summary>Milliseconds between progress writes of a running poll's counts.</summary>
    private const long ProgressInterval = 2000;

    public async Task<PollSummary> PollAsync(Registry registry, string trigger, IProgress<PollProgress>? progress, CancellationToken ct,
        IReadOnlyCollection<long>? packageIds = null)
    {
        var client = clients.FirstOrDefault(c => c.Registry == registry)
            ?? throw new InvalidOperationException($"No registry client is registered for {registry.DisplayName()}.");
        // Sample packages carry generated evidence: reading them from a real registry would turn them all into 404s.
        var listed = await packages.ListByRegistryAsync(registry, packageIds, ct);
        var targets = listed.Where(p => !p.IsSample).ToList();
        // Acceptances that expired end at every poll, also for packages this poll does not fetch.
        await triage.ExpireDueAsync(DateTimeOffset.UtcNow, ct);
        var onboarded = await onboarding.TrackedAsync(ct);
        var started = DateTimeOffset.UtcNow;
        var runId = await runs.StartAsync(registry.Code(), trigger, targets.Count, started, ct);
        var stats = new FetchStats();
        int ok = 0, failed = 0, unchanged = 0, done = 0, unreachable = 0, notPublished = 0;
        string? firstError = null;
        var lastProgress = Environment.TickCount64;
        string? runError = null;
        try
        {
            await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = Concurrency(registry), CancellationToken = ct }, async (package, token) =>
            {
                string outcome;
                try
                {
                    string? error;
                    (outcome, error) = await PollOneAsync(client, package, onboarded.Contains(package.Id), stats, runId, token);
                    if (error is not null) Interlocked.CompareExchange(ref firstError, $"{package.PackageId}: {error}", null);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A bug or a database error on one package is recorded there and the poll goes on.
                    logger.LogError(ex, "Polling {Package} failed", package.PackageId);
                    outcome = "failed";
                    Interlocked.CompareExchange(ref firstError, $"{package.PackageId}: internal error: {ex.Message}", null);
                    await evidence.SaveFailureAsync(package.Id, "internal error: " + ex.Message, DateTimeOffset.UtcNow, CancellationToken.None,
                        check: new PackageCheck(runId, PackageCheck.Failed, TimeSpan.Zero));
                }
                switch (outcome)
                {
                    case "failed": Interlocked.Increment(ref failed); break;
                    case "unreachable": Interlocked.Increment(ref failed); Interlocked.Increment(ref unreachable); break;
                    case "unchanged": Interlocked.Increment(ref unchanged); Interlocked.Increment(ref ok); break;
                    case "not-published": Interlocked.Increment(ref notPublished); Interlocked.Increment(ref ok); break;
                    default: Interlocked.Increment(ref ok); break;
                }
                progress?.Report(new PollProgress(Interlocked.Increment(ref done), targets.Count, package.PackageId, outcome));
                // Counts so far, at most every ProgressInterval and by one worker at a time: a crash then leaves a true record.
                var last = Interlocked.Read(ref lastProgress);
                if (Environment.TickCount64 - last >= ProgressInterval && Interlocked.CompareExchange(ref lastProgress, Environment.TickCount64, last) == last)
                    await runs.ProgressAsync(runId, DateTimeOffset.UtcNow,
                        new PollCounts(Volatile.Read(ref ok), Volatile.Read(ref failed), Volatile.Read(ref unchanged), stats.Requests, stats.Bytes, stats.NotModified), CancellationToken.None);
            });
        }
        catch (OperationCanceledException)
        {
            runError = "cancelled";
            throw;
        }
        finally
        {
            await runs.FinishAsync(runId, DateTimeOffset.UtcNow, new PollCounts(ok, failed, unchanged, stats.Requests, stats.Bytes, stats.NotModified), runError, CancellationToken.None);
        }
        await compliance.RecordSnapshotAsync(DateTimeOffset.UtcNow, ct);
        if (packageIds is null && targets.Count > 0 && unreachable == targets.Count) await RaiseRegistryFailingAsync(registry, ct);
        await RaiseExpiringTrustAsync(registry, ct);
        var summary = new PollSummary(runId, targets.Count, ok, failed, unchanged, stats.Requests, stats.Bytes, stats.NotModified, DateTimeOffset.UtcNow - started,
            notPublished, firstError, listed.Count - targets.Count);
        logger.LogInformation("Poll of {Registry}: {Summary}", registry.DisplayName(), summary);
        return summary;
    }

    private async Task RaiseRegistryFailingAsync(Registry registry, CancellationToken ct)
    {
        var (count, first, error) = await runs.FailedStreakAsync(registry.Code(), ct);
        if (first is { } firstRun && AlertRules.RegistryPollingFailing(registry, count, firstRun, FailureThreshold, error) is { } alert)
            await alerts.InsertAsync(registry.Code(), "", [alert], DateTimeOffset.UtcNow, ct);
    }

    /// <summary>Unused trust configurations npm may expire tomorrow: the alert's key makes each one a single warning.</summary>
    private async Task RaiseExpiringTrustAsync(Registry registry, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (row, alert) in await onboarding.ExpiringTrustAsync(now, ct))
        {
            if (row.Registry == registry.Code()) await alerts.InsertAsync(row.Registry, row.Name, [alert], now, ct, row.PackageId);
        }
    }

    /// <param name="onboarded">The package belongs to an onboarding plan: its expectation feeds the rules and the tracker follows the result.</param>
    /// <param name="runId">The poll run: each package's check is recorded with it, in the transaction that saves the evidence.</param>
    private async Task<(string Outcome, string? Error)> PollOneAsync(IRegistryClient client, PackageRow package, bool onboarded, FetchStats stats, long runId, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        PackageCheck Check(string outcome) => new(runId, outcome, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        var expectation = onboarded ? await onboarding.ExpectationAsync(package.Id, ct) : null;
        var state = await evidence.LoadStateAsync(package.Id, ct);
        var accepted = await acceptances.ActiveAsync(package.Id, ct);
        // With attestations still to fetch, ask for the whole document so the client sees which ones.
        var conditional = state.PendingAttestations == 0;
        var context = new FetchContext(conditional ? state.ETag : null, conditional ? state.LastModified : null, state.KnownAttestations, stats);
        var result = await client.FetchAsync(package.PackageId, context, ct);
        var now = DateTimeOffset.UtcNow;
        switch (result)
        {
            case RegistryFetch.Fetched fetched:
                // The versions stay pending and are fetched again next poll; the log says why, once per poll.
                foreach (var problem in fetched.AttestationProblems) logger.LogWarning("Polling {Package}: {Problem}", package.PackageId, problem);
                var history = fetched.History with { Expectation = expectation };
                var evaluation = EvidenceRules.Evaluate(history, accepted, now);
                await evidence.SaveFetchedAsync(package.Id, fetched, evaluation, now, ct,
                    AlertRules.Evaluate(new AlertContext(package.PackageId, history.Versions, evaluation, package.AddedAt, state.Maintainers, fetched.Maintainers)),
                    Check(PackageCheck.Updated));
                if (onboarded) await onboarding.ObserveAsync(package.Id, history, now, ct, fetched.Repository);
                return ("updated", null);
            case RegistryFetch.NotModified:
                var stored = await evidence.LoadHistoryAsync(package.PackageId, package.Id, ct) with { Expectation = expectation };
                var storedEvaluation = EvidenceRules.Evaluate(stored, accepted, now);
                await evidence.SaveUnchangedAsync(package.Id, stored, storedEvaluation, state.ETag, state.LastModified, now, ct,
                    AlertRules.Evaluate(new AlertContext(package.PackageId, stored.Versions, storedEvaluation, package.AddedAt)),
                    Check(PackageCheck.Unchanged));
                if (onboarded) await onboarding.ObserveAsync(package.Id, stored, now, ct);
                return ("unchanged", null);
            case RegistryFetch.Failed failure:
                // An unreachable or misconfigured registry fails every package: that is one registry alert at the end of
                // the poll (RaiseRegistryFailingAsync), not a thousand package alerts. A package that was never found is
                // not yet published (e.g. waiting for its onboarding bootstrap), not a failing poll; one that was found
                // before and now answers 404 is.
                if (failure.Kind == FetchFailure.NotFound && state.SucceededAt is null)
                {
                    // Never found: not published yet (e.g. waiting for its bootstrap), its own status, not an error.
                    await evidence.SaveNotPublishedAsync(package.Id, now, ct, Check(PackageCheck.NotPublished));
                    if (onboarded) await onboarding.ObserveMissingAsync(package.Id, now, ct);
                    return ("not-published", null);
                }
                var quiet = failure.Kind is FetchFailure.Network or FetchFailure.Configuration;
                var packageAlert = quiet ? null
                    : AlertRules.PollingFailing(package.PackageId, state.ConsecutiveFailures + 1, state.SucceededAt, FailureThreshold, failure.Error);
                await evidence.SaveFailureAsync(package.Id, failure.Error, now, ct, package.PackageId, packageAlert,
                    Check(failure.Kind == FetchFailure.NotFound ? PackageCheck.NotFound : PackageCheck.Failed));
                if (onboarded && failure.Kind == FetchFailure.NotFound) await onboarding.ObserveMissingAsync(package.Id, now, ct);
                else if (onboarded) await onboarding.ObserveErrorAsync(package.Id, failure.Error, now, ct);
                return (failure.Kind is FetchFailure.Network or FetchFailure.Configuration ? "unreachable" : "failed", failure.Error);
            default:
                throw new InvalidOperationException($"Unexpected fetch result {result.GetType().Name}.");
        }
    }
}

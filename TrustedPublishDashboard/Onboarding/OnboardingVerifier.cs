using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Registries;

namespace TrustedPublishDashboard.Onboarding;

/// <summary>
/// Moves the tracker's steps from the same evidence the grid reads: after every poll of a package that belongs to a
/// plan it records whether the registry has the package (bootstrap) and whether a trusted publish matching the plan
/// has been seen (first OIDC publish, which also proves the trust configuration). No click is needed.
/// </summary>
public sealed class OnboardingVerifier(OnboardingPlanRepository plans)
{
    /// <summary>Packages that belong to any plan (read once per poll, so untracked packages cost nothing).</summary>
    public Task<IReadOnlySet<long>> TrackedAsync(CancellationToken ct) => plans.TrackedPackageIdsAsync(ct);

    /// <summary>What the plans expect of the package, for the evidence rules (token publish after onboarding).</summary>
    public async Task<OnboardingExpectation?> ExpectationAsync(long packageId, CancellationToken ct)
    {
        OnboardingExpectation? best = null;
        foreach (var row in await plans.PlansForPackageAsync(packageId, ct))
        {
            if (row.Effective is not { } publisher || DbTime.ParseOrNull(row.TrustedSince) is not { } since) continue;
            if (best?.TrustedSince is { } earlier && earlier <= since) continue;
            best = new OnboardingExpectation(row.PlanName, publisher, since);
        }
        return best;
    }

    /// <summary>The registry has the package and this is its history.</summary>
    /// <param name="registryRepository">The repository the registry reports (checked in place of package.json's for packages added by name).</param>
    public async Task ObserveAsync(long packageId, PackageHistory history, DateTimeOffset now, CancellationToken ct, string? registryRepository = null)
    {
        var memberships = await plans.PlansForPackageAsync(packageId, ct);
        await plans.SetRegistryStateAsync(packageId, RegistryStates.Exists, null, now, ct);
        if (registryRepository is not null) await plans.SetRegistryRepositoryAsync(packageId, registryRepository, ct);
        var byTime = EvidenceRules.ByPublishTime(history.Versions);
        foreach (var row in memberships)
        {
            var steps = (await plans.StepsAsync(row.PlanId, packageId, ct)).ToDictionary(s => s.StepValue);
            var bootstrap = OnboardingRules.Bootstrap(true, row.RegistryState == RegistryStates.Missing, byTime.FirstOrDefault()?.Version);
            await ApplyAsync(row.PlanId, packageId, OnboardingStep.Bootstrap, bootstrap, steps, now, ct);
            if (bootstrap.State == StepState.NotNeeded)
                await ApplyAsync(row.PlanId, packageId, OnboardingStep.TokenDeleted,
                    new StepVerdict(StepState.NotNeeded, "No bootstrap token was needed: the package already existed."), steps, now, ct);

            if (row.Effective is not { } publisher) continue;
            var first = OnboardingRules.FirstOidcPublish(publisher, history.Versions);
            await ApplyAsync(row.PlanId, packageId, OnboardingStep.FirstOidcPublish, first, steps, now, ct);
            if (first.State == StepState.Verified && steps.GetValueOrDefault(OnboardingStep.TrustConfigured)?.StateValue is not (StepState.Verified or StepState.Confirmed))
            {
                // A matching trusted publish proves the trust configuration existed when it was published.
                var proof = byTime.First(v => v.Method.IsTrusted() && OnboardingRules.Compare(publisher, v.Publisher ?? new PublisherIdentity("unknown")).Matches);
                await plans.SetStepAsync(row.PlanId, packageId, OnboardingStep.TrustConfigured, StepState.Verified,
                    $"Proven by the trusted publish of {proof.Version}.", null, proof.PublishedAt ?? now, ct);
            }
        }
    }

    /// <summary>The registry does not have the package (404): bootstrap is needed.</summary>
    public async Task ObserveMissingAsync(long packageId, DateTimeOffset now, CancellationToken ct)
    {
        var memberships = await plans.PlansForPackageAsync(packageId, ct);
        await plans.SetRegistryStateAsync(packageId, RegistryStates.Missing, null, now, ct);
        foreach (var row in memberships)
        {
            var steps = (await plans.StepsAsync(row.PlanId, packageId, ct)).ToDictionary(s => s.StepValue);
            await ApplyAsync(row.PlanId, packageId, OnboardingStep.Bootstrap, OnboardingRules.Bootstrap(false, true, null), steps, now, ct);
        }
    }

    /// <summary>
    /// Trust configurations that npm may soon expire for lack of a trusted publish: one warning per configuration, the day
    /// before (<see cref="AlertRules.TrustConfigExpiring"/>). Called after every poll rather than by the daily job: a daily
    /// run could see a configuration first at 47 hours, an hour before it may expire; polls run every few minutes.
    /// </summary>
    public async Task<IReadOnlyList<(UnusedTrustRow Row, AlertCandidate Alert)>> ExpiringTrustAsync(DateTimeOffset now, CancellationToken ct)
    {
        var alerts = new List<(UnusedTrustRow, AlertCandidate)>();
        foreach (var row in await plans.UnusedTrustAsync(ct))
        {
            if (!RegistryCatalog.TryParse(row.Registry, out var registry) || DbTime.ParseOrNull(row.ConfiguredAt) is not { } configuredAt) continue;
            if (AlertRules.TrustConfigExpiring(new PackageId(registry, row.Name), row.PlanName, configuredAt, now) is { } alert) alerts.Add((row, alert));
        }
        return alerts;
    }

    /// <summary>The registry could not be read: the existence is unknown, the steps stay as they are.</summary>
    public Task ObserveErrorAsync(long packageId, string error, DateTimeOffset now, CancellationToken ct) =>
        plans.SetRegistryStateAsync(packageId, RegistryStates.Error, error, now, ct);

    private async Task ApplyAsync(long planId, long packageId, OnboardingStep step, StepVerdict verdict,
        IReadOnlyDictionary<OnboardingStep, StepRow> steps, DateTimeOffset now, CancellationToken ct)
    {
        var current = steps.GetValueOrDefault(step);
        if (current is not null && current.StateValue == verdict.State && current.Note == verdict.Note) return;
        if (!OnboardingRules.ShouldApply(current?.StateValue, current?.Actor, verdict)) return;
        await plans.SetStepAsync(planId, packageId, step, verdict.State, verdict.Note, null, now, ct);
    }
}

using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Monitoring;
using TrustedPublishDashboard.Onboarding.Generation;
using TrustedPublishDashboard.Onboarding.Import;
using TrustedPublishDashboard.Onboarding.Planning;
using TrustedPublishDashboard.Onboarding.Verification;
using TrustedPublishDashboard.Registries;
using TrustedPublishDashboard.Registries.Npm;

namespace TrustedPublishDashboard.Onboarding;

/// <summary>The outcome of an import into a plan: what was added, what was skipped and why, and the existence check.</summary>
public sealed record PlanImportReport(
    int Added,
    int AlreadyInPlan,
    IReadOnlyList<string> Imported,
    IReadOnlyList<(string What, string Reason)> Skipped,
    IReadOnlyList<string> Notes,
    string? Error = null,
    RecheckResult? Check = null)
{
    public static PlanImportReport Failed(string error) => new(0, 0, [], [], [], error);

    public string Summary => Error ?? $"{Added} package(s) added to the plan, {AlreadyInPlan} already in it" +
        (Skipped.Count > 0 ? $", {Skipped.Count} skipped" : "") + "." +
        (Check is null ? "" : $" Registry check: {Check}.");
}

/// <summary>One package on the tracker: manifest, effective publisher, validation, steps, last trust check, status.</summary>
public sealed record TrackerRow(
    PlanMemberRow Member,
    PublisherPlan? Publisher,
    IReadOnlyList<PlanIssue> Issues,
    IReadOnlyDictionary<OnboardingStep, StepRow?> Steps,
    TrustCheckRow? TrustCheck,
    ComplianceRow? Compliance)
{
    public StepState State(OnboardingStep step) => Steps.GetValueOrDefault(step)?.StateValue ?? StepState.Pending;

    public bool NeedsBootstrap => Member.RegistryState == RegistryStates.Missing && State(OnboardingStep.Bootstrap) is StepState.Pending or StepState.Failed;

    public int DoneCount => OnboardingSteps.All.Count(s => State(s).IsDone());

    /// <summary>When trust was configured (verified or confirmed) if no trusted publish has used it yet: npm may expire it 2 days later.</summary>
    public DateTimeOffset? UnusedTrustSince => OnboardingRules.UnusedTrustSince(State(OnboardingStep.TrustConfigured),
        DbTime.ParseOrNull(Steps.GetValueOrDefault(OnboardingStep.TrustConfigured)?.UpdatedAt), State(OnboardingStep.FirstOidcPublish));
}

public sealed record PlanView(OnboardingPlanRow Plan, IReadOnlyList<PlanIssue> PlanIssues, IReadOnlyList<TrackerRow> Rows)
{
    public int Completed => Rows.Count(r => r.DoneCount == OnboardingSteps.All.Count);
}

/// <summary>The result of comparing a pasted trust list with the plan. Unreadable packages changed nothing.</summary>
public sealed record TrustVerificationReport(IReadOnlyList<TrustComparison> Comparisons, IReadOnlyList<string> NotInPlan, IReadOnlyList<string> Problems,
    IReadOnlyList<UnreadableTrust>? Unreadable = null)
{
    public int Matching => Comparisons.Count(c => c.Matches);

    public IReadOnlyList<UnreadableTrust> UnreadablePackages => Unreadable ?? [];
}

/// <summary>What a trust-probe report proved for one package of the plan, and whether its "trust configured" step moved.</summary>
public sealed record ProbeOutcome(string Package, TrustReadState State, string Sentence, string? FixCommand, bool Changed);

/// <summary>
/// The result of reading a trust-probe report against the plan. <see cref="Problem"/> set = the report was refused as a
/// whole (malformed, or from another publisher) and nothing changed.
/// </summary>
public sealed record ProbeVerificationReport(
    TrustProbeReport? Report,
    IReadOnlyList<ProbeOutcome> Outcomes,
    IReadOnlyList<string> NotInPlan,
    IReadOnlyList<string> MissingFromReport,
    IReadOnlyList<string> Notes,
    string? Problem = null)
{
    public static ProbeVerificationReport Refused(string problem, TrustProbeReport? report = null) => new(report, [], [], [], [], problem);

    public int Count(TrustReadState state) => Outcomes.Count(o => o.State == state);
}

/// <summary>
/// Who a bulk confirmation would change: <see cref="Pending"/> silently, while <see cref="NeedsTick"/> (failed or already
/// verified) change only when a person ticks them one by one.
/// </summary>
public sealed record BulkConfirmPreview(IReadOnlyList<TrackerRow> Pending, IReadOnlyList<TrackerRow> NeedsTick);

/// <summary>
/// The onboarding wizard's operations: list and keep plans, import packages into a plan, plan the publisher, track
/// the steps, generate the scripts and workflows, verify pasted trust lists. The pages and the API only call this.
/// Every method that changes data takes the acting <see cref="Actor"/> first and checks it before anything else
/// (a Blazor event handler passes no endpoint authorization); a person's confirmations carry the actor's name.
/// </summary>
public sealed class OnboardingService(
    OnboardingPlanRepository plans,
    PackageRepository packages,
    ComplianceRepository compliance,
    PollService polls,
    EvidenceRepository evidence,
    OnboardingVerifier verifier,
    NpmSearchClient search,
    NpmRegistryLocator npmLocator)
{
    public const int MaxSearchPages = 40;

    /// <summary>The plan the grid's "add to an onboarding plan" uses when no name is given.</summary>
    public const string DefaultPlanName = OnboardingPlanRepository.DefaultPlanName;

    public const int MaxPlanNameLength = OnboardingPlanRepository.MaxPlanNameLength;

    public static readonly ArchiveLimits ArchiveLimits = new();

    /// <summary>What a new plan's publisher form starts from: the file names most repositories use.</summary>
    public static PublisherPlan SuggestedPublisher { get; } = new() { WorkflowFile = "release.yml", CiFile = ".gitlab-ci.yml" };

    /// <summary>
    /// The publisher form's starting point for a plan without one: the repository the packages' package.json `repository`
    /// fields name (the registry's for packages added by name), when they all name the same one, with a sentence saying where
    /// it came from; otherwise <see cref="SuggestedPublisher"/> and why nothing was filled in.
    /// </summary>
    public static (PublisherPlan Publisher, string? Note) SuggestPublisher(PlanView view)
    {
        var named = view.Rows.Select(r => (r.Member.Name, Repo: RepositoryUrl.Parse(PlanValidator.RepositoryOf(r.Member.ToPlanned()).Url)))
            .Where(x => x.Repo is not null).ToList();
        if (named.Count == 0) return (SuggestedPublisher, null);
        var distinct = named.Select(x => x.Repo!).DistinctBy(r => (r.Host.ToLowerInvariant(), r.Path)).ToList();
        if (distinct.Count > 1)
            return (SuggestedPublisher, $"The packages name {distinct.Count} different repositories ({string.Join(", ", distinct.Take(4).Select(r => $"{r.Host}/{r.Path}"))}" +
                $"{(distinct.Count > 4 ? ", …" : "")}), so nothing was filled in: enter the publisher, then override the packages that publish from elsewhere.");
        var repo = distinct[0];
        var from = $"Filled in from the repository field of {named.Count} of {view.Rows.Count} package(s) ({repo.Host}/{repo.Path}); check it and save.";
        var parts = repo.Path.Split('/');
        return repo.Host switch
        {
            "github.com" when parts.Length == 2 => (SuggestedPublisher with { Provider = Provider.GitHub, Owner = parts[0], Repository = parts[1] }, from),
            "gitlab.com" => (SuggestedPublisher with { Provider = Provider.GitLab, ProjectPath = repo.Path }, from),
            _ => (SuggestedPublisher, $"The packages name {repo.Host}/{repo.Path}, which is not a provider npm trusts: enter the publisher by hand."),
        };
    }

    /// <summary>Why an upload is refused before a byte of it is read (its declared size is over the archive limit), or null.</summary>
    public static string? ArchiveSizeProblem(string fileName, long size) =>
        size <= ArchiveLimits.MaxArchiveBytes ? null
            : $"{fileName} is {size / 1024.0 / 1024.0:0.0} MB; archives are limited to {ArchiveLimits.MaxArchiveBytes / 1024 / 1024} MB. Nothing was imported.";

    /// <summary>Steps a person may set, and to what. The first OIDC publish is only ever proven by evidence.</summary>
    public static IReadOnlyList<StepState> ManualStates(OnboardingStep step) => step switch
    {
        OnboardingStep.FirstOidcPublish => [],
        OnboardingStep.Bootstrap or OnboardingStep.TokenDeleted => [StepState.Confirmed, StepState.NotNeeded, StepState.Failed, StepState.Pending],
        _ => [StepState.Confirmed, StepState.Failed, StepState.Pending],
    };

    /// <summary>Every plan with its package and completion counts, by name.</summary>
    public Task<IReadOnlyList<OnboardingPlanRow>> ListPlansAsync(CancellationToken ct) => plans.ListPlansAsync(ct);

    /// <summary>One plan with its package and completion counts; null when there is no such plan.</summary>
    public Task<OnboardingPlanRow?> GetPlanAsync(long planId, CancellationToken ct) => plans.GetAsync(planId, ct);

    public async Task<(long? PlanId, string? Error)> CreatePlanAsync(Actor actor, string name, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        if (PlanNameProblem(name, out var trimmed) is { } problem) return (null, problem);
        var id = await plans.CreateAsync(trimmed, ct);
        return id is null ? (null, $"A plan named \"{trimmed}\" already exists.") : (id, null);
    }

    /// <summary>Renames a plan; the problem when the name is empty, too long or taken, or the plan is gone.</summary>
    public async Task<string?> RenamePlanAsync(Actor actor, long planId, string name, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        if (PlanNameProblem(name, out var trimmed) is { } problem) return problem;
        if (await plans.GetAsync(planId, ct) is null) return "The plan no longer exists.";
        return await plans.RenameAsync(planId, trimmed, ct) ? null : $"A plan named \"{trimmed}\" already exists.";
    }

    /// <summary>Deletes a plan and its tracker; the packages stay tracked on the grid. False when it was already gone.</summary>
    public Task<bool> DeletePlanAsync(Actor actor, long planId, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        return plans.DeleteAsync(planId, ct);
    }

    /// <summary>Takes a package out of a plan (its steps and trust check go with it); the package stays tracked.</summary>
    public Task<bool> RemovePackageAsync(Actor actor, long planId, long packageId, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        return plans.RemoveAsync(planId, packageId, ct);
    }

    private static string? PlanNameProblem(string? name, out string trimmed)
    {
        trimmed = (name ?? "").Trim();
        if (trimmed.Length == 0) return "Enter a name for the plan.";
        return trimmed.Length > MaxPlanNameLength ? $"Plan names are at most {MaxPlanNameLength} characters." : null;
    }

    /// <summary>
    /// The grid's bulk "add to an onboarding plan": adds the packages (the plan is created if new) and lets the tracker
    /// read the evidence already stored for them, so existence and any trusted publish show without waiting for a poll.
    /// </summary>
    public async Task<(long PlanId, int Added)> AddFromGridAsync(Actor actor, string planName, IReadOnlyCollection<long> packageIds, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        var name = string.IsNullOrWhiteSpace(planName) ? DefaultPlanName : planName.Trim();
        if (name.Length > MaxPlanNameLength) name = name[..MaxPlanNameLength];
        var (planId, added) = await plans.AddAsync(name, packageIds, ct);
        var now = DateTimeOffset.UtcNow;
        foreach (var row in await packages.ListByRegistryAsync(Registry.Npm, packageIds, ct))
        {
            var history = await evidence.LoadHistoryAsync(row.PackageId, row.Id, ct);
            if (history.Versions.Count > 0) await verifier.ObserveAsync(row.Id, history, now, ct);
        }
        return (planId, added);
    }

    /// <summary>Reads an uploaded repository archive, adds its publishable workspace packages and checks them on the registry.</summary>
    public async Task<PlanImportReport> ImportArchiveAsync(Actor actor, long planId, Stream archive, string fileName, IProgress<string>? progress, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        progress?.Report($"Reading {fileName}…");
        ArchiveSnapshot snapshot;
        try
        {
            snapshot = await RepositoryArchive.ReadAsync(archive, ArchiveLimits, ct);
        }
        catch (ArchiveRejectedException ex)
        {
            return PlanImportReport.Failed($"{fileName} was not imported: {ex.Message}");
        }
        // CPU-bound and bounded by its budget; off the caller's thread so a page's connection stays responsive and its
        // closing (which cancels ct) is seen while discovery runs.
        var discovery = await Task.Run(() => WorkspaceDiscovery.Discover(snapshot, ct), ct);
        if (discovery.Failure is { } failure) return PlanImportReport.Failed($"{fileName} was not imported: {failure.Message}");
        var notes = new List<string>();
        if (discovery.Sources.Count > 0) notes.Add("Workspaces from " + string.Join(", ", discovery.Sources) + ".");
        notes.AddRange(snapshot.Warnings);
        notes.AddRange(discovery.Problems);
        var skipped = discovery.Skipped.Select(s => (s.Name is null ? Where(s.Path) : $"{s.Name} ({Where(s.Path)})", s.Reason)).ToList();
        if (discovery.Packages.Count == 0)
            return new PlanImportReport(0, 0, [], skipped, notes, $"{fileName} has no publishable package.json.");

        var setup = PublishSetupDetection.Detect(snapshot);
        notes.Add($"Package manager: {setup.Manager.DisplayName()} (from {setup.ManagerSource})" +
            (setup.Tool == ReleaseTool.None ? "." : $"; releases with {setup.Tool.DisplayName()}.") +
            (setup.LockFile is null ? " There is no lock file: the generated workflow cannot use a frozen install; commit one." : ""));
        var ids = discovery.Packages.Select(p => new PackageId(Registry.Npm, p.Name)).ToList();
        await packages.AddAsync(ids, null, ct);
        var inputs = new List<PlanMemberInput>();
        foreach (var p in discovery.Packages)
        {
            var row = await packages.FindAsync(new PackageId(Registry.Npm, p.Name), ct);
            if (row is null) continue;
            inputs.Add(new PlanMemberInput(row.Id, "archive:" + Truncate(fileName, 200), p.Version, p.RepositoryUrl, p.RepositoryDirectory, p.Path,
                PublishSetupDetection.ForPackage(setup, p)));
        }
        return await FinishImportAsync(planId, inputs, discovery.Packages.Select(p => p.Name).ToList(), skipped, notes, progress, ct);
    }

    /// <summary>Adds pasted names (one per line, `npm:` prefix optional) and checks them on the registry.</summary>
    public async Task<PlanImportReport> ImportNamesAsync(Actor actor, long planId, string text, string source, IProgress<string>? progress, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        var parsed = PackageSpecParser.ParseLines(text ?? "");
        if (parsed.Count > Packages.PackageImportService.MaxLines)
            return PlanImportReport.Failed($"Paste at most {Packages.PackageImportService.MaxLines:N0} lines at once; nothing was added.");
        var skipped = new List<(string, string)>();
        var valid = new List<PackageId>();
        foreach (var line in parsed)
        {
            if (line.Package is not { } id) skipped.Add(($"line {line.LineNumber}: {Truncate(line.Text, 80)}", line.Error!));
            else if (id.Registry != Registry.Npm) skipped.Add(($"line {line.LineNumber}: {id}", "onboarding plans cover npm packages today"));
            else if (!valid.Contains(id)) valid.Add(id);
        }
        if (valid.Count == 0)
            return new PlanImportReport(0, 0, [], skipped, [], parsed.Count == 0 ? "Paste at least one package name." : "No valid npm package name in the text.");
        await packages.AddAsync(valid, null, ct);
        var inputs = new List<PlanMemberInput>();
        foreach (var id in valid)
        {
            if (await packages.FindAsync(id, ct) is { } row) inputs.Add(new PlanMemberInput(row.Id, source));
        }
        return await FinishImportAsync(planId, inputs, valid.Select(v => v.Name).ToList(), skipped, [], progress, ct);
    }

    /// <summary>Every page of a scope or maintainer search (bounded), or why the registry cannot answer.</summary>
    public async Task<SearchResult> SearchAllAsync(SearchKind kind, string term, IProgress<string>? progress, CancellationToken ct)
    {
        var hits = new List<SearchHit>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var total = 0;
        for (var page = 0; page < MaxSearchPages; page++)
        {
            var result = await search.SearchAsync(kind, term, hits.Count, NpmSearchClient.MaxPageSize, ct);
            if (result is not SearchResult.Page { Value: var p }) return hits.Count == 0 ? result : new SearchResult.Page(new SearchPage(hits, total, 0));
            hits.AddRange(p.Hits.Where(h => seen.Add(h.Name)));
            total = p.Total;
            progress?.Report($"Searched {hits.Count} of {total} package(s)…");
            if (p.Hits.Count == 0 || hits.Count >= total) break;
        }
        return new SearchResult.Page(new SearchPage(hits, total, 0));
    }

    private async Task<PlanImportReport> FinishImportAsync(long planId, IReadOnlyList<PlanMemberInput> inputs, IReadOnlyList<string> names,
        List<(string, string)> skipped, List<string> notes, IProgress<string>? progress, CancellationToken ct)
    {
        var added = await plans.UpsertMembersAsync(planId, inputs, ct);
        progress?.Report($"Checking {inputs.Count} package(s) on the registry…");
        // The existence check decides the bootstrap step; it is an ordinary poll, so the grid learns the same facts.
        var check = await polls.RecheckAsync(inputs.Select(i => i.PackageId).ToList(),
            new Progress<PollProgress>(p => progress?.Report($"Checked {p.Done} of {p.Total} on the registry…")), ct);
        return new PlanImportReport(added, inputs.Count - added, names, skipped, notes, null, check);
    }

    /// <summary>Polls the plan's packages now (an ordinary poll: the grid and the tracker learn the same facts).</summary>
    public async Task<RecheckResult> RecheckAsync(Actor actor, long planId, IProgress<PollProgress>? progress, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        return await polls.RecheckAsync(await plans.PackageIdsAsync(planId, ct), progress, ct);
    }

    public async Task<IReadOnlyList<PlanIssue>> SavePublisherAsync(Actor actor, long planId, PublisherPlan publisher, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        var clean = Trimmed(publisher);
        await plans.SavePublisherAsync(planId, clean, ct);
        return PlanValidator.ValidatePlan(clean);
    }

    public Task SaveOverrideAsync(Actor actor, long planId, long packageId, PublisherOverride? value, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        return plans.SaveOverrideAsync(planId, packageId, value, ct);
    }

    /// <summary>A person sets a step (with who and when); only the states <see cref="ManualStates"/> allows.</summary>
    public async Task<string?> SetStepAsync(Actor actor, long planId, long packageId, OnboardingStep step, StepState state, string? reason, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        if (!ManualStates(step).Contains(state))
            return step == OnboardingStep.FirstOidcPublish
                ? "The first OIDC publish is verified from registry evidence only: publish from CI, then re-check."
                : $"{step.Title()} cannot be set to {state.Code()} by hand.";
        if (state == StepState.Failed && string.IsNullOrWhiteSpace(reason)) return "Say why the step failed.";
        var note = state switch
        {
            StepState.Confirmed when step == OnboardingStep.OidcOnly =>
                "Confirmed by a person: npm offers no way to read the \"require 2FA and disallow tokens\" setting back.",
            StepState.Confirmed => "Confirmed by a person.",
            StepState.NotNeeded => "Marked not needed by a person.",
            StepState.Failed => reason!.Trim(),
            _ => null,
        };
        await plans.SetStepAsync(planId, packageId, step, state, note, state == StepState.Pending ? null : actor.Name, DateTimeOffset.UtcNow, ct);
        return null;
    }

    /// <summary>What "Confirm for all" would change for <paramref name="step"/>: pending rows, and the failed or verified rows it leaves out unless ticked.</summary>
    public static BulkConfirmPreview PreviewConfirmForAll(PlanView view, OnboardingStep step) => new(
        view.Rows.Where(r => r.State(step) == StepState.Pending).ToList(),
        view.Rows.Where(r => r.State(step) is StepState.Failed or StepState.Verified).ToList());

    /// <summary>
    /// A person confirms one step for every package of the plan where it is still pending (e.g. after running the "require
    /// OIDC only" script for all of them). A failed or verified step is never overwritten silently: it changes only when its
    /// package is in <paramref name="overwrite"/>, the packages the person ticked one by one. Returns how many changed.
    /// </summary>
    public async Task<(int Changed, string? Error)> ConfirmForAllAsync(Actor actor, long planId, OnboardingStep step, IReadOnlyCollection<long> overwrite, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        if (!ManualStates(step).Contains(StepState.Confirmed))
            return (0, step == OnboardingStep.FirstOidcPublish
                ? "The first OIDC publish is verified from registry evidence only: publish from CI, then re-check."
                : $"{step.Title()} cannot be confirmed by hand.");
        if (await ViewAsync(planId, ct) is not { } view) return (0, "The plan no longer exists.");
        var preview = PreviewConfirmForAll(view, step);
        var ticked = overwrite.ToHashSet();
        var changed = 0;
        foreach (var row in preview.Pending.Concat(preview.NeedsTick.Where(r => ticked.Contains(r.Member.PackageId))))
        {
            if (await SetStepAsync(actor, planId, row.Member.PackageId, step, StepState.Confirmed, null, ct) is null) changed++;
        }
        return (changed, null);
    }

    public async Task<PlanView?> ViewAsync(long planId, CancellationToken ct)
    {
        if (await plans.GetAsync(planId, ct) is not { } plan) return null;
        var members = await plans.MembersAsync(planId, ct);
        var steps = (await plans.StepsAsync(planId, ct)).ToLookup(s => s.PackageId);
        var checks = (await plans.TrustChecksAsync(planId, ct)).ToDictionary(c => c.PackageId);
        var grid = (await compliance.QueryAsync(new ComplianceQuery(PlanId: planId, Take: 100_000), ct)).Items.ToDictionary(r => r.Id);
        var publisher = plan.Publisher;
        var rows = members.Select(m =>
        {
            var effective = publisher?.With(m.Override);
            var issues = effective is null ? [] : PlanValidator.ValidatePackage(effective, m.ToPlanned());
            var byStep = OnboardingSteps.All.ToDictionary(s => s, s => steps[m.PackageId].FirstOrDefault(x => x.Step == s.Code()));
            return new TrackerRow(m, effective, issues, byStep, checks.GetValueOrDefault(m.PackageId), grid.GetValueOrDefault(m.PackageId));
        }).ToList();
        return new PlanView(plan, publisher is null ? [] : PlanValidator.ValidatePlan(publisher), rows);
    }

    /// <summary>
    /// Compares pasted `npm trust list --json` output with the plan, field by field. A match verifies "trust
    /// configured"; a mismatch fails it with the difference (the fix commands are in the stored comparison).
    /// </summary>
    public async Task<TrustVerificationReport> VerifyTrustListAsync(Actor actor, long planId, string text, string? defaultPackage, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        var view = await ViewAsync(planId, ct);
        if (view is null) return new TrustVerificationReport([], [], ["The plan no longer exists."]);
        if (view.Plan.Publisher is null) return new TrustVerificationReport([], [], ["Choose the plan's publisher first: there is nothing to compare with."]);
        if (view.PlanIssues.Any(i => i.Severity == PlanIssueSeverity.Error))
            return new TrustVerificationReport([], [], ["Fix the publisher's errors on the Publisher tab first: the comparison needs a complete publisher."]);
        var parsed = TrustListParser.Parse(text ?? "", defaultPackage);
        var byName = view.Rows.ToDictionary(r => r.Member.Name, StringComparer.Ordinal);
        var comparisons = new List<TrustComparison>();
        var notInPlan = new List<string>();
        // Empty output or an npm error: says nothing about the configuration, so the step stays as it is.
        var unreadable = new List<UnreadableTrust>();
        foreach (var (package, why) in parsed.Unreadable.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            if (byName.ContainsKey(package)) unreadable.Add(new UnreadableTrust(package, why));
            else notInPlan.Add(package);
        }
        var now = DateTimeOffset.UtcNow;
        foreach (var (package, configurations) in parsed.ByPackage)
        {
            if (!byName.TryGetValue(package, out var row) || row.Publisher is null)
            {
                notInPlan.Add(package);
                continue;
            }
            var comparison = TrustComparer.Compare(package, row.Publisher, configurations);
            comparisons.Add(comparison);
            await plans.SaveTrustCheckAsync(planId, row.Member.PackageId, comparison.Matches, comparison.Summary, OnboardingJson.Write(comparison), now, ct);
            var verdict = comparison.Matches
                ? new StepVerdict(StepState.Verified, "Verified from a pasted trust list: " + comparison.Summary)
                : new StepVerdict(StepState.Failed, "A pasted trust list shows it " + comparison.Summary);
            await plans.SetStepAsync(planId, row.Member.PackageId, OnboardingStep.TrustConfigured, verdict.State, verdict.Note, null, now, ct);
        }
        return new TrustVerificationReport(comparisons.OrderBy(c => c.Package, StringComparer.Ordinal).ToList(), notInPlan.Order(StringComparer.Ordinal).ToList(),
            parsed.Problems, unreadable);
    }

    /// <summary>
    /// Reads a trust-probe report (the JSON, the job log with its BEGIN/END lines, or the artifact file's text) against the
    /// plan: 201 verifies "trust configured" by evidence with the run's date and address, 404 fails it with the command
    /// that configures it, anything else leaves it as it is ("unreadable", with why). The report must come from the
    /// package's planned publisher (repository, workflow file, environment) and registry: npm answers for the CALLING
    /// workflow, so a probe from another one proves nothing for this publisher.
    /// </summary>
    public async Task<ProbeVerificationReport> VerifyProbeReportAsync(Actor actor, long planId, string text, CancellationToken ct)
    {
        actor.Require(Permission.Maintain);
        var view = await ViewAsync(planId, ct);
        if (view is null) return ProbeVerificationReport.Refused("The plan no longer exists.");
        if (view.Plan.Publisher is not { } planPublisher) return ProbeVerificationReport.Refused("Choose the plan's publisher first: there is nothing to compare the probe with.");
        var parsed = TrustProbeReportParser.Parse(text);
        if (parsed.Report is not { } report) return ProbeVerificationReport.Refused(parsed.Problem ?? "This is not a trust-probe report. Nothing was changed.");

        var ranBy = ProbePublisher(report);
        if (planPublisher.Provider != Provider.GitHub)
            return ProbeVerificationReport.Refused($"The probe ran as {ranBy}, but this plan publishes from {planPublisher.Provider.DisplayName()}: " +
                "a probe proves only the configuration of the workflow that ran it. Nothing was changed.", report);
        try
        {
            var registry = await npmLocator.GetBaseUrlAsync(ct);
            if (!SameRegistry(registry, report.Registry))
                return ProbeVerificationReport.Refused($"The probe asked {report.Registry}, but the dashboard reads {registry}: its answers say nothing about this registry. Nothing was changed.", report);
        }
        catch (RegistryConfigurationException ex)
        {
            return ProbeVerificationReport.Refused($"The registry the dashboard reads is not configured, so the report cannot be checked against it: {ex.Message}", report);
        }
        var byName = view.Rows.ToDictionary(r => r.Member.Name, StringComparer.Ordinal);
        var own = report.Results.Where(r => byName.TryGetValue(r.Package, out var row) && row.Publisher is { } p && ProbeMatches(p, report)).ToList();
        var inPlan = report.Results.Where(r => byName.ContainsKey(r.Package)).ToList();
        if (inPlan.Count > 0 && own.Count == 0)
            return ProbeVerificationReport.Refused($"This report comes from {ranBy}, but the plan's publisher is {Describe(planPublisher)}. npm answers for the workflow " +
                "that calls it, so a probe from another workflow proves nothing for this publisher: run the probe from the planned workflow. Nothing was changed.", report);

        var when = report.RanAt is { } ranAt ? $" of {ranAt:yyyy-MM-dd HH:mm} UTC" : "";
        var run = report.RunUrl is { } url ? $" ({url})" : "";
        // The run's time dates the proof (and the 2-day expiry), but never later than now: a clock ahead would hide the warning.
        var now = DateTimeOffset.UtcNow;
        var at = report.RanAt is { } ran && ran <= now ? ran : now;
        var outcomes = new List<ProbeOutcome>();
        foreach (var result in inPlan.OrderBy(r => r.Package, StringComparer.Ordinal))
        {
            var row = byName[result.Package];
            if (row.Publisher is not { } publisher)
            {
                outcomes.Add(new ProbeOutcome(result.Package, TrustReadState.Unreadable, "has no publisher in the plan yet; nothing was changed.", null, false));
                continue;
            }
            if (!ProbeMatches(publisher, report))
            {
                outcomes.Add(new ProbeOutcome(result.Package, TrustReadState.Unreadable,
                    $"is published by {Describe(publisher)} (its override), not {ranBy}: the probe proves nothing for it; nothing was changed.", null, false));
                continue;
            }
            var current = row.State(OnboardingStep.TrustConfigured);
            switch (result.State)
            {
                case TrustReadState.Configured when current == StepState.Verified:
                    outcomes.Add(new ProbeOutcome(result.Package, TrustReadState.Configured, $"configured (201 from the trust probe{when}); it was already verified.", null, false));
                    break;
                case TrustReadState.Configured:
                    var note = $"Verified by the trust probe{when}{run}: npm's OIDC exchange accepted {ranBy} (201).";
                    await plans.SetStepAsync(planId, row.Member.PackageId, OnboardingStep.TrustConfigured, StepState.Verified, note, null, at, ct);
                    await plans.SaveTrustCheckAsync(planId, row.Member.PackageId, true, $"configured: the trust probe{when} was accepted (201).", OnboardingJson.Write(result), DateTimeOffset.UtcNow, ct);
                    outcomes.Add(new ProbeOutcome(result.Package, TrustReadState.Configured, $"configured (201 from the trust probe{when}).", null, true));
                    break;
                case TrustReadState.NotConfigured:
                    var fix = NpmTrustCommands.MissingFields(publisher).Count == 0 ? NpmTrustCommands.Configure(result.Package, publisher) : null;
                    var failed = $"The trust probe{when}{run} found no trust configuration for {ranBy} (404)" +
                        (fix is null ? "." : $". Fix: {fix}");
                    await plans.SetStepAsync(planId, row.Member.PackageId, OnboardingStep.TrustConfigured, StepState.Failed, failed, null, at, ct);
                    await plans.SaveTrustCheckAsync(planId, row.Member.PackageId, false, $"not configured for {ranBy}: the trust probe{when} was refused (404).", OnboardingJson.Write(result), DateTimeOffset.UtcNow, ct);
                    outcomes.Add(new ProbeOutcome(result.Package, TrustReadState.NotConfigured, $"not configured for {ranBy} (404 from the trust probe{when}).", fix, true));
                    break;
                default:
                    outcomes.Add(new ProbeOutcome(result.Package, TrustReadState.Unreadable, $"unreadable: {result.UnreadableReason}; nothing was changed.", null, false));
                    break;
            }
        }
        var reported = report.Results.Select(r => r.Package).ToHashSet(StringComparer.Ordinal);
        return new ProbeVerificationReport(report, outcomes,
            report.Results.Where(r => !byName.ContainsKey(r.Package)).Select(r => r.Package).Order(StringComparer.Ordinal).ToList(),
            view.Rows.Where(r => !reported.Contains(r.Member.Name)).Select(r => r.Member.Name).ToList(),
            parsed.Notes);
    }

    /// <summary>npm compares repository, workflow file and environment exactly (case-sensitive); so does this.</summary>
    private static bool ProbeMatches(PublisherPlan p, TrustProbeReport report) =>
        p.Provider == Provider.GitHub
        && string.Equals(p.RepositorySlug, report.Repository, StringComparison.Ordinal)
        && string.Equals(p.WorkflowFile, report.Workflow, StringComparison.Ordinal)
        && string.Equals(T(p.Environment), T(report.Environment), StringComparison.Ordinal);

    private static string ProbePublisher(TrustProbeReport r) =>
        $"{r.Workflow} in {r.Repository} ({(r.Environment is { Length: > 0 } e ? $"environment {e}" : "no environment")})";

    private static string Describe(PublisherPlan p) => p.Provider == Provider.GitHub
        ? $"{p.WorkflowFile} in {p.RepositorySlug} ({(T(p.Environment) is { } e ? $"environment {e}" : "no environment")})"
        : p.Provider.DisplayName();

    private static bool SameRegistry(Uri configured, string reported) =>
        Uri.TryCreate(reported, UriKind.Absolute, out var other)
        && string.Equals(configured.GetLeftPart(UriPartial.Authority), other.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
        && string.Equals(configured.AbsolutePath.TrimEnd('/'), other.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal);

    /// <summary>The scripts and workflow files the plan needs now, each for exactly the packages that need it.</summary>
    public async Task<(IReadOnlyList<GeneratedArtifact> Artifacts, IReadOnlyList<string> Notes)> ArtifactsAsync(long planId, CancellationToken ct)
    {
        var view = await ViewAsync(planId, ct);
        var notes = new List<string>();
        if (view is null) return ([], ["The plan no longer exists."]);
        if (view.Rows.Count == 0) return ([], ["Import packages into the plan first."]);
        if (view.Plan.Publisher is not { } publisher) return ([], ["Choose the plan's publisher first."]);
        if (view.PlanIssues.Any(i => i.Severity == PlanIssueSeverity.Error))
            return ([], ["Fix the publisher's errors first: " + string.Join(" ", view.PlanIssues.Where(i => i.Severity == PlanIssueSeverity.Error).Select(i => i.Message))]);

        Uri registry;
        try
        {
            registry = await npmLocator.GetBaseUrlAsync(ct);
        }
        catch (RegistryConfigurationException ex)
        {
            return ([], [ex.Message]);
        }
        var registryUrl = registry.ToString();
        var artifacts = new List<GeneratedArtifact>();
        var unchecked_ = view.Rows.Where(r => r.Member.RegistryState is RegistryStates.Unchecked or RegistryStates.Error).Select(r => r.Member.Name).ToList();
        if (unchecked_.Count > 0)
            notes.Add($"{unchecked_.Count} package(s) could not be checked on the registry yet ({string.Join(", ", unchecked_.Take(5))}{(unchecked_.Count > 5 ? ", …" : "")}): re-check before bootstrapping.");

        var bootstrap = view.Rows.Where(r => r.NeedsBootstrap).Select(r => r.Member.ToPlanned()).ToList();
        Add(ScriptGenerator.Bootstrap(bootstrap, registryUrl));
        // Trust and publishing access can only be set on a package that exists: the others wait for their bootstrap.
        var existing = view.Rows.Where(r => r.Member.RegistryState != RegistryStates.Missing).ToList();
        if (existing.Count < view.Rows.Count)
            notes.Add($"{view.Rows.Count - existing.Count} package(s) not on the registry yet are left out of the trust and OIDC-only scripts: " +
                "run the bootstrap script, then Re-check on the Tracker, and they are added.");
        // A per-package override can make that package's publisher invalid (e.g. a path for the workflow file).
        var invalid = view.Rows.Where(r => r.Publisher is { } p && p != publisher && PlanValidator.ValidatePlan(p).Any(i => i.Severity == PlanIssueSeverity.Error))
            .Select(r => r.Member.Name).ToHashSet(StringComparer.Ordinal);
        if (invalid.Count > 0)
            notes.Add($"Left out of the trust script until their override is fixed (Publisher tab): {string.Join(", ", invalid.Order(StringComparer.Ordinal))}.");
        var trust = existing.Where(r => r.State(OnboardingStep.TrustConfigured) is not (StepState.Verified or StepState.Confirmed or StepState.NotNeeded)
                && r.Publisher is not null && !invalid.Contains(r.Member.Name))
            .Select(TrustChangeOf).ToList();
        Add(ScriptGenerator.Trust(trust));
        var oidcOnly = existing.Where(r => !r.State(OnboardingStep.OidcOnly).IsDone()).Select(r => r.Member.Name).ToList();
        Add(ScriptGenerator.RequireOidcOnly(oidcOnly));
        Add(ScriptGenerator.CollectTrustLists(view.Rows.Select(r => r.Member.Name).ToList()));
        foreach (var artifact in Workflows(view, publisher, registryUrl, invalid, notes)) artifacts.Add(artifact);
        return (artifacts, notes);

        void Add(GeneratedArtifact? artifact)
        {
            if (artifact is not null) artifacts.Add(artifact);
        }
    }

    /// <summary>
    /// A failed "trust configured" step is replaced, not skipped: the configuration the last comparison found (its id is in
    /// the stored comparison's fix commands) is revoked before the plan's is created.
    /// </summary>
    private static TrustChange TrustChangeOf(TrackerRow row)
    {
        if (row.State(OnboardingStep.TrustConfigured) != StepState.Failed) return new TrustChange(row.Member.ToPlanned(), row.Publisher!);
        var ids = row.TrustCheck is { Matches: false } check ? RevokeIds(check.ResultJson) : [];
        var reason = row.Steps.GetValueOrDefault(OnboardingStep.TrustConfigured)?.Note;
        if (reason is { Length: > 120 }) reason = reason[..117] + "…";
        return new TrustChange(row.Member.ToPlanned(), row.Publisher!, ids, Replace: true, reason);
    }

    /// <summary>The configuration ids a stored comparison says to revoke (`npm trust revoke … --id &lt;id&gt;`); read loosely so a richer format still works.</summary>
    public static IReadOnlyList<string> RevokeIds(string? comparisonJson)
    {
        if (string.IsNullOrWhiteSpace(comparisonJson)) return [];
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(comparisonJson);
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object) return [];
            var ids = new List<string>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!property.Name.Equals("fixCommands", StringComparison.OrdinalIgnoreCase) || property.Value.ValueKind != System.Text.Json.JsonValueKind.Array) continue;
                foreach (var command in property.Value.EnumerateArray())
                {
                    // NpmTrustCommands.Revoke writes `--id <id>`, single-quoted when the id has shell characters.
                    if (command.ValueKind != System.Text.Json.JsonValueKind.String
                        || System.Text.RegularExpressions.Regex.Match(command.GetString()!, @"^npm trust revoke .* --id (?:'(?<q>[^']*)'|(?<p>\S+))$") is not { Success: true } m) continue;
                    var id = m.Groups["q"].Success ? m.Groups["q"].Value : m.Groups["p"].Value;
                    if (id.Length > 0 && !id.StartsWith('<')) ids.Add(id);
                }
            }
            return ids.Distinct(StringComparer.Ordinal).ToList();
        }
        catch (System.Text.Json.JsonException)
        {
            return [];
        }
    }

    /// <summary>A stable key for an artefact's download link.</summary>
    public static string Key(GeneratedArtifact artifact) =>
        new string(((artifact.Repository is null ? "" : artifact.Repository + "-") + artifact.FileName)
            .Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray()).Trim('-');

    /// <summary>
    /// One CI file per distinct publisher: packages whose effective publisher (plan + override) names the same repository and
    /// workflow file share a file, one publish and one probe job per environment; a package is never put in a file its trust
    /// configuration does not name (npm would refuse it there). Packages of another provider get that provider's file.
    /// </summary>
    private static List<GeneratedArtifact> Workflows(PlanView view, PublisherPlan plan, string registryUrl, IReadOnlySet<string> invalid, List<string> notes)
    {
        var result = new List<GeneratedArtifact>();
        var rows = view.Rows.Where(r => r.Publisher is not null && !invalid.Contains(r.Member.Name)).ToList();
        var planRepository = plan.RepositorySlug;
        bool Covers(IReadOnlyCollection<TrackerRow> group)
        {
            // A release tool publishes every package of the repository: only when this file owns all of them.
            var sources = group.Select(r => r.Member.Source).ToHashSet(StringComparer.Ordinal);
            return view.Rows.Where(r => sources.Contains(r.Member.Source)).All(group.Contains);
        }
        static WorkflowPackage Package(TrackerRow r) => new(r.Member.Name, r.Member.WorkspacePath, r.Member.PublishSetup);

        var github = rows.Where(r => r.Publisher!.Provider == Provider.GitHub)
            .GroupBy(r => (Owner: r.Publisher!.Owner?.Trim() ?? "", Repository: r.Publisher!.Repository?.Trim() ?? "",
                File: string.IsNullOrWhiteSpace(r.Publisher!.WorkflowFile) ? WorkflowGenerator.DefaultWorkflowFile : r.Publisher!.WorkflowFile.Trim()));
        foreach (var group in github.OrderBy(g => g.Key.Owner + "/" + g.Key.Repository == planRepository ? 0 : 1).ThenBy(g => g.Key.File, StringComparer.Ordinal))
        {
            var members = group.ToList();
            var lanes = members.GroupBy(r => string.IsNullOrEmpty(r.Publisher!.Environment) ? null : r.Publisher!.Environment)
                .OrderBy(l => l.Key ?? "", StringComparer.Ordinal)
                .Select(l => new PublishLane(l.Key, l.Select(Package).ToList())).ToList();
            var first = members[0].Publisher!;
            var artifact = WorkflowGenerator.GitHubActions(first, lanes, Covers(members));
            var repository = $"{group.Key.Owner}/{group.Key.Repository}";
            result.Add(repository == planRepository ? artifact : artifact with { Repository = repository, Title = $"{artifact.Title} for {repository}" });
            if (lanes.Count > 1)
                notes.Add($"{group.Key.File} publishes to {lanes.Count} environments ({string.Join(", ", lanes.Select(l => l.Environment ?? "none"))}): one publish and one probe job each.");
        }
        var gitlab = rows.Where(r => r.Publisher!.Provider == Provider.GitLab)
            .GroupBy(r => (Project: r.Publisher!.ProjectPath?.Trim() ?? "", File: string.IsNullOrWhiteSpace(r.Publisher!.CiFile) ? WorkflowGenerator.DefaultGitLabCiFile : r.Publisher!.CiFile.Trim(),
                Environment: string.IsNullOrEmpty(r.Publisher!.Environment) ? null : r.Publisher!.Environment));
        foreach (var group in gitlab)
        {
            var members = group.ToList();
            var artifact = WorkflowGenerator.GitLabCi(members[0].Publisher!, registryUrl, members.Select(Package).ToList(), Covers(members));
            result.Add(group.Key.Project == planRepository || result.All(a => a.FileName != artifact.FileName) ? artifact
                : artifact with { Repository = group.Key.Project + (group.Key.Environment is null ? "" : "-" + group.Key.Environment), Title = $"{artifact.Title} for {group.Key.Project}" });
        }
        var circle = rows.Where(r => r.Publisher!.Provider == Provider.CircleCI).Select(r => r.Member.Name).ToList();
        if (circle.Count > 0)
            notes.Add($"No workflow is generated for CircleCI yet ({string.Join(", ", circle.Take(5))}{(circle.Count > 5 ? ", …" : "")}): publish with `circleci run oidc get` and npm ≥ 11.11 (no provenance).");
        var unbuilt = rows.Where(r => r.Member.PublishSetup is { BuildOutput: not null, BuildScripts.Count: 0, RootBuild: false }).Select(r => r.Member.Name).ToList();
        if (unbuilt.Count > 0)
            notes.Add($"{string.Join(", ", unbuilt.Take(5))}{(unbuilt.Count > 5 ? ", …" : "")} publish build output (e.g. dist/) but have no build script: add one, or the tarball goes out without it.");
        var byName = rows.Where(r => r.Member.PublishSetup is null).Select(r => r.Member.Name).ToList();
        if (byName.Count > 1)
            notes.Add($"{byName.Count} package(s) were added by name, so their folders and package manager are unknown: the workflow assumes npm and the repository root. Import the repository archive for exact commands.");
        return result;
    }

    private static PublisherPlan Trimmed(PublisherPlan p) => p with
    {
        Owner = T(p.Owner), Repository = T(p.Repository), WorkflowFile = T(p.WorkflowFile), Environment = T(p.Environment),
        ProjectPath = T(p.ProjectPath), CiFile = T(p.CiFile), OrgId = T(p.OrgId), ProjectId = T(p.ProjectId),
        PipelineDefinitionIds = T(p.PipelineDefinitionIds), VcsOrigin = T(p.VcsOrigin),
    };

    private static string? T(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Where(string path) => path.Length == 0 ? "repository root" : path;

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

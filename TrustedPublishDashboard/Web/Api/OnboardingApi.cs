using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding;

namespace TrustedPublishDashboard.Web.Api;

/// <summary>
/// Onboarding plans as JSON, and downloads of a plan's generated files. Routes:
///   GET /api/v1/onboarding/plans                  every plan with package and completion counts
///   GET /api/v1/onboarding/plans/{id}             one plan's tracker: per package its steps (state, note, who, when) and problems
///   GET /onboarding/{id}/artifacts/{file}         a generated script or workflow (the page offers the same text to copy)
/// </summary>
public static class OnboardingApi
{
    public sealed record PlanItem(long Id, string Name, string Registry, string? Provider, string? Repository, long Packages, long Completed, string CreatedAt);

    public sealed record StepItem(string Step, string State, string? Note, string? ConfirmedBy, string? UpdatedAt);

    public sealed record TrackerItem(string Package, string? ManifestVersion, string? WorkspacePath, string RegistryState, string? Status,
        IReadOnlyList<StepItem> Steps, IReadOnlyList<string> Problems, bool? TrustListMatches);

    public sealed record PlanDetailResponse(PlanItem Plan, IReadOnlyList<TrackerItem> Packages);

    public static IEndpointRouteBuilder MapOnboardingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/onboarding/{planId:long}/artifacts/{key}", DownloadAsync);
        app.MapGet("/api/v1/onboarding/plans", ListAsync);
        app.MapGet("/api/v1/onboarding/plans/{planId:long}", GetAsync);
        return app;
    }

    private static PlanItem Item(OnboardingPlanRow p) =>
        new(p.Id, p.Name, p.Registry, p.Publisher?.Provider.Code(), p.Publisher?.RepositorySlug, p.PackageCount, p.CompletedCount, p.CreatedAt);

    private static async Task<IResult> ListAsync(OnboardingService onboarding, CancellationToken ct) =>
        TypedResults.Ok((await onboarding.ListPlansAsync(ct)).Select(Item).ToList());

    private static async Task<IResult> GetAsync(long planId, OnboardingService onboarding, CancellationToken ct)
    {
        // The summary carries the completion count the list shows; the view carries the tracker.
        if (await onboarding.GetPlanAsync(planId, ct) is not { } summary || await onboarding.ViewAsync(planId, ct) is not { } view)
            return TypedResults.Problem($"There is no onboarding plan {planId}.", statusCode: StatusCodes.Status404NotFound, title: "Plan not found");
        return TypedResults.Ok(new PlanDetailResponse(Item(summary), view.Rows.Select(r => new TrackerItem(
            r.Member.Name, r.Member.ManifestVersion, r.Member.WorkspacePath, r.Member.RegistryState, r.Compliance?.Status,
            OnboardingSteps.All.Select(s => r.Steps[s] is { } row
                ? new StepItem(s.Code(), row.State, row.Note, row.Actor, row.UpdatedAt)
                : new StepItem(s.Code(), StepState.Pending.Code(), null, null, null)).ToList(),
            r.Issues.Select(i => $"{i.Code}: {i.Message}").ToList(),
            r.TrustCheck?.Matches)).ToList()));
    }

    public static string DownloadPath(long planId, string key) => $"onboarding/{planId}/artifacts/{key}";

    private static async Task<IResult> DownloadAsync(long planId, string key, OnboardingService onboarding, CancellationToken ct)
    {
        var (artifacts, notes) = await onboarding.ArtifactsAsync(planId, ct);
        var artifact = artifacts.FirstOrDefault(a => OnboardingService.Key(a) == key);
        if (artifact is null)
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such file for this plan",
                detail: notes.Count > 0 ? string.Join(" ", notes) : "The plan does not need this file (no package needs it now).");
        return Results.File(System.Text.Encoding.UTF8.GetBytes(artifact.Content), artifact.MediaType, Path.GetFileName(artifact.FileName));
    }
}

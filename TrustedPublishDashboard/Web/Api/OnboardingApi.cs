using TrustedPublishDashboard.Onboarding;

namespace TrustedPublishDashboard.Web.Api;

/// <summary>Downloads of a plan's generated scripts and workflow files (the page offers the same text to copy).</summary>
public static class OnboardingApi
{
    public static IEndpointRouteBuilder MapOnboardingApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/onboarding/{planId:long}/artifacts/{key}", DownloadAsync);
        return app;
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

using MudBlazor;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Web.Components.Pages.Onboarding;

/// <summary>How a tracker step reads: words, icon and palette colour together, so no state is told by colour alone.</summary>
public static class StepDisplay
{
    public static string Text(StepState state) => state switch
    {
        StepState.Verified => "verified",
        StepState.Confirmed => "confirmed",
        StepState.NotNeeded => "not needed",
        StepState.Failed => "failed",
        _ => "pending",
    };

    /// <summary>Palette colours, so the dark theme's lighter tones apply (the light theme's green on near-black was unreadable).</summary>
    public static Color ColorOf(StepState state) => state switch
    {
        StepState.Verified => Color.Success,
        StepState.Confirmed => Color.Info,
        StepState.Failed => Color.Error,
        _ => Color.Default,
    };

    public static string IconOf(StepState state) => state switch
    {
        StepState.Verified => Icons.Material.Filled.Verified,
        StepState.Confirmed => Icons.Material.Filled.TaskAlt,
        StepState.NotNeeded => Icons.Material.Filled.Remove,
        StepState.Failed => Icons.Material.Filled.Cancel,
        _ => Icons.Material.Outlined.Schedule,
    };

    public static string ActionText(StepState state) => state switch
    {
        StepState.Confirmed => "Confirm done",
        StepState.NotNeeded => "Not needed",
        StepState.Pending => "Reset to pending",
        _ => state.Code(),
    };

    /// <summary>What moves a step that has no note yet.</summary>
    public static string Hint(OnboardingStep step) => step switch
    {
        OnboardingStep.Bootstrap => "Decided by the registry check: needed only when the package does not exist yet.",
        OnboardingStep.TrustConfigured => "Verified by the trust probe's report (or a pasted `npm trust list --json`) on the Verify tab, or proven by a matching trusted publish.",
        OnboardingStep.OidcOnly => "Run the `npm access set mfa=publish` script, then confirm here (npm cannot report this setting).",
        OnboardingStep.TokenDeleted => "Delete the short-lived token used for the bootstrap, then confirm here.",
        OnboardingStep.FirstOidcPublish => "Turns verified when polling sees a trusted-publisher version whose publisher matches the plan.",
        _ => "",
    };
}

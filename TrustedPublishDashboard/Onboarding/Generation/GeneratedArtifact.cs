namespace TrustedPublishDashboard.Onboarding.Generation;

/// <summary>A file the dashboard offers for download or copying: a script or a CI workflow.</summary>
/// <param name="FileName">Where the file goes (a workflow's path inside the repository, a script's suggested name).</param>
/// <param name="MediaType">For the download (`text/x-shellscript`, `application/yaml`).</param>
/// <param name="Content">The file, LF line endings.</param>
/// <param name="Title">A short heading for the page.</param>
/// <param name="Description">What the file does and what to do with it, in a sentence or two.</param>
/// <param name="Packages">The packages the file acts on.</param>
public sealed record GeneratedArtifact(string FileName, string MediaType, string Content, string Title, string Description, IReadOnlyList<string> Packages)
{
    /// <summary>The repository the file belongs in (`owner/repo`) when it is not the plan's own (a package override names another).</summary>
    public string? Repository { get; init; }

    /// <summary>What the file changes, one sentence per package, when that differs between packages (the trust script).</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];
}

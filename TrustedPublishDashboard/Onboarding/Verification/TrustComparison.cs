using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding.Planning;

namespace TrustedPublishDashboard.Onboarding.Verification;

/// <summary>One field of the plan against the configuration npm reports.</summary>
public sealed record FieldComparison(string Field, string? Expected, string? Actual, bool Matches);

/// <summary>
/// Whether a package's trusted publisher is what the plan says, field by field, with the commands that fix it.
/// <see cref="Summary"/> does not start with the package name: every place that shows it names the package already.
/// </summary>
public sealed record TrustComparison(string Package, bool Matches, IReadOnlyList<FieldComparison> Fields, IReadOnlyList<string> FixCommands, string Summary);

/// <summary>The names of <see cref="FieldComparison.Field"/>.</summary>
public static class TrustFields
{
    public const string Provider = "provider";
    public const string Repository = "repository";
    public const string WorkflowFile = "workflow-file";
    public const string ProjectPath = "project-path";
    public const string CiFile = "ci-file";
    public const string Environment = "environment";
    public const string OrgId = "org-id";
    public const string ProjectId = "project-id";
    public const string PipelineDefinitionIds = "pipeline-definition-ids";
    public const string VcsOrigin = "vcs-origin";
    public const string PublishPermission = "publish-permission";
}

/// <summary>
/// Compares the plan's publisher with what `npm trust list` reported. Each provider's fields are a table of named pure
/// comparisons run by one loop. npm compares repository, file and environment exactly, so this does too.
/// </summary>
public static class TrustComparer
{
    /// <summary>npm's permission that allows a direct publish; without it a connection is stage-only.</summary>
    public const string PublishPermission = "createPackage";

    public delegate FieldComparison FieldCheck(PublisherPlan expected, TrustConfiguration actual);

    /// <summary>The fields compared per provider. A new field is one function and one row.</summary>
    public static IReadOnlyDictionary<Provider, IReadOnlyList<(string Name, FieldCheck Check)>> FieldChecks { get; } =
        new Dictionary<Provider, IReadOnlyList<(string, FieldCheck)>>
        {
            [Provider.GitHub] =
            [
                (nameof(SameProvider), SameProvider),
                (nameof(SameGitHubRepository), SameGitHubRepository),
                (nameof(SameWorkflowFile), SameWorkflowFile),
                (nameof(SameEnvironment), SameEnvironment),
                (nameof(AllowsPublish), AllowsPublish),
            ],
            [Provider.GitLab] =
            [
                (nameof(SameProvider), SameProvider),
                (nameof(SameProjectPath), SameProjectPath),
                (nameof(SameCiFile), SameCiFile),
                (nameof(SameEnvironment), SameEnvironment),
                (nameof(AllowsPublish), AllowsPublish),
            ],
            [Provider.CircleCI] =
            [
                (nameof(SameProvider), SameProvider),
                (nameof(SameOrgId), SameOrgId),
                (nameof(SameProjectId), SameProjectId),
                (nameof(SamePipelineDefinitionIds), SamePipelineDefinitionIds),
                (nameof(SameVcsOrigin), SameVcsOrigin),
                (nameof(AllowsPublish), AllowsPublish),
            ],
        };

    public static TrustComparison Compare(string package, PublisherPlan expected, IReadOnlyList<TrustConfiguration> actual)
    {
        var missingPlanFields = NpmTrustCommands.MissingFields(expected);
        var configure = missingPlanFields.Count == 0 ? NpmTrustCommands.Configure(package, expected) : null;
        var incomplete = missingPlanFields.Count == 0 ? "" : $" The plan is incomplete ({string.Join(", ", missingPlanFields)} missing), so no command can be suggested yet.";
        var checks = FieldChecks[expected.Provider];

        if (actual.Count == 0)
        {
            var none = checks.Select(c => c.Check(expected, Empty(package))).Select(f => f with { Actual = null, Matches = false }).ToList();
            return new TrustComparison(package, false, none, configure is null ? [] : [configure],
                $"not configured: npm refuses OIDC publishes until a trusted publisher is configured.{incomplete}");
        }

        var ranked = actual
            .Select((config, index) => (config, index, fields: checks.Select(c => c.Check(expected, config)).ToList()))
            .OrderByDescending(r => r.fields[0].Matches)
            .ThenByDescending(r => r.fields.Count(f => f.Matches))
            .ThenBy(r => r.index)
            .ToList();
        var (best, _, fields) = ranked[0];
        var matches = fields.All(f => f.Matches);
        var extras = ranked.Skip(1).Select(r => r.config).ToList();

        var fixes = new List<string>();
        var summary = new List<string>();
        if (matches)
        {
            summary.Add($"configured as planned ({Describe(best)}).");
        }
        else
        {
            var wrong = fields.Where(f => !f.Matches).ToList();
            summary.Add($"configured differently from the plan in {string.Join(", ", wrong.Select(f => f.Field))}.");
            foreach (var field in wrong) summary.Add(Explain(field));
            if (configure is not null)
            {
                fixes.Add(best.Id is { Length: > 0 } id
                    ? NpmTrustCommands.Revoke(package, id)
                    : NpmTrustCommands.Revoke(package, "<id from npm trust list>"));
                fixes.Add(configure);
            }
            if (best.Id is null or "") summary.Add($"npm did not report the configuration's id; find it with {NpmTrustCommands.List(package)}.");
        }
        if (extras.Count > 0)
        {
            var ids = string.Join(", ", extras.Select(e => e.Id ?? "(no id)"));
            summary.Add($"{extras.Count} more configuration{(extras.Count == 1 ? "" : "s")} exist{(extras.Count == 1 ? "s" : "")} (id {ids}); " +
                "each can publish, so remove the ones the plan does not name with npm trust revoke.");
        }
        var unreported = fields.Where(f => f.Matches && f.Actual is null && f.Expected is not null).Select(f => f.Field).ToList();
        if (unreported.Count > 0) summary.Add($"npm did not report {string.Join(", ", unreported)}, so {(unreported.Count == 1 ? "it was" : "they were")} not compared.");
        return new TrustComparison(package, matches, fields, fixes, string.Join(" ", summary) + incomplete);
    }

    private static string Explain(FieldComparison f) => f.Field switch
    {
        TrustFields.PublishPermission => "The configuration is stage-only: add --allow-publish (it lacks createPackage, so CI can stage but not publish; revoke it and create it again with --allow-publish).",
        TrustFields.Repository or TrustFields.ProjectPath when f.Expected is not null && f.Actual is not null && string.Equals(f.Expected, f.Actual, StringComparison.OrdinalIgnoreCase) =>
            $"The {f.Field} differs only in letter case ({f.Actual} vs {f.Expected}): npm compares the repository case-sensitively, so publishes from {f.Expected} are refused.",
        _ => $"{Capital(f.Field)}: npm has {Show(f.Actual)}, the plan says {Show(f.Expected)}.",
    };

    /// <summary>What npm reported, in the words of `npm trust github`: provider, repository, file, environment.</summary>
    private static string Describe(TrustConfiguration c)
    {
        var parts = new List<string>();
        if (c.Type is { Length: > 0 } type) parts.Add(type);
        if ((c.Repository ?? c.ProjectPath) is { Length: > 0 } where) parts.Add(where);
        if (c.File is { Length: > 0 } file) parts.Add(file);
        parts.Add(c.Environment is { Length: > 0 } env ? $"environment {env}" : "no environment");
        return string.Join(", ", parts);
    }

    private static string Show(string? value) => value is null ? "none" : $"\"{value}\"";

    private static string Capital(string field) => char.ToUpperInvariant(field[0]) + field[1..].Replace('-', ' ');

    private static TrustConfiguration Empty(string package) => new(package, null, null, null, null, null, null, [], new Dictionary<string, string>());

    // ---- field checks --------------------------------------------------------------------------------------------

    public static FieldComparison SameProvider(PublisherPlan expected, TrustConfiguration actual) =>
        Exact(TrustFields.Provider, expected.Provider.Code(), actual.Type?.Trim().ToLowerInvariant());

    public static FieldComparison SameGitHubRepository(PublisherPlan expected, TrustConfiguration actual)
    {
        var want = string.IsNullOrWhiteSpace(expected.Owner) || string.IsNullOrWhiteSpace(expected.Repository) ? null : $"{expected.Owner.Trim()}/{expected.Repository.Trim()}";
        return Exact(TrustFields.Repository, want, RepositorySlug(actual.Repository));
    }

    public static FieldComparison SameWorkflowFile(PublisherPlan expected, TrustConfiguration actual) =>
        Exact(TrustFields.WorkflowFile, Trimmed(expected.WorkflowFile), Trimmed(actual.File));

    public static FieldComparison SameProjectPath(PublisherPlan expected, TrustConfiguration actual) =>
        Exact(TrustFields.ProjectPath, Trimmed(expected.ProjectPath), Trimmed(actual.ProjectPath) ?? RepositorySlug(actual.Repository));

    public static FieldComparison SameCiFile(PublisherPlan expected, TrustConfiguration actual) =>
        Exact(TrustFields.CiFile, Trimmed(expected.CiFile), Trimmed(actual.File));

    /// <summary>No environment on both sides matches; one side naming one and the other not is a mismatch (npm checks it when configured).</summary>
    public static FieldComparison SameEnvironment(PublisherPlan expected, TrustConfiguration actual) =>
        Exact(TrustFields.Environment, NullIfEmpty(expected.Environment), NullIfEmpty(actual.Environment));

    /// <summary>Permissions not reported at all (older or flat outputs) are not held against the configuration.</summary>
    public static FieldComparison AllowsPublish(PublisherPlan expected, TrustConfiguration actual)
    {
        if (actual.Permissions.Count == 0) return new FieldComparison(TrustFields.PublishPermission, PublishPermission, null, true);
        var has = actual.Permissions.Contains(PublishPermission, StringComparer.Ordinal);
        return new FieldComparison(TrustFields.PublishPermission, PublishPermission, has ? PublishPermission : "stage only", has);
    }

    public static FieldComparison SameOrgId(PublisherPlan expected, TrustConfiguration actual) =>
        Reported(TrustFields.OrgId, Trimmed(expected.OrgId), OtherValue(actual, "org_id", "orgId", "organization_id"), StringComparer.OrdinalIgnoreCase);

    public static FieldComparison SameProjectId(PublisherPlan expected, TrustConfiguration actual) =>
        Reported(TrustFields.ProjectId, Trimmed(expected.ProjectId), OtherValue(actual, "project_id", "projectId"), StringComparer.OrdinalIgnoreCase);

    /// <summary>The same set of ids, in any order (UUIDs, so letter case does not matter).</summary>
    public static FieldComparison SamePipelineDefinitionIds(PublisherPlan expected, TrustConfiguration actual)
    {
        var want = PlanValidator.SplitIds(expected.PipelineDefinitionIds).Select(i => i.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        var reported = OtherValue(actual, "pipeline_definition_ids", "pipeline_definition_id", "pipelineDefinitionIds", "pipelineDefinitionId");
        var have = PlanValidator.SplitIds(reported).Select(i => i.ToLowerInvariant()).Order(StringComparer.Ordinal).ToList();
        var wantText = want.Count == 0 ? null : string.Join(",", want);
        var haveText = have.Count == 0 ? null : string.Join(",", have);
        return Reported(TrustFields.PipelineDefinitionIds, wantText, haveText, StringComparer.Ordinal);
    }

    public static FieldComparison SameVcsOrigin(PublisherPlan expected, TrustConfiguration actual) =>
        Reported(TrustFields.VcsOrigin, Trimmed(expected.VcsOrigin), OtherValue(actual, "vcs_origin", "vcsOrigin") ?? Trimmed(actual.Repository), StringComparer.Ordinal);

    private static FieldComparison Exact(string field, string? expected, string? actual) =>
        new(field, expected, actual, string.Equals(expected, actual, StringComparison.Ordinal));

    /// <summary>CircleCI: the list format for its claims is unverified, so a claim npm did not report is not compared.</summary>
    private static FieldComparison Reported(string field, string? expected, string? actual, StringComparer comparer) =>
        new(field, expected, actual, actual is null || comparer.Equals(expected ?? "", actual));

    /// <summary>`o/r` from `o/r` or a repository URL (`https://github.com/o/r`).</summary>
    private static string? RepositorySlug(string? repository)
    {
        var value = Trimmed(repository);
        if (value is null) return null;
        return value.Contains("://", StringComparison.Ordinal) || value.Contains('@') ? RepositoryUrl.Parse(value)?.Path ?? value : value.Trim('/');
    }

    private static string? OtherValue(TrustConfiguration actual, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (actual.Other.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value)) return value.Trim();
        }
        return null;
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

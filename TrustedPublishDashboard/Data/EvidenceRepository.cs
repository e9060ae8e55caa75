using System.Data.Common;
using System.Text.Json;
using Dapper;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Registries;
using TrustedPublishDashboard.Registries.Npm;

namespace TrustedPublishDashboard.Data;

/// <summary>What is stored about a package between polls: validators for conditional requests and what attestations said.</summary>
public sealed record StoredPackageState(string? ETag, string? LastModified, string? LatestVersion, int PendingAttestations,
    IReadOnlyDictionary<string, AttestationReading> KnownAttestations)
{
    /// <summary>The maintainers stored by the last successful fetch (null: none stored yet).</summary>
    public IReadOnlyList<Maintainer>? Maintainers { get; init; }
    public int ConsecutiveFailures { get; init; }
    public DateTimeOffset? SucceededAt { get; init; }
}

public sealed record PackageEvidenceRow
{
    public long PackageId { get; init; }
    public string Status { get; init; } = "";
    public string? LatestVersion { get; init; }
    public string? LatestMethod { get; init; }
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    public string? Maintainers { get; init; }
    public string CheckedAt { get; init; } = "";
    public string? SucceededAt { get; init; }
    public string? Error { get; init; }
    public long ConsecutiveFailures { get; init; }
}

public sealed record FindingRow
{
    public long Id { get; init; }
    public long PackageId { get; init; }
    public string Kind { get; init; } = "";
    public string Version { get; init; } = "";
    public string Message { get; init; } = "";
    public string DetectedAt { get; init; } = "";
}

/// <summary>
/// One check of one package by a poll: what came of it and how long it took. Saved with the evidence it produced (same
/// transaction); <see cref="EvidenceRepository.ChecksKept"/> per package are kept.
/// </summary>
public sealed record PackageCheck(long? PollRunId, string Outcome, TimeSpan Duration)
{
    public const string Updated = "updated";
    public const string Unchanged = "unchanged";
    public const string Failed = "failed";
    public const string NotFound = "not-found";
    /// <summary>Never found on the registry: the package is not published yet (not a failure).</summary>
    public const string NotPublished = "not-published";
}

/// <summary>A stored check, with its poll's trigger (scheduled / manual; null when the run is gone).</summary>
public sealed record PackageCheckRow
{
    public long Id { get; init; }
    public long? PollRunId { get; init; }
    public string CheckedAt { get; init; } = "";
    public string Outcome { get; init; } = "";
    public string? Error { get; init; }
    public long DurationMs { get; init; }
    public string? Trigger { get; init; }
}

/// <summary>Evidence per package: versions, attestations, findings, status. Every save is one transaction.</summary>
public sealed class EvidenceRepository(IDbConnectionFactory connections)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string SelectState = """
        SELECT etag AS ETag, last_modified AS LastModified, latest_version AS LatestVersion, maintainers AS Maintainers,
               consecutive_failures AS ConsecutiveFailures, succeeded_at AS SucceededAt, checked_at AS CheckedAt
        FROM package_evidence WHERE package_id = @PackageId
        """;

    private const string SelectVersions = """
        SELECT version AS Version, published_at AS PublishedAt, method AS Method, provenance AS Provenance, published_by AS PublishedBy,
               approved_by AS ApprovedBy, provider AS Provider, repository AS Repository, workflow AS Workflow, ref AS Ref,
               environment AS Environment, trigger AS Trigger, config_id AS ConfigId, commit_sha AS CommitSha, runner AS Runner,
               invocation AS Invocation, attestation_state AS AttestationState, evidence_error AS EvidenceError
        FROM package_versions WHERE package_id = @PackageId AND removed_at IS NULL
        """;

    private const string UpsertVersion = """
        INSERT INTO package_versions (package_id, version, published_at, method, provenance, published_by, approved_by, provider, repository,
            workflow, ref, environment, trigger, config_id, commit_sha, runner, invocation, attestation_state, evidence_error, first_seen_at, removed_at)
        VALUES (@PackageId, @Version, @PublishedAt, @Method, @Provenance, @PublishedBy, @ApprovedBy, @Provider, @Repository,
            @Workflow, @Ref, @Environment, @Trigger, @ConfigId, @CommitSha, @Runner, @Invocation, @AttestationState, @EvidenceError, @Now, NULL)
        ON CONFLICT (package_id, version) DO UPDATE SET
            published_at = excluded.published_at, method = excluded.method, provenance = excluded.provenance,
            published_by = excluded.published_by, approved_by = excluded.approved_by, provider = excluded.provider,
            repository = excluded.repository, workflow = excluded.workflow, ref = excluded.ref, environment = excluded.environment,
            trigger = excluded.trigger, config_id = excluded.config_id, commit_sha = excluded.commit_sha, runner = excluded.runner,
            invocation = excluded.invocation, attestation_state = excluded.attestation_state, evidence_error = excluded.evidence_error,
            removed_at = NULL
        """;

    // Versions the registry no longer lists (unpublished) are kept for the record but leave the evaluation.
    private const string MarkRemoved = """
        UPDATE package_versions SET removed_at = @Now
        WHERE package_id = @PackageId AND removed_at IS NULL AND version NOT IN (SELECT value FROM json_each(@Versions))
        """;

    private const string InsertAttestation = """
        INSERT INTO attestations (package_id, version, fetched_at, http_status, body) VALUES (@PackageId, @Version, @Now, @HttpStatus, @Body)
        ON CONFLICT (package_id, version) DO NOTHING
        """;

    private const string UpsertFinding = """
        INSERT INTO findings (package_id, kind, version, message, detected_at) VALUES (@PackageId, @Kind, @Version, @Message, @Now)
        ON CONFLICT (package_id, kind, version) DO UPDATE SET message = excluded.message
        """;

    private const string DeleteStaleFindings = """
        DELETE FROM findings WHERE package_id = @PackageId
          AND (kind || char(31) || version) NOT IN (SELECT value FROM json_each(@Keys))
        """;

    private const string UpsertSuccess = """
        INSERT INTO package_evidence (package_id, status, latest_version, latest_method, etag, last_modified, maintainers, checked_at, succeeded_at, error, consecutive_failures,
            latest_published_at, latest_provenance, latest_provider, latest_repository, latest_workflow, last_token_version, last_token_at, finding_count, has_downgrade, has_drift, accepted_count)
        VALUES (@PackageId, @Status, @LatestVersion, @LatestMethod, @ETag, @LastModified, @Maintainers, @Now, @Now, NULL, 0,
            @LatestPublishedAt, @LatestProvenance, @LatestProvider, @LatestRepository, @LatestWorkflow, @LastTokenVersion, @LastTokenAt, @FindingCount, @HasDowngrade, @HasDrift, @AcceptedCount)
        ON CONFLICT (package_id) DO UPDATE SET status = excluded.status, latest_version = excluded.latest_version,
            latest_method = excluded.latest_method, etag = excluded.etag, last_modified = excluded.last_modified,
            maintainers = COALESCE(excluded.maintainers, package_evidence.maintainers), checked_at = excluded.checked_at,
            succeeded_at = excluded.succeeded_at, error = NULL, consecutive_failures = 0,
            latest_published_at = excluded.latest_published_at, latest_provenance = excluded.latest_provenance,
            latest_provider = excluded.latest_provider, latest_repository = excluded.latest_repository,
            latest_workflow = excluded.latest_workflow, last_token_version = excluded.last_token_version,
            last_token_at = excluded.last_token_at, finding_count = excluded.finding_count,
            has_downgrade = excluded.has_downgrade, has_drift = excluded.has_drift, accepted_count = excluded.accepted_count
        """;

    private const string UpsertFailure = """
        INSERT INTO package_evidence (package_id, status, checked_at, error, consecutive_failures)
        VALUES (@PackageId, 'error', @Now, @Error, 1)
        ON CONFLICT (package_id) DO UPDATE SET status = 'error', checked_at = excluded.checked_at, error = excluded.error,
            consecutive_failures = package_evidence.consecutive_failures + 1
        """;

    /// <summary>Checks kept per package: the detail page shows the newest ten; a few more cover a burst of re-checks.</summary>
    public const int ChecksKept = 20;

    private const string InsertCheck = """
        INSERT INTO package_checks (package_id, poll_run_id, checked_at, outcome, error, duration_ms)
        VALUES (@PackageId, @PollRunId, @Now, @Outcome, @Error, @DurationMs)
        """;

    // Bounded by the (package_id, id) index: finds the newest row beyond the kept ones and deletes it and older ones.
    private const string PruneChecks = """
        DELETE FROM package_checks WHERE package_id = @PackageId AND id <= (
            SELECT id FROM package_checks WHERE package_id = @PackageId ORDER BY id DESC LIMIT 1 OFFSET @Keep)
        """;

    private const string SelectChecks = """
        SELECT c.id AS Id, c.poll_run_id AS PollRunId, c.checked_at AS CheckedAt, c.outcome AS Outcome, c.error AS Error,
               c.duration_ms AS DurationMs, r.trigger AS Trigger
        FROM package_checks c LEFT JOIN poll_runs r ON r.id = c.poll_run_id
        WHERE c.package_id = @PackageId ORDER BY c.id DESC LIMIT @Take
        """;

    /// <summary>This package's most recent checks, newest first.</summary>
    public async Task<IReadOnlyList<PackageCheckRow>> ListChecksAsync(long packageId, int take, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<PackageCheckRow>(new CommandDefinition(SelectChecks,
            new { PackageId = packageId, Take = Math.Clamp(take, 1, ChecksKept) }, cancellationToken: ct))).AsList();
    }

    private static async Task SaveCheckAsync(DbConnection connection, DbTransaction tx, long packageId, PackageCheck? check, string? error, string now, CancellationToken ct)
    {
        if (check is null) return;
        await connection.ExecuteAsync(new CommandDefinition(InsertCheck, new
        {
            PackageId = packageId, check.PollRunId, Now = now, check.Outcome, Error = error, DurationMs = (long)check.Duration.TotalMilliseconds,
        }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(PruneChecks, new { PackageId = packageId, Keep = ChecksKept }, tx, cancellationToken: ct));
    }

    public async Task<StoredPackageState> LoadStateAsync(long packageId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var state = await connection.QuerySingleOrDefaultAsync<PackageEvidenceRow>(new CommandDefinition(SelectState, new { PackageId = packageId }, cancellationToken: ct));
        var versions = (await connection.QueryAsync<VersionRecord>(new CommandDefinition(SelectVersions, new { PackageId = packageId }, cancellationToken: ct))).AsList();
        var known = new Dictionary<string, AttestationReading>(StringComparer.Ordinal);
        foreach (var v in versions)
        {
            switch (v.AttestationState)
            {
                case "fetched": known[v.Version] = new AttestationReading(v.ToEvidence().Publisher, null); break;
                case "none": known[v.Version] = AttestationReading.None; break;
                case "error": known[v.Version] = new AttestationReading(null, v.EvidenceError); break;
            }
        }
        return new StoredPackageState(state?.ETag, state?.LastModified, state?.LatestVersion, versions.Count(v => v.AttestationState == "pending"), known)
        {
            Maintainers = state?.Maintainers is { Length: > 0 } json ? JsonSerializer.Deserialize<List<Maintainer>>(json, Json) : null,
            ConsecutiveFailures = (int)(state?.ConsecutiveFailures ?? 0),
            SucceededAt = DbTime.ParseOrNull(state?.SucceededAt),
        };
    }

    /// <summary>The stored history (as of the last successful fetch), for re-evaluation and the detail page.</summary>
    public async Task<PackageHistory> LoadHistoryAsync(PackageId package, long packageId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        var latest = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT latest_version FROM package_evidence WHERE package_id = @PackageId", new { PackageId = packageId }, cancellationToken: ct));
        var versions = await connection.QueryAsync<VersionRecord>(new CommandDefinition(SelectVersions, new { PackageId = packageId }, cancellationToken: ct));
        return new PackageHistory(package, latest, versions.Select(v => v.ToEvidence()).ToList());
    }

    public async Task<PackageEvidenceRow?> GetEvidenceAsync(long packageId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<PackageEvidenceRow>(new CommandDefinition("""
            SELECT package_id AS PackageId, status AS Status, latest_version AS LatestVersion, latest_method AS LatestMethod, etag AS ETag,
                   last_modified AS LastModified, maintainers AS Maintainers, checked_at AS CheckedAt, succeeded_at AS SucceededAt,
                   error AS Error, consecutive_failures AS ConsecutiveFailures
            FROM package_evidence WHERE package_id = @PackageId
            """, new { PackageId = packageId }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<FindingRow>> ListFindingsAsync(long packageId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<FindingRow>(new CommandDefinition("""
            SELECT id AS Id, package_id AS PackageId, kind AS Kind, version AS Version, message AS Message, detected_at AS DetectedAt
            FROM findings WHERE package_id = @PackageId ORDER BY detected_at, id
            """, new { PackageId = packageId }, cancellationToken: ct))).AsList();
    }

    /// <summary>Stores a successful fetch: versions, new attestations, findings and status, all or nothing.</summary>
    /// <param name="alerts">Alerts the new evidence raises: written in the same transaction (the outbox).</param>
    /// <param name="check">The poll's record of this check, saved alongside (null: not part of a poll, e.g. sample data).</param>
    public async Task SaveFetchedAsync(long packageId, RegistryFetch.Fetched fetch, PackageEvaluation evaluation, DateTimeOffset now, CancellationToken ct,
        IReadOnlyList<AlertCandidate>? alerts = null, PackageCheck? check = null)
    {
        var readings = fetch.NewAttestations.ToDictionary(a => a.Version, a => a.Reading, StringComparer.Ordinal);
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var nowText = DbTime.ToText(now);
        var known = (await connection.QueryAsync<(string Version, string State)>(new CommandDefinition(
            "SELECT version, attestation_state FROM package_versions WHERE package_id = @PackageId", new { PackageId = packageId }, tx, cancellationToken: ct)))
            .ToDictionary(r => r.Version, r => r.State, StringComparer.Ordinal);

        var rows = fetch.History.Versions.Select(v => VersionParameters(packageId, v, nowText,
            AttestationState(v, readings.GetValueOrDefault(v.Version), known.GetValueOrDefault(v.Version), fetch.PendingAttestations)));
        await connection.ExecuteAsync(new CommandDefinition(UpsertVersion, rows, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(MarkRemoved, new
        {
            PackageId = packageId,
            Now = nowText,
            Versions = JsonSerializer.Serialize(fetch.History.Versions.Select(v => v.Version)),
        }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(InsertAttestation,
            fetch.NewAttestations.Select(a => new { PackageId = packageId, a.Version, Now = nowText, a.HttpStatus, a.Body }), tx, cancellationToken: ct));
        await SaveFindingsAsync(connection, tx, packageId, evaluation.Findings, nowText, ct);
        await FindingAcceptanceRepository.EndExpiredAsync(connection, tx, evaluation.ExpiredAcceptances, ct);
        await connection.ExecuteAsync(new CommandDefinition(UpsertSuccess,
            SuccessParameters(packageId, fetch.History, evaluation, fetch.ETag, fetch.LastModified, JsonSerializer.Serialize(fetch.Maintainers, Json), nowText),
            tx, cancellationToken: ct));
        await AlertRepository.InsertAsync(connection, tx, fetch.History.Package, packageId, alerts ?? [], nowText, ct);
        await SaveCheckAsync(connection, tx, packageId, check, null, nowText, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The registry said nothing changed: refresh the check time and the status from stored evidence.</summary>
    public async Task SaveUnchangedAsync(long packageId, PackageHistory history, PackageEvaluation evaluation, string? etag, string? lastModified, DateTimeOffset now,
        CancellationToken ct, IReadOnlyList<AlertCandidate>? alerts = null, PackageCheck? check = null)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var nowText = DbTime.ToText(now);
        await SaveFindingsAsync(connection, tx, packageId, evaluation.Findings, nowText, ct);
        await FindingAcceptanceRepository.EndExpiredAsync(connection, tx, evaluation.ExpiredAcceptances, ct);
        await connection.ExecuteAsync(new CommandDefinition(UpsertSuccess,
            SuccessParameters(packageId, history, evaluation, etag, lastModified, null, nowText), tx, cancellationToken: ct));
        await AlertRepository.InsertAsync(connection, tx, history.Package, packageId, alerts ?? [], nowText, ct);
        await SaveCheckAsync(connection, tx, packageId, check, null, nowText, ct);
        await tx.CommitAsync(ct);
    }

    private static object SuccessParameters(long packageId, PackageHistory history, PackageEvaluation evaluation, string? etag, string? lastModified,
        string? maintainers, string now)
    {
        var summary = PackageSummary.From(history, evaluation);
        return new
        {
            PackageId = packageId,
            Status = evaluation.Status.Code(),
            evaluation.LatestVersion,
            LatestMethod = evaluation.LatestMethod?.Code(),
            ETag = etag,
            LastModified = lastModified,
            Maintainers = maintainers,
            Now = now,
            LatestPublishedAt = summary.LatestPublishedAt is { } p ? DbTime.ToText(p) : null,
            LatestProvenance = summary.LatestProvenance is { } prov ? (prov ? 1 : 0) : (int?)null,
            summary.LatestProvider,
            summary.LatestRepository,
            summary.LatestWorkflow,
            summary.LastTokenVersion,
            LastTokenAt = summary.LastTokenAt is { } t ? DbTime.ToText(t) : null,
            summary.FindingCount,
            HasDowngrade = summary.HasDowngrade ? 1 : 0,
            HasDrift = summary.HasDrift ? 1 : 0,
            summary.AcceptedCount,
        };
    }

    private const string UpsertNotPublished = """
        INSERT INTO package_evidence (package_id, status, checked_at, error, consecutive_failures)
        VALUES (@PackageId, 'not-published', @Now, NULL, 0)
        ON CONFLICT (package_id) DO UPDATE SET status = 'not-published', checked_at = excluded.checked_at, error = NULL, consecutive_failures = 0
        """;

    /// <summary>The registry has never had the package (never found, now 404): status not-published, no error.</summary>
    public async Task SaveNotPublishedAsync(long packageId, DateTimeOffset now, CancellationToken ct, PackageCheck? check = null)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var nowText = DbTime.ToText(now);
        await connection.ExecuteAsync(new CommandDefinition(UpsertNotPublished, new { PackageId = packageId, Now = nowText }, tx, cancellationToken: ct));
        await SaveCheckAsync(connection, tx, packageId, check, null, nowText, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>A failed fetch: only the check columns change; stored versions, findings and validators are kept.</summary>
    public async Task SaveFailureAsync(long packageId, string error, DateTimeOffset now, CancellationToken ct, PackageId? package = null, AlertCandidate? alert = null,
        PackageCheck? check = null)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var nowText = DbTime.ToText(now);
        await connection.ExecuteAsync(new CommandDefinition(UpsertFailure, new { PackageId = packageId, Error = error, Now = nowText }, tx, cancellationToken: ct));
        if (package is not null && alert is not null) await AlertRepository.InsertAsync(connection, tx, package, packageId, [alert], nowText, ct);
        await SaveCheckAsync(connection, tx, packageId, check, error, nowText, ct);
        await tx.CommitAsync(ct);
    }

    private static async Task SaveFindingsAsync(DbConnection connection, DbTransaction tx, long packageId, IReadOnlyList<Finding> findings, string now, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(UpsertFinding,
            findings.Select(f => new { PackageId = packageId, f.Kind, Version = f.Version ?? "", f.Message, Now = now }), tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(DeleteStaleFindings, new
        {
            PackageId = packageId,
            Keys = JsonSerializer.Serialize(findings.Select(f => f.Kind + "\u001f" + (f.Version ?? ""))),
        }, tx, cancellationToken: ct));
    }

    private static string AttestationState(VersionEvidence v, AttestationReading? fresh, string? stored, IReadOnlySet<string> pending)
    {
        if (!v.Provenance) return "not-applicable";
        if (fresh is not null) return fresh.Error is not null ? "error" : fresh.Identity is not null ? "fetched" : "none";
        if (pending.Contains(v.Version)) return "pending";
        return stored is "fetched" or "none" or "error" ? stored : "pending";
    }

    private static object VersionParameters(long packageId, VersionEvidence v, string now, string attestationState) => new
    {
        PackageId = packageId,
        v.Version,
        PublishedAt = v.PublishedAt is { } t ? DbTime.ToText(t) : null,
        Method = v.Method.Code(),
        Provenance = v.Provenance ? 1 : 0,
        v.PublishedBy,
        v.ApprovedBy,
        v.Publisher?.Provider,
        v.Publisher?.Repository,
        v.Publisher?.Workflow,
        v.Publisher?.Ref,
        v.Publisher?.Environment,
        v.Publisher?.Trigger,
        v.Publisher?.ConfigId,
        CommitSha = v.Publisher?.Commit,
        v.Publisher?.Runner,
        v.Publisher?.Invocation,
        AttestationState = attestationState,
        v.EvidenceError,
        Now = now,
    };

    private sealed record VersionRecord
    {
        public string Version { get; init; } = "";
        public string? PublishedAt { get; init; }
        public string Method { get; init; } = "";
        public long Provenance { get; init; }
        public string? PublishedBy { get; init; }
        public string? ApprovedBy { get; init; }
        public string? Provider { get; init; }
        public string? Repository { get; init; }
        public string? Workflow { get; init; }
        public string? Ref { get; init; }
        public string? Environment { get; init; }
        public string? Trigger { get; init; }
        public string? ConfigId { get; init; }
        public string? CommitSha { get; init; }
        public string? Runner { get; init; }
        public string? Invocation { get; init; }
        public string AttestationState { get; init; } = "";
        public string? EvidenceError { get; init; }

        public VersionEvidence ToEvidence() => new(
            Version,
            DbTime.ParseOrNull(PublishedAt),
            PublishMethods.Parse(Method),
            Provenance != 0,
            Provider is null ? null : new PublisherIdentity(Provider, Repository, Workflow, Ref, Environment, Trigger, ConfigId, CommitSha, Runner, Invocation),
            PublishedBy,
            ApprovedBy,
            EvidenceError);
    }
}

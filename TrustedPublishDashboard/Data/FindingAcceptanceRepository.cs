using System.Data.Common;
using Dapper;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Data;

/// <summary>One acceptance as stored: active (no end) or ended by a reopen or its expiry. The rows are the findings' history.</summary>
public sealed record AcceptanceRow
{
    public long Id { get; init; }
    public long PackageId { get; init; }
    public string Kind { get; init; } = "";
    public string Version { get; init; } = "";
    public string ReasonKind { get; init; } = "";
    public string Reason { get; init; } = "";
    public string AcceptedBy { get; init; } = "";
    public string AcceptedAt { get; init; } = "";
    public string? ExpiresAt { get; init; }
    public string? EndedAt { get; init; }
    public string? EndedBy { get; init; }
    public string? EndReason { get; init; }

    public bool IsActive => EndedAt is null;

    public FindingAcceptance ToDomain() => new(Id, Kind, Version,
        AcceptanceReasons.TryParse(ReasonKind, out var reason) ? reason : AcceptanceReason.AcceptedRisk,
        Reason, AcceptedBy, DbTime.Parse(AcceptedAt), DbTime.ParseOrNull(ExpiresAt));
}

/// <summary>A new acceptance of one finding of one package.</summary>
public sealed record NewAcceptance(string Kind, string Version, AcceptanceReason Reason, string Note, DateTimeOffset? ExpiresAt);

/// <summary>
/// Finding acceptances (triage), one aggregate: accepting, reopening and expiring write the acceptance rows and the
/// package's stored status and counts in one transaction, so the grid, badge, API and exports change at once.
/// </summary>
public sealed class FindingAcceptanceRepository(IDbConnectionFactory connections)
{
    private const string Columns = """
        id AS Id, package_id AS PackageId, kind AS Kind, version AS Version, reason_kind AS ReasonKind, reason AS Reason,
        accepted_by AS AcceptedBy, accepted_at AS AcceptedAt, expires_at AS ExpiresAt, ended_at AS EndedAt, ended_by AS EndedBy, end_reason AS EndReason
        """;

    private const string SelectActive = $"SELECT {Columns} FROM finding_acceptances WHERE package_id = @PackageId AND ended_at IS NULL";

    private const string SelectActiveByName = $"""
        SELECT {Columns} FROM finding_acceptances
        WHERE ended_at IS NULL AND package_id = (SELECT id FROM packages WHERE registry = @Registry AND name = @Name)
        """;

    private const string SelectHistory = $"SELECT {Columns} FROM finding_acceptances WHERE package_id = @PackageId ORDER BY accepted_at, id";

    private const string SelectDuePackages = """
        SELECT DISTINCT package_id FROM finding_acceptances WHERE ended_at IS NULL AND expires_at IS NOT NULL AND expires_at <= @Now
        """;

    private const string InsertAcceptance = """
        INSERT INTO finding_acceptances (package_id, kind, version, reason_kind, reason, accepted_by, accepted_at, expires_at)
        VALUES (@PackageId, @Kind, @Version, @ReasonKind, @Reason, @AcceptedBy, @Now, @ExpiresAt)
        ON CONFLICT (package_id, kind, version) WHERE ended_at IS NULL DO NOTHING
        """;

    private const string EndReopened = """
        UPDATE finding_acceptances SET ended_at = @Now, ended_by = @By, end_reason = 'reopened'
        WHERE package_id = @PackageId AND kind = @Kind AND version = @Version AND ended_at IS NULL
        """;

    // An expired acceptance ends when its expiry passed, not when the sweep noticed it: the history says the true time.
    private const string EndExpired = """
        UPDATE finding_acceptances SET ended_at = expires_at, end_reason = 'expired'
        WHERE id = @Id AND ended_at IS NULL
        """;

    // The stored status follows the triage; a status the poll set for other reasons (error, and any status the rules do
    // not compute) stays as it is.
    private const string UpdateEvidence = """
        UPDATE package_evidence SET
            status = CASE WHEN status IN ('compliant', 'non-compliant', 'unknown') THEN @Status ELSE status END,
            finding_count = @FindingCount, accepted_count = @AcceptedCount, has_downgrade = @HasDowngrade, has_drift = @HasDrift
        WHERE package_id = @PackageId
        """;

    public async Task<IReadOnlyList<FindingAcceptance>> ActiveAsync(long packageId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<AcceptanceRow>(new CommandDefinition(SelectActive, new { PackageId = packageId }, cancellationToken: ct)))
            .Select(r => r.ToDomain()).ToList();
    }

    /// <summary>The active acceptances of a package by its name (none when it is not tracked): `audit --use-database`.</summary>
    public async Task<IReadOnlyList<FindingAcceptance>> ActiveAsync(PackageId package, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<AcceptanceRow>(new CommandDefinition(SelectActiveByName,
            new { Registry = package.Registry.Code(), package.Name }, cancellationToken: ct))).Select(r => r.ToDomain()).ToList();
    }

    /// <summary>Every acceptance of the package, ended ones included, oldest first.</summary>
    public async Task<IReadOnlyList<AcceptanceRow>> HistoryAsync(long packageId, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<AcceptanceRow>(new CommandDefinition(SelectHistory, new { PackageId = packageId }, cancellationToken: ct))).AsList();
    }

    /// <summary>Packages with an active acceptance whose expiry is at or before <paramref name="now"/>.</summary>
    public async Task<IReadOnlyList<long>> DuePackageIdsAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(SelectDuePackages, new { Now = DbTime.ToText(now) }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// Accepts, reopens and ends expired acceptances of one package, and stores the status and counts the new triage gives,
    /// all or nothing. Returns how many acceptances were added and how many reopened.
    /// </summary>
    public async Task<(int Accepted, int Reopened)> SaveAsync(long packageId, IReadOnlyList<NewAcceptance> accept,
        IReadOnlyList<(string Kind, string Version)> reopen, string actor, PackageSummary summary, ComplianceStatus status,
        IReadOnlyList<FindingAcceptance> expired, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var nowText = DbTime.ToText(now);
        await EndExpiredAsync(connection, tx, expired, ct);
        var reopened = 0;
        foreach (var (kind, version) in reopen)
            reopened += await connection.ExecuteAsync(new CommandDefinition(EndReopened,
                new { PackageId = packageId, Kind = kind, Version = version, By = actor, Now = nowText }, tx, cancellationToken: ct));
        var accepted = 0;
        foreach (var a in accept)
            accepted += await connection.ExecuteAsync(new CommandDefinition(InsertAcceptance, new
            {
                PackageId = packageId,
                a.Kind,
                a.Version,
                ReasonKind = a.Reason.Code(),
                Reason = a.Note,
                AcceptedBy = actor,
                Now = nowText,
                ExpiresAt = a.ExpiresAt is { } e ? DbTime.ToText(e) : null,
            }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(UpdateEvidence, new
        {
            PackageId = packageId,
            Status = status.Code(),
            summary.FindingCount,
            summary.AcceptedCount,
            HasDowngrade = summary.HasDowngrade ? 1 : 0,
            HasDrift = summary.HasDrift ? 1 : 0,
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (accepted, reopened);
    }

    /// <summary>Records acceptances whose expiry passed as expired, inside the caller's transaction (polls, triage changes).</summary>
    public static async Task EndExpiredAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<FindingAcceptance> expired, CancellationToken ct)
    {
        if (expired.Count == 0) return;
        await connection.ExecuteAsync(new CommandDefinition(EndExpired, expired.Select(e => new { e.Id }), tx, cancellationToken: ct));
    }
}

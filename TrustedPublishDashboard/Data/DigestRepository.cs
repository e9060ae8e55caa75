using Dapper;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Data;

/// <summary>What the daily digest reads from the evidence tables (sample packages are left out).</summary>
public sealed class DigestRepository(IDbConnectionFactory connections)
{
    private const string SelectPublishes = """
        SELECT p.registry AS Registry, p.name AS Name, v.version AS Version, v.method AS Method, v.published_at AS PublishedAt, v.published_by AS PublishedBy
        FROM package_versions v JOIN packages p ON p.id = v.package_id
        WHERE v.published_at >= @From AND v.published_at < @To AND v.removed_at IS NULL AND p.is_sample = 0
        ORDER BY v.published_at
        """;

    private const string SelectOpenFindings = """
        SELECT p.registry AS Registry, p.name AS Name, f.kind AS Kind, f.version AS Version
        FROM findings f JOIN packages p ON p.id = f.package_id WHERE p.is_sample = 0
        """;

    private const string SelectStillToken = """
        SELECT p.registry AS Registry, p.name AS Name, e.latest_version AS Version, e.latest_method AS Method
        FROM package_evidence e JOIN packages p ON p.id = e.package_id
        WHERE e.latest_method IN ('token', 'token-with-provenance') AND p.is_sample = 0
        """;

    private sealed record Row
    {
        public string Registry { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Version { get; init; }
        public string? Method { get; init; }
        public string? PublishedAt { get; init; }
        public string? PublishedBy { get; init; }
        public string Kind { get; init; } = "";

        public PackageId Package => new(RegistryCatalog.Parse(Registry), Name);
    }

    /// <summary>The publishes in [<paramref name="from"/>, <paramref name="to"/>), the open findings and the packages whose latest version used a token.</summary>
    public async Task<DigestInput> CollectAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var window = new { From = DbTime.ToText(from), To = DbTime.ToText(to) };
        await using var connection = await connections.OpenAsync(ct);
        var publishes = (await connection.QueryAsync<Row>(new CommandDefinition(SelectPublishes, window, cancellationToken: ct)))
            .Select(r => new DigestPublish(r.Package, r.Version!, PublishMethods.Parse(r.Method!), DbTime.Parse(r.PublishedAt!), r.PublishedBy)).ToList();
        var findings = (await connection.QueryAsync<Row>(new CommandDefinition(SelectOpenFindings, cancellationToken: ct)))
            .Select(r => new DigestFinding(r.Package, r.Kind, r.Version)).ToList();
        var token = (await connection.QueryAsync<Row>(new CommandDefinition(SelectStillToken, cancellationToken: ct)))
            .Select(r => new DigestTokenPackage(r.Package, r.Version, r.Method is null ? null : PublishMethods.Parse(r.Method))).ToList();
        return new DigestInput(from, to, publishes, findings, token);
    }
}

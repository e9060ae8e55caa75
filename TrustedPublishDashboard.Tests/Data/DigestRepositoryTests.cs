using Dapper;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Data;

public sealed class DigestRepositoryTests
{
    private static readonly DateTimeOffset To = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Collect_PublishesInTheWindow_OpenFindings_AndTokenPackages_WithoutSamples()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        await using (var c = await db.Connections.OpenAsync(default))
        {
            await c.ExecuteAsync("""
                INSERT INTO packages (id, registry, name, added_at, is_sample) VALUES (1, 'npm', 'real', '2026-01-01T00:00:00.000Z', 0), (2, 'npm', 'sample', '2026-01-01T00:00:00.000Z', 1);
                INSERT INTO package_versions (package_id, version, published_at, method, provenance, published_by, attestation_state, first_seen_at, removed_at) VALUES
                    (1, '1.0.0', '2026-03-01T07:59:59.000Z', 'token', 0, 'old', 'not-applicable', '2026-03-01T00:00:00.000Z', NULL),
                    (1, '1.1.0', '2026-03-01T09:00:00.000Z', 'trusted-publisher', 1, 'ci', 'fetched', '2026-03-01T00:00:00.000Z', NULL),
                    (1, '1.2.0', '2026-03-02T07:00:00.000Z', 'token', 0, 'mallory', 'not-applicable', '2026-03-02T00:00:00.000Z', NULL),
                    (1, '1.3.0', '2026-03-02T07:30:00.000Z', 'token', 0, 'gone', 'not-applicable', '2026-03-02T00:00:00.000Z', '2026-03-02T07:40:00.000Z'),
                    (1, '2.0.0', '2026-03-02T08:00:00.000Z', 'token', 0, 'tomorrow', 'not-applicable', '2026-03-02T00:00:00.000Z', NULL),
                    (2, '1.0.0', '2026-03-02T07:00:00.000Z', 'token', 0, 'sample', 'not-applicable', '2026-03-02T00:00:00.000Z', NULL);
                INSERT INTO findings (package_id, kind, version, message, detected_at) VALUES
                    (1, 'trust-downgrade', '1.2.0', 'm', '2026-03-02T07:05:00.000Z'), (2, 'trust-downgrade', '1.0.0', 'm', '2026-03-02T07:05:00.000Z');
                INSERT INTO package_evidence (package_id, status, latest_version, latest_method, checked_at) VALUES
                    (1, 'non-compliant', '1.2.0', 'token', '2026-03-02T07:05:00.000Z'), (2, 'non-compliant', '1.0.0', 'token', '2026-03-02T07:05:00.000Z');
                """);
        }

        var input = await new DigestRepository(db.Connections).CollectAsync(To.AddHours(-24), To, default);

        var real = new PackageId(Registry.Npm, "real");
        Assert.Equal((To.AddHours(-24), To), (input.From, input.To));
        Assert.Equal(["1.1.0:TrustedPublisher:ci", "1.2.0:Token:mallory"], input.Publishes.Select(p => $"{p.Version}:{p.Method}:{p.PublishedBy}"));
        Assert.All(input.Publishes, p => Assert.Equal(real, p.Package));
        Assert.Equal(new DigestFinding(real, "trust-downgrade", "1.2.0"), Assert.Single(input.OpenFindings));
        Assert.Equal(new DigestTokenPackage(real, "1.2.0", PublishMethod.Token), Assert.Single(input.StillToken));
    }
}

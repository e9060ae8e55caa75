using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Tests.Alerts;

public sealed class DigestBuilderTests
{
    private static readonly DateTimeOffset To = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private static PackageId Npm(string name) => new(Registry.Npm, name);

    private static DigestInput FixtureDay() => new(
        To.AddHours(-24), To,
        [
            new DigestPublish(Npm("alpha"), "2.0.0", PublishMethod.TrustedPublisher, To.AddHours(-20), null),
            new DigestPublish(Npm("beta"), "1.4.1", PublishMethod.Token, To.AddHours(-3), "mallory"),
            new DigestPublish(Npm("gamma"), "0.9.0", PublishMethod.Staged, To.AddHours(-1), null),
        ],
        [
            new DigestFinding(Npm("beta"), FindingKinds.TrustDowngrade, "1.4.1"),
            new DigestFinding(Npm("delta"), FindingKinds.PublisherDrift, "3.0.0"),
            new DigestFinding(Npm("mirror-only"), FindingKinds.NoEvidence, null),
        ],
        [new DigestTokenPackage(Npm("beta"), "1.4.1", PublishMethod.Token), new DigestTokenPackage(Npm("legacy"), "0.1.0", PublishMethod.Token)]);

    [Fact]
    public void Build_FixtureDay_ListsEveryPublishWithItsMethod_FindingsAndTokenPackages_AndTheDeadline()
    {
        var digest = DigestBuilder.Build(FixtureDay());
        var lines = digest.Message.Split('\n');

        Assert.Equal((AlertKinds.Digest, AlertSeverity.Info, "2026-11-22"), (digest.Kind, digest.Severity, digest.Key));
        Assert.Equal("Daily digest 2026-11-22: 3 publish(es), 1 with a token, 2 open finding(s)", digest.Title);
        Assert.Contains("Publishes in the last 24 hours (2026-11-21 08:00 UTC – 2026-11-22 08:00 UTC): 3 — 2 OIDC (trusted publisher), 1 token", lines[0]);
        Assert.Contains(lines, l => l.Trim() == "OIDC  npm:alpha@2.0.0 — trusted-publisher, 2026-11-21 12:00 UTC");
        Assert.Contains(lines, l => l.Trim() == "TOKEN npm:beta@1.4.1 — token by mallory, 2026-11-22 05:00 UTC");
        Assert.Contains(lines, l => l.Trim() == "OIDC  npm:gamma@0.9.0 — staged, 2026-11-22 07:00 UTC");
        Assert.Contains("Open findings: 2 (1 publisher-drift, 1 trust-downgrade)", digest.Message);
        Assert.Contains("1 package(s) have no publisher metadata", digest.Message);
        Assert.Contains(lines, l => l.Trim() == "npm:legacy@0.1.0 (token)");
        Assert.Contains("granular access tokens lose direct publish rights in January 2027 (39 days left)", digest.Message);
        Assert.Contains("2 package(s) above still publish with tokens", digest.Message);
    }

    [Fact]
    public void Build_AfterTheDeadline_SaysItHasPassed()
    {
        var later = FixtureDay() with { From = new DateTimeOffset(2027, 2, 1, 8, 0, 0, TimeSpan.Zero), To = new DateTimeOffset(2027, 2, 2, 8, 0, 0, TimeSpan.Zero) };
        Assert.Contains("Since January 2027 npm granular access tokens can no longer publish directly", DigestBuilder.Build(later).Message);
    }

    [Fact]
    public void Build_QuietDay_StillOneMessage()
    {
        var digest = DigestBuilder.Build(new DigestInput(To.AddHours(-24), To, [], [], []));
        Assert.StartsWith("Publishes in the last 24 hours", digest.Message);
        Assert.Contains("Open findings: 0", digest.Message);
        Assert.Contains("January 2027", digest.Message);
    }

    [Fact]
    public void Build_ManyPublishes_ListsTheFirstFiftyAndCountsTheRest()
    {
        var many = Enumerable.Range(0, 120).Select(i => new DigestPublish(Npm($"p{i:000}"), "1.0.0", PublishMethod.Token, To.AddHours(-1), "x")).ToList();
        var digest = DigestBuilder.Build(new DigestInput(To.AddHours(-24), To, many, [], []));
        Assert.Equal(DigestBuilder.MaxListed, digest.Message.Split('\n').Count(l => l.TrimStart().StartsWith("TOKEN", StringComparison.Ordinal)));
        Assert.Contains("… and 70 more", digest.Message);
    }
}

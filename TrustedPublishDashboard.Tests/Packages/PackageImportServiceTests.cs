using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Packages;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Packages;

public sealed class PackageImportServiceTests
{
    [Fact]
    public async Task ImportAsync_MixedPaste_AddsValidLinesAndReportsTheRest()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new PackageRepository(db.Connections);
        await repo.AddAsync([new PackageId(Registry.Npm, "existing")], null, default);
        var service = new PackageImportService(repo, []);

        var report = await service.ImportAsync("left-pad\nBad Name\npypi:Zope.Interface\nexisting\nleft-pad\ncargo:serde", "team-a", default);

        Assert.Equal(2, report.Added);
        Assert.Equal(1, report.AlreadyTracked);
        Assert.Equal(1, report.Duplicates);
        Assert.Equal(2, report.Invalid);
        Assert.Equal([2, 6], report.Lines.Where(l => l.Outcome == ImportOutcome.Invalid).Select(l => l.LineNumber));
        Assert.Contains("same package as line 1", report.Lines.Single(l => l.LineNumber == 5).Message);
        var stored = (await repo.ListByRegistryAsync(Registry.Npm, null, default)).Concat(await repo.ListByRegistryAsync(Registry.PyPI, null, default)).ToList();
        Assert.Equal(["existing", "left-pad", "zope-interface"], stored.Select(p => p.Name).Order());
        Assert.Equal("team-a", stored.Single(p => p.Name == "left-pad").GroupName);
    }

    [Fact]
    public async Task ImportAsync_TooManyLines_AddsNothing()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new PackageRepository(db.Connections);
        var text = string.Join('\n', Enumerable.Range(0, PackageImportService.MaxLines + 1).Select(i => $"p{i}"));

        var report = await new PackageImportService(repo, []).ImportAsync(text, null, default);

        Assert.Contains("at most", report.Error);
        Assert.Equal(0, await repo.CountAsync(default));
    }

    [Fact]
    public async Task AddOneAsync_NameWithNewline_IsRefusedInsteadOfSplit()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new PackageRepository(db.Connections);

        var report = await new PackageImportService(repo, []).AddOneAsync(Registry.PyPI, "ok\nsneaky", null, default);

        Assert.NotNull(report.Error);
        Assert.Equal(0, await repo.CountAsync(default));
    }
}

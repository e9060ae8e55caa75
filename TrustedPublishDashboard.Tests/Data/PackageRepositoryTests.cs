using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Data;

public sealed class PackageRepositoryTests
{
    [Fact]
    public async Task AddAsync_SamePackageTwice_IsStoredOnceAndReportedNewOnce()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new PackageRepository(db.Connections);
        var id = new PackageId(Registry.Npm, "left-pad");

        var first = await repo.AddAsync([id], null, default);
        var second = await repo.AddAsync([id], null, default);

        Assert.Contains(id, first);
        Assert.Empty(second);
        Assert.Equal(1, await repo.CountAsync(default));
    }

    [Fact]
    public async Task AddAsync_SameNameOnTwoRegistries_AreTwoPackages()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new PackageRepository(db.Connections);
        var added = await repo.AddAsync([new PackageId(Registry.Npm, "rails"), new PackageId(Registry.RubyGems, "rails")], "web", default);
        Assert.Equal(2, added.Count);
        var groups = await repo.ListGroupsAsync(default);
        Assert.Equal(2, Assert.Single(groups).PackageCount);
    }

    [Fact]
    public async Task QueryAsync_FiltersSortsAndPagesInSql()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new PackageRepository(db.Connections);
        await repo.AddAsync(Enumerable.Range(0, 30).Select(i => new PackageId(Registry.Npm, $"pkg-{i:D2}")).ToList(), "g1", default);
        await repo.AddAsync([new PackageId(Registry.PyPI, "pkg-python"), new PackageId(Registry.Npm, "other_name")], null, default);

        var page = await repo.QueryAsync(new PackageQuery(Search: "pkg-", Registry: Registry.Npm, Sort: PackageSort.Name, Descending: true, Skip: 5, Take: 10), default);

        Assert.Equal(30, page.Total);
        Assert.Equal(10, page.Items.Count);
        Assert.Equal("pkg-24", page.Items[0].Name);
        Assert.Equal("pkg-15", page.Items[^1].Name);
        Assert.All(page.Items, p => Assert.Equal("g1", p.GroupName));

        // '_' is a LIKE wildcard: the search must treat it literally.
        var underscore = await repo.QueryAsync(new PackageQuery(Search: "_"), default);
        Assert.Equal("other_name", Assert.Single(underscore.Items).Name);
    }

    [Fact]
    public async Task RemoveAsync_DeletesOnlyThatPackage()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new PackageRepository(db.Connections);
        await repo.AddAsync([new PackageId(Registry.Npm, "a"), new PackageId(Registry.Npm, "b")], null, default);
        var a = (await repo.QueryAsync(new PackageQuery(Search: "a"), default)).Items.Single(p => p.Name == "a");

        Assert.True(await repo.RemoveAsync(a.Id, default));
        Assert.False(await repo.RemoveAsync(a.Id, default));
        Assert.Equal("b", Assert.Single((await repo.QueryAsync(new PackageQuery(), default)).Items).Name);
    }
}

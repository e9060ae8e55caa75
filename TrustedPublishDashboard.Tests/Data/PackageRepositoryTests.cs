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
    public async Task MoveToGroupAsync_MovesOnlyTheGivenPackages_AndEmptyNameUngroups()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new PackageRepository(db.Connections);
        await repo.AddAsync([new PackageId(Registry.Npm, "a"), new PackageId(Registry.Npm, "b")], "old", default);
        var a = (await repo.FindAsync(new PackageId(Registry.Npm, "a"), default))!;

        Assert.Equal(1, await repo.MoveToGroupAsync([a.Id], "new", default));
        Assert.Equal("new", (await repo.FindAsync(a.PackageId, default))!.GroupName);
        Assert.Equal("old", (await repo.FindAsync(new PackageId(Registry.Npm, "b"), default))!.GroupName);
        Assert.Equal(1, await repo.MoveToGroupAsync([a.Id], "", default));
        Assert.Null((await repo.FindAsync(a.PackageId, default))!.GroupName);
    }

    [Fact]
    public async Task RemoveAsync_DeletesOnlyThatPackage()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new PackageRepository(db.Connections);
        await repo.AddAsync([new PackageId(Registry.Npm, "a"), new PackageId(Registry.Npm, "b")], null, default);
        var a = (await repo.FindAsync(new PackageId(Registry.Npm, "a"), default))!;

        Assert.True(await repo.RemoveAsync(a.Id, default));
        Assert.False(await repo.RemoveAsync(a.Id, default));
        Assert.Equal("b", Assert.Single(await repo.ListByRegistryAsync(Registry.Npm, null, default)).Name);
    }
}

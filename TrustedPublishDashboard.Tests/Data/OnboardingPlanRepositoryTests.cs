using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Data;

public sealed class OnboardingPlanRepositoryTests
{
    [Fact]
    public async Task AddAsync_CreatesThePlanOnce_AddsEachPackageOnce_AndTheGridFiltersByPlan()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var packages = new PackageRepository(db.Connections);
        await packages.AddAsync([new PackageId(Registry.Npm, "a"), new PackageId(Registry.Npm, "b"), new PackageId(Registry.Npm, "c")], null, default);
        var ids = (await packages.ListByRegistryAsync(Registry.Npm, null, default)).ToDictionary(p => p.Name, p => p.Id);
        var plans = new OnboardingPlanRepository(db.Connections);

        var first = await plans.AddAsync("", [ids["a"], ids["b"]], default);
        var second = await plans.AddAsync(OnboardingPlanRepository.DefaultPlanName, [ids["b"], ids["c"], 999_999], default);

        Assert.Equal(first.PlanId, second.PlanId);
        Assert.Equal((2, 1), (first.Added, second.Added));
        var plan = Assert.Single(await plans.ListPlansAsync(default));
        Assert.Equal(3, plan.PackageCount);
        var inPlan = await new ComplianceRepository(db.Connections).QueryAsync(new ComplianceQuery(PlanId: plan.Id), default);
        Assert.Equal(["a", "b", "c"], inPlan.Items.Select(r => r.Name));

        Assert.True(await plans.RemoveAsync(plan.Id, ids["a"], default));
        Assert.True(await packages.RemoveAsync(ids["b"], default));
        Assert.Equal([ids["c"]], await plans.PackageIdsAsync(plan.Id, default));
    }
}

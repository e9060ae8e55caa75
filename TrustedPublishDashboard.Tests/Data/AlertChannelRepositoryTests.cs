using Dapper;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Data;

public sealed class AlertChannelRepositoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private static AlertChannelRecord Webhook(string name) => new()
    {
        Kind = "webhook", Name = name, Enabled = true, MinSeverity = "high", SendDigest = false, Url = "http://127.0.0.1:9/hook", SecretProtected = "payload",
    };

    [Fact]
    public async Task InsertGetList_RoundTripsEveryColumn_ListedByName()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new AlertChannelRepository(db.Connections);
        var email = new AlertChannelRecord
        {
            Kind = "email", Name = "a-mail", Enabled = false, MinSeverity = "critical", SendDigest = true, SmtpHost = "smtp.example.test", SmtpPort = 465,
            SmtpStartTls = false, SmtpUser = "bot", EmailFrom = "bot@example.test", EmailTo = "a@example.test,b@example.test",
        };

        var hook = await repo.InsertAsync(Webhook("z-hook"), T0, default);
        var mail = await repo.InsertAsync(email, T0, default);

        Assert.Equal(["a-mail", "z-hook"], (await repo.ListAsync(default)).Select(c => c.Name));
        var stored = (await repo.GetAsync(mail, default))!;
        Assert.Equal((email.Kind, email.Enabled, email.MinSeverity, email.SendDigest, email.SmtpHost, email.SmtpPort, email.SmtpStartTls, email.SmtpUser,
                email.EmailFrom, email.EmailTo, (string?)null, false),
            (stored.Kind, stored.Enabled, stored.MinSeverity, stored.SendDigest, stored.SmtpHost, stored.SmtpPort, stored.SmtpStartTls, stored.SmtpUser,
                stored.EmailFrom, stored.EmailTo, stored.Url, stored.HasSecret));
        Assert.Equal((DbTime.ToText(T0), DbTime.ToText(T0)), (stored.CreatedAt, stored.UpdatedAt));
        Assert.True((await repo.GetAsync(hook, default))!.HasSecret);
        Assert.Null(await repo.GetAsync(999, default));
    }

    [Fact]
    public async Task FindIdByName_IgnoresCase_LikeTheUniqueIndex()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new AlertChannelRepository(db.Connections);
        var id = await repo.InsertAsync(Webhook("Team Hook"), T0, default);

        Assert.Equal(id, await repo.FindIdByNameAsync("team hook", default));
        Assert.Null(await repo.FindIdByNameAsync("other", default));
    }

    [Fact]
    public async Task UpdateAndSetEnabled_ChangeTheRowAndItsUpdatedAt_MissingRowsAreReported()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new AlertChannelRepository(db.Connections);
        var id = await repo.InsertAsync(Webhook("hook"), T0, default);

        Assert.True(await repo.UpdateAsync(id, Webhook("renamed") with { MinSeverity = "info", SecretProtected = null }, T0.AddHours(1), default));
        Assert.True(await repo.SetEnabledAsync(id, false, T0.AddHours(2), default));
        Assert.False(await repo.UpdateAsync(999, Webhook("x"), T0, default));
        Assert.False(await repo.SetEnabledAsync(999, true, T0, default));

        var stored = (await repo.GetAsync(id, default))!;
        Assert.Equal(("renamed", "info", false, false), (stored.Name, stored.MinSeverity, stored.HasSecret, stored.Enabled));
        Assert.Equal((DbTime.ToText(T0), DbTime.ToText(T0.AddHours(2))), (stored.CreatedAt, stored.UpdatedAt));
    }

    [Fact]
    public async Task Delete_TakesTheChannelsDeliveriesWithIt()
    {
        await using var db = await TempDatabase.CreateMigratedAsync();
        var repo = new AlertChannelRepository(db.Connections);
        var id = await repo.InsertAsync(Webhook("hook") with { MinSeverity = "info" }, T0, default);
        await new AlertRepository(db.Connections).InsertAsync("npm", "p", [new AlertCandidate("trust-downgrade", AlertSeverity.Critical, "1.0.1", "t", "m")], T0.AddMinutes(1), default);
        var deliveries = new AlertDeliveryRepository(db.Connections);
        Assert.Equal(1, await deliveries.PlanAsync(await deliveries.MaxPendingAlertIdAsync(default), T0.AddMinutes(2), default));

        Assert.True(await repo.DeleteAsync(id, default));
        Assert.False(await repo.DeleteAsync(id, default));

        await using var c = await db.Connections.OpenAsync(default);
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM alert_deliveries"));
    }
}

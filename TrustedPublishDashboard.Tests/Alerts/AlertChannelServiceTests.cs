using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using TrustedPublishDashboard.Alerts;
using TrustedPublishDashboard.Alerts.Channels;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>Channels: only administrators change them or see a signing key; secrets are encrypted, kept on edit, and a lost key ring is said plainly.</summary>
public sealed class AlertChannelServiceTests : IAsyncLifetime
{
    private static readonly Actor Administrator = AlertServiceTests.Administrator;
    private static readonly Actor Maintainer = AlertServiceTests.Maintainer;

    private TempDatabase _db = default!;
    private AlertChannelService _service = default!;

    public async Task InitializeAsync()
    {
        _db = await TempDatabase.CreateMigratedAsync();
        _service = Service(new EphemeralDataProtectionProvider());
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private AlertChannelService Service(IDataProtectionProvider protection) => new(new AlertChannelRepository(_db.Connections), protection,
        AlertTestData.RegisteredChannels().Values, new AlertLinks(new ConfigurationBuilder().Build()));

    private static ChannelInput Hook(string name = "hook", string? key = "k-123") =>
        new() { Kind = ChannelKinds.Webhook, Name = name, Url = "http://127.0.0.1:9/hook", Secret = key };

    private async Task<long> AddAsync(ChannelInput input)
    {
        var (id, error) = await _service.SaveAsync(Administrator, null, input, default);
        Assert.Null(error);
        return id!.Value;
    }

    public static TheoryData<string> Changes => ["save", "enable", "delete", "reveal", "test"];

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task EveryChangeAndTheSigningKey_NeedAdminister(string change)
    {
        var id = await AddAsync(Hook());

        Task act() => change switch
        {
            "save" => _service.SaveAsync(Maintainer, id, Hook("renamed"), default),
            "enable" => _service.SetEnabledAsync(Maintainer, id, false, default),
            "delete" => _service.DeleteAsync(Maintainer, id, default),
            "reveal" => _service.RevealSigningKeyAsync(Maintainer, id, default),
            _ => _service.SendTestAsync(Maintainer, id, default),
        };

        var refused = await Assert.ThrowsAsync<AccessDeniedException>(act);
        Assert.Equal(Permission.Administer, refused.Permission);
        var stored = Assert.Single(await _service.ListAsync(default));
        Assert.Equal(("hook", true), (stored.Name, stored.Enabled));
    }

    [Fact]
    public async Task SaveAsync_NewWebhookWithoutKey_GetsARandomKey_StoredOnlyEncrypted()
    {
        var id = await AddAsync(Hook(key: null));

        var key = await _service.RevealSigningKeyAsync(Administrator, id, default);

        Assert.Matches("^[A-Za-z0-9_-]{43}$", key);
        await using var c = await _db.Connections.OpenAsync(default);
        Assert.DoesNotContain(key!, await c.ExecuteScalarAsync<string>("SELECT secret_protected FROM alert_channels"));
    }

    [Fact]
    public async Task SaveAsync_EditWithoutSecret_KeepsTheStoredKey()
    {
        var id = await AddAsync(Hook(key: "first-key"));

        var (_, error) = await _service.SaveAsync(Administrator, id, Hook("renamed", key: null) with { MinSeverity = AlertSeverity.High }, default);

        Assert.Null(error);
        Assert.Equal("first-key", await _service.RevealSigningKeyAsync(Administrator, id, default));
        var stored = Assert.Single(await _service.ListAsync(default));
        Assert.Equal(("renamed", "high"), (stored.Name, stored.MinSeverity));
        Assert.Equal(AlertSeverity.High, ChannelInput.From(stored).MinSeverity);
    }

    [Fact]
    public async Task SaveAsync_Refusals_AreSentences()
    {
        var id = await AddAsync(Hook("Team"));

        Assert.Contains("Another channel is named", (await _service.SaveAsync(Administrator, null, Hook("team"), default)).Error);
        Assert.Contains("kind cannot change", (await _service.SaveAsync(Administrator, id, new ChannelInput { Kind = ChannelKinds.Slack, Name = "Team", Secret = "x" }, default)).Error);
        Assert.Contains("Give the channel a name", (await _service.SaveAsync(Administrator, null, Hook(" "), default)).Error);
        Assert.Contains("no longer exists", (await _service.SaveAsync(Administrator, 999, Hook("x"), default)).Error);
        Assert.Contains("metadata", (await _service.SaveAsync(Administrator, null, Hook("meta") with { Url = "http://169.254.169.254/latest" }, default)).Error);
        Assert.Single(await _service.ListAsync(default));
    }

    [Fact]
    public async Task SetEnabledAsync_DisabledChannel_GetsNothingFromTheDispatcher_UntilEnabledAgain()
    {
        var id = await AddAsync(Hook());

        Assert.True(await _service.SetEnabledAsync(Administrator, id, false, default));
        var whileDisabled = await _service.EnabledAsync(default);
        Assert.True(await _service.SetEnabledAsync(Administrator, id, true, default));

        Assert.Empty(whileDisabled);
        Assert.Single(await _service.EnabledAsync(default));
        Assert.False(await _service.SetEnabledAsync(Administrator, 999, true, default));
    }

    [Fact]
    public async Task DeleteAsync_RemovesTheChannelOnce()
    {
        var id = await AddAsync(Hook());

        Assert.True(await _service.DeleteAsync(Administrator, id, default));
        Assert.False(await _service.DeleteAsync(Administrator, id, default));
        Assert.Empty(await _service.ListAsync(default));
    }

    [Fact]
    public async Task RevealSigningKeyAsync_OtherKinds_NeverShowTheirSecret()
    {
        var slack = await AddAsync(new ChannelInput { Kind = ChannelKinds.Slack, Name = "chat", Secret = "https://hooks.example.test/services/T/B/secret" });

        Assert.Null(await _service.RevealSigningKeyAsync(Administrator, slack, default));
        Assert.DoesNotContain("secret", Assert.Single(await _service.ListAsync(default)).Target());
    }

    [Fact]
    public async Task SendTestAsync_KeyRingReplaced_SaysToEnterTheSecretAgain_WithoutSending()
    {
        var id = await AddAsync(Hook());
        var afterKeyLoss = Service(new EphemeralDataProtectionProvider());

        var result = await afterKeyLoss.SendTestAsync(Administrator, id, default);

        Assert.False(result.Ok);
        Assert.False(result.Retryable);
        Assert.Equal(AlertChannelService.SecretLostMessage, result.Error);
        Assert.Null(await afterKeyLoss.RevealSigningKeyAsync(Administrator, id, default));
    }
}

using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using TrustedPublishDashboard.Alerts.Channels;
using TrustedPublishDashboard.Auth;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Alerts;

/// <summary>What a person enters for a channel. A null <see cref="Secret"/> on an update keeps the stored one.</summary>
public sealed record ChannelInput
{
    public string Kind { get; init; } = ChannelKinds.Webhook;
    public string Name { get; init; } = "";
    public bool Enabled { get; init; } = true;
    public AlertSeverity MinSeverity { get; init; } = AlertSeverity.Medium;
    public bool SendDigest { get; init; } = true;
    public string? Url { get; init; }
    public string? Secret { get; init; }
    public string? SmtpHost { get; init; }
    public int SmtpPort { get; init; } = 587;
    public bool SmtpStartTls { get; init; } = true;
    public string? SmtpUser { get; init; }
    public string? EmailFrom { get; init; }
    public string? EmailTo { get; init; }

    /// <summary>The form for editing a stored channel: everything but its secret, which is never sent back to the page.</summary>
    public static ChannelInput From(AlertChannelRow c) => new()
    {
        Kind = c.Kind, Name = c.Name, Enabled = c.Enabled, MinSeverity = AlertSeverities.TryParse(c.MinSeverity, out var s) ? s : AlertSeverity.Medium,
        SendDigest = c.SendDigest, Url = c.Url, SmtpHost = c.SmtpHost, SmtpPort = c.SmtpPort ?? 587, SmtpStartTls = c.SmtpStartTls ?? true,
        SmtpUser = c.SmtpUser, EmailFrom = c.EmailFrom, EmailTo = c.EmailTo,
    };
}

public static class AlertChannelDisplay
{
    /// <summary>Where the channel delivers, without secrets (the Slack URL embeds a token and is never shown).</summary>
    public static string Target(this AlertChannelRow c) => c.Kind switch
    {
        ChannelKinds.Webhook => c.Url ?? "",
        ChannelKinds.Slack => "Slack-compatible incoming webhook (URL stored encrypted)",
        _ => $"{c.EmailTo} via {c.SmtpHost}:{c.SmtpPort}{(c.SmtpStartTls == true ? " (STARTTLS)" : "")}",
    };
}

/// <summary>
/// Alert channels: what the Settings page and the <c>alerts</c> command do with them, and the decrypted settings the
/// dispatcher delivers with. Secrets (webhook signing key, Slack webhook URL, SMTP password) are stored only as
/// ASP.NET Data Protection payloads and decrypted in memory when a delivery needs them; the database never sees them.
/// </summary>
public sealed class AlertChannelService(
    AlertChannelRepository repository,
    IDataProtectionProvider protection,
    IEnumerable<IAlertChannel> channels,
    AlertLinks links,
    TimeProvider? time = null)
{
    public const int MaxNameLength = 100;

    public const string SecretLostMessage = "The channel's secret cannot be decrypted (the Data Protection keys changed): enter it again in Settings.";

    private readonly IDataProtector _protector = protection.CreateProtector("TrustedPublishDashboard.Alerts.ChannelSecret.v1");
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public IAlertChannel? Channel(string kind) => channels.FirstOrDefault(c => c.Kind == kind);

    public Task<IReadOnlyList<AlertChannelRow>> ListAsync(CancellationToken ct) => repository.ListAsync(ct);

    public Task<AlertChannelRow?> GetAsync(long id, CancellationToken ct) => repository.GetAsync(id, ct);

    /// <summary>Enabled channels with their secrets decrypted, for one dispatch run.</summary>
    public async Task<IReadOnlyList<(AlertChannelRow Row, ChannelSettings Settings)>> EnabledAsync(CancellationToken ct) =>
        (await repository.ListAsync(ct)).Where(r => r.Enabled).Select(r => (r, Settings(r))).ToList();

    public ChannelSettings Settings(AlertChannelRow row) => new()
    {
        Id = row.Id,
        Kind = row.Kind,
        Name = row.Name,
        Url = row.Url,
        Secret = Unprotect(row.SecretProtected),
        SmtpHost = row.SmtpHost,
        SmtpPort = row.SmtpPort ?? 587,
        SmtpStartTls = row.SmtpStartTls ?? true,
        SmtpUser = row.SmtpUser,
        EmailFrom = row.EmailFrom,
        EmailTo = row.EmailTo,
    };

    /// <summary>
    /// The webhook signing key, for the receiver's configuration (other secrets are never shown again); null for
    /// another kind, a missing channel, or a key that cannot be decrypted.
    /// </summary>
    public async Task<string?> RevealSigningKeyAsync(Actor actor, long id, CancellationToken ct)
    {
        actor.Require(Permission.Administer);
        return await repository.GetAsync(id, ct) is { Kind: ChannelKinds.Webhook } row ? Unprotect(row.SecretProtected) : null;
    }

    /// <summary>Validates and stores a channel; a new webhook without a key gets a random signing key.</summary>
    public async Task<(long? Id, string? Error)> SaveAsync(Actor actor, long? id, ChannelInput input, CancellationToken ct)
    {
        actor.Require(Permission.Administer);
        var name = (input.Name ?? "").Trim();
        if (name.Length is 0 or > MaxNameLength) return (null, $"Give the channel a name (at most {MaxNameLength} characters).");
        if (Channel(input.Kind) is not { } channel) return (null, $"Unknown channel kind '{input.Kind}'.");
        var existing = id is { } existingId ? await repository.GetAsync(existingId, ct) : null;
        if (id is not null && existing is null) return (null, "The channel no longer exists.");
        if (existing is not null && existing.Kind != input.Kind) return (null, "A channel's kind cannot change; add a new channel instead.");

        var secret = string.IsNullOrWhiteSpace(input.Secret) ? null : input.Secret.Trim();
        secret ??= existing is not null ? Unprotect(existing.SecretProtected) : null;
        if (secret is null && input.Kind == ChannelKinds.Webhook) secret = NewSigningKey();
        var settings = new ChannelSettings
        {
            Id = id ?? 0, Kind = input.Kind, Name = name, Url = Blank(input.Url), Secret = secret, SmtpHost = Blank(input.SmtpHost), SmtpPort = input.SmtpPort,
            SmtpStartTls = input.SmtpStartTls, SmtpUser = Blank(input.SmtpUser), EmailFrom = Blank(input.EmailFrom), EmailTo = Blank(input.EmailTo),
        };
        if (channel.Validate(settings) is { } problem) return (null, problem);

        var other = await repository.FindIdByNameAsync(name, ct);
        if (other is not null && other != id) return (null, $"Another channel is named \"{name}\".");
        var isEmail = input.Kind == ChannelKinds.Email;
        var record = new AlertChannelRecord
        {
            Kind = input.Kind, Name = name, Enabled = input.Enabled, MinSeverity = input.MinSeverity.Code(), SendDigest = input.SendDigest,
            Url = settings.Url, SecretProtected = secret is null ? null : _protector.Protect(secret), SmtpHost = settings.SmtpHost,
            SmtpPort = isEmail ? input.SmtpPort : null, SmtpStartTls = isEmail ? input.SmtpStartTls : null,
            SmtpUser = settings.SmtpUser, EmailFrom = settings.EmailFrom, EmailTo = settings.EmailTo,
        };
        var now = _time.GetUtcNow();
        if (id is { } updateId)
            return await repository.UpdateAsync(updateId, record, now, ct) ? (updateId, null) : (null, "The channel no longer exists.");
        return (await repository.InsertAsync(record, now, ct), null);
    }

    /// <summary>Pauses or resumes a channel without touching its settings; false when it no longer exists.</summary>
    public async Task<bool> SetEnabledAsync(Actor actor, long id, bool enabled, CancellationToken ct)
    {
        actor.Require(Permission.Administer);
        return await repository.SetEnabledAsync(id, enabled, _time.GetUtcNow(), ct);
    }

    /// <summary>Deletes the channel and its delivery history; false when it no longer exists.</summary>
    public async Task<bool> DeleteAsync(Actor actor, long id, CancellationToken ct)
    {
        actor.Require(Permission.Administer);
        return await repository.DeleteAsync(id, ct);
    }

    /// <summary>Sends a clearly labelled test alert through one channel now, outside the outbox.</summary>
    public async Task<DeliveryResult> SendTestAsync(Actor actor, long channelId, CancellationToken ct)
    {
        actor.Require(Permission.Administer);
        if (await repository.GetAsync(channelId, ct) is not { } row) return DeliveryResult.Final("The channel no longer exists.");
        if (Channel(row.Kind) is not { } sender) return DeliveryResult.Final($"Unknown channel kind {row.Kind}.");
        var settings = Settings(row);
        if (settings.Secret is null && row.HasSecret) return DeliveryResult.Final(SecretLostMessage);
        var message = new AlertMessage("test-" + Guid.NewGuid().ToString("n"), "test", AlertSeverity.Info, "npm", "example-package", "1.0.0",
            "Test alert from TrustedPublishDashboard",
            $"This is a test of the channel \"{row.Name}\". Real alerts look like this one, with the package, version and what to do.",
            links.To("alerts"), _time.GetUtcNow());
        return await sender.SendAsync(settings, message, ct);
    }

    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private string? Unprotect(string? payload)
    {
        if (payload is null) return null;
        try
        {
            return _protector.Unprotect(payload);
        }
        catch (CryptographicException)
        {
            // The Data Protection key ring was lost or replaced: the secret must be entered again.
            return null;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

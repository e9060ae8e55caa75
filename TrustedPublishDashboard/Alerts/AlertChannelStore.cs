using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using TrustedPublishDashboard.Alerts.Channels;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Alerts;

public sealed record AlertChannelRow
{
    public long Id { get; init; }
    public string Kind { get; init; } = "";
    public string Name { get; init; } = "";
    public bool Enabled { get; init; }
    public string MinSeverity { get; init; } = "medium";
    public bool SendDigest { get; init; }
    public string? Url { get; init; }
    public string? SecretProtected { get; init; }
    public string? SmtpHost { get; init; }
    public int? SmtpPort { get; init; }
    public bool? SmtpStartTls { get; init; }
    public string? SmtpUser { get; init; }
    public string? EmailFrom { get; init; }
    public string? EmailTo { get; init; }
    public string CreatedAt { get; init; } = "";
    public string UpdatedAt { get; init; } = "";

    public bool HasSecret => SecretProtected is not null;

    /// <summary>Where the channel delivers, without secrets (the Slack URL embeds a token and is never shown).</summary>
    public string Target => Kind switch
    {
        ChannelKinds.Webhook => Url ?? "",
        ChannelKinds.Slack => "Slack-compatible incoming webhook (URL stored encrypted)",
        _ => $"{EmailTo} via {SmtpHost}:{SmtpPort}{(SmtpStartTls == true ? " (STARTTLS)" : "")}",
    };
}

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
}

/// <summary>
/// Alert channels. Secrets (webhook signing key, Slack webhook URL, SMTP password) are stored only as ASP.NET Data
/// Protection payloads and decrypted in memory when a delivery needs them.
/// </summary>
public sealed class AlertChannelStore(IDbConnectionFactory connections, IDataProtectionProvider protection, IEnumerable<IAlertChannel> channels)
{
    public const int MaxNameLength = 100;

    private readonly IDataProtector _protector = protection.CreateProtector("TrustedPublishDashboard.Alerts.ChannelSecret.v1");

    private const string SelectColumns = """
        SELECT id AS Id, kind AS Kind, name AS Name, enabled AS Enabled, min_severity AS MinSeverity, send_digest AS SendDigest, url AS Url,
               secret_protected AS SecretProtected, smtp_host AS SmtpHost, smtp_port AS SmtpPort, smtp_starttls AS SmtpStartTls, smtp_user AS SmtpUser,
               email_from AS EmailFrom, email_to AS EmailTo, created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM alert_channels
        """;

    private const string InsertChannel = """
        INSERT INTO alert_channels (kind, name, enabled, min_severity, send_digest, url, secret_protected, smtp_host, smtp_port, smtp_starttls,
                                    smtp_user, email_from, email_to, created_at, updated_at)
        VALUES (@Kind, @Name, @Enabled, @MinSeverity, @SendDigest, @Url, @Secret, @SmtpHost, @SmtpPort, @SmtpStartTls, @SmtpUser, @EmailFrom, @EmailTo, @Now, @Now)
        RETURNING id
        """;

    private const string UpdateChannel = """
        UPDATE alert_channels SET name = @Name, enabled = @Enabled, min_severity = @MinSeverity, send_digest = @SendDigest, url = @Url,
            secret_protected = @Secret, smtp_host = @SmtpHost, smtp_port = @SmtpPort, smtp_starttls = @SmtpStartTls, smtp_user = @SmtpUser,
            email_from = @EmailFrom, email_to = @EmailTo, updated_at = @Now
        WHERE id = @Id
        """;

    public IAlertChannel? Channel(string kind) => channels.FirstOrDefault(c => c.Kind == kind);

    public async Task<IReadOnlyList<AlertChannelRow>> ListAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<AlertChannelRow>(new CommandDefinition(SelectColumns + " ORDER BY name", cancellationToken: ct))).AsList();
    }

    public async Task<AlertChannelRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<AlertChannelRow>(new CommandDefinition(SelectColumns + " WHERE id = @Id", new { Id = id }, cancellationToken: ct));
    }

    /// <summary>Enabled channels with their secrets decrypted, for one dispatch run.</summary>
    public async Task<IReadOnlyList<(AlertChannelRow Row, ChannelSettings Settings)>> EnabledAsync(CancellationToken ct) =>
        (await ListAsync(ct)).Where(r => r.Enabled).Select(r => (r, Settings(r))).ToList();

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

    /// <summary>The webhook signing key, for the receiver's configuration (other secrets are never shown again).</summary>
    public async Task<string?> SigningKeyAsync(long id, CancellationToken ct) =>
        await GetAsync(id, ct) is { Kind: ChannelKinds.Webhook } row ? Unprotect(row.SecretProtected) : null;

    /// <summary>Validates and stores a channel; a new webhook without a key gets a random signing key.</summary>
    public async Task<(long? Id, string? Error)> SaveAsync(long? id, ChannelInput input, CancellationToken ct)
    {
        var name = (input.Name ?? "").Trim();
        if (name.Length is 0 or > MaxNameLength) return (null, $"Give the channel a name (at most {MaxNameLength} characters).");
        if (Channel(input.Kind) is not { } channel) return (null, $"Unknown channel kind '{input.Kind}'.");
        var existing = id is { } existingId ? await GetAsync(existingId, ct) : null;
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

        var parameters = new
        {
            Id = id, input.Kind, Name = name, Enabled = input.Enabled, MinSeverity = input.MinSeverity.Code(), SendDigest = input.SendDigest,
            settings.Url, Secret = secret is null ? null : _protector.Protect(secret), settings.SmtpHost,
            SmtpPort = input.Kind == ChannelKinds.Email ? input.SmtpPort : (int?)null,
            SmtpStartTls = input.Kind == ChannelKinds.Email ? input.SmtpStartTls : (bool?)null,
            settings.SmtpUser, settings.EmailFrom, settings.EmailTo, Now = DbTime.ToText(DateTimeOffset.UtcNow),
        };
        await using var connection = await connections.OpenAsync(ct);
        var other = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT id FROM alert_channels WHERE name = @Name", new { Name = name }, cancellationToken: ct));
        if (other is not null && other != id) return (null, $"Another channel is named \"{name}\".");
        if (id is { } updateId)
        {
            await connection.ExecuteAsync(new CommandDefinition(UpdateChannel, parameters, cancellationToken: ct));
            return (updateId, null);
        }
        return (await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertChannel, parameters, cancellationToken: ct)), null);
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM alert_channels WHERE id = @Id", new { Id = id }, cancellationToken: ct)) == 1;
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

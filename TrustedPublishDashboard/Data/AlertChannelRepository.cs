using Dapper;

namespace TrustedPublishDashboard.Data;

/// <summary>What is written for a channel: everything but the id and the timestamps, the secret already protected.</summary>
public record AlertChannelRecord
{
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
}

/// <summary>A stored alert channel. Its secret is a Data Protection payload: only the channel service can read it.</summary>
public sealed record AlertChannelRow : AlertChannelRecord
{
    public long Id { get; init; }
    public string CreatedAt { get; init; } = "";
    public string UpdatedAt { get; init; } = "";

    public bool HasSecret => SecretProtected is not null;
}

/// <summary>The alert channels table (one aggregate: a channel and its settings).</summary>
public sealed class AlertChannelRepository(IDbConnectionFactory connections)
{
    private const string SelectColumns = """
        SELECT id AS Id, kind AS Kind, name AS Name, enabled AS Enabled, min_severity AS MinSeverity, send_digest AS SendDigest, url AS Url,
               secret_protected AS SecretProtected, smtp_host AS SmtpHost, smtp_port AS SmtpPort, smtp_starttls AS SmtpStartTls, smtp_user AS SmtpUser,
               email_from AS EmailFrom, email_to AS EmailTo, created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM alert_channels
        """;

    private const string SelectAll = SelectColumns + " ORDER BY name";

    private const string SelectById = SelectColumns + " WHERE id = @Id";

    private const string SelectIdByName = "SELECT id FROM alert_channels WHERE name = @Name";

    private const string InsertChannel = """
        INSERT INTO alert_channels (kind, name, enabled, min_severity, send_digest, url, secret_protected, smtp_host, smtp_port, smtp_starttls,
                                    smtp_user, email_from, email_to, created_at, updated_at)
        VALUES (@Kind, @Name, @Enabled, @MinSeverity, @SendDigest, @Url, @SecretProtected, @SmtpHost, @SmtpPort, @SmtpStartTls, @SmtpUser, @EmailFrom,
                @EmailTo, @Now, @Now)
        RETURNING id
        """;

    // The kind never changes: a channel of another kind is a new channel.
    private const string UpdateChannel = """
        UPDATE alert_channels SET name = @Name, enabled = @Enabled, min_severity = @MinSeverity, send_digest = @SendDigest, url = @Url,
            secret_protected = @SecretProtected, smtp_host = @SmtpHost, smtp_port = @SmtpPort, smtp_starttls = @SmtpStartTls, smtp_user = @SmtpUser,
            email_from = @EmailFrom, email_to = @EmailTo, updated_at = @Now
        WHERE id = @Id
        """;

    private const string UpdateEnabled = "UPDATE alert_channels SET enabled = @Enabled, updated_at = @Now WHERE id = @Id";

    private const string DeleteChannel = "DELETE FROM alert_channels WHERE id = @Id";

    public async Task<IReadOnlyList<AlertChannelRow>> ListAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return (await connection.QueryAsync<AlertChannelRow>(new CommandDefinition(SelectAll, cancellationToken: ct))).AsList();
    }

    public async Task<AlertChannelRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<AlertChannelRow>(new CommandDefinition(SelectById, new { Id = id }, cancellationToken: ct));
    }

    /// <summary>The channel with this exact name, if any (names are unique).</summary>
    public async Task<long?> FindIdByNameAsync(string name, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(SelectIdByName, new { Name = name }, cancellationToken: ct));
    }

    public async Task<long> InsertAsync(AlertChannelRecord channel, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(InsertChannel, Parameters(null, channel, now), cancellationToken: ct));
    }

    /// <summary>False when the channel no longer exists.</summary>
    public async Task<bool> UpdateAsync(long id, AlertChannelRecord channel, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(UpdateChannel, Parameters(id, channel, now), cancellationToken: ct)) == 1;
    }

    /// <summary>False when the channel no longer exists.</summary>
    public async Task<bool> SetEnabledAsync(long id, bool enabled, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(UpdateEnabled, new { Id = id, Enabled = enabled, Now = DbTime.ToText(now) }, cancellationToken: ct)) == 1;
    }

    /// <summary>Deletes the channel and (by the foreign key's cascade) its deliveries; false when it no longer exists.</summary>
    public async Task<bool> DeleteAsync(long id, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteChannel, new { Id = id }, cancellationToken: ct)) == 1;
    }

    private static object Parameters(long? id, AlertChannelRecord c, DateTimeOffset now) => new
    {
        Id = id, c.Kind, c.Name, c.Enabled, c.MinSeverity, c.SendDigest, c.Url, c.SecretProtected, c.SmtpHost, c.SmtpPort, c.SmtpStartTls, c.SmtpUser,
        c.EmailFrom, c.EmailTo, Now = DbTime.ToText(now),
    };
}

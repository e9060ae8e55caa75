using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TrustedPublishDashboard.Alerts.Channels;

/// <summary>
/// The webhook signature: lowercase hex HMAC-SHA256 over "{unixSeconds}." followed by the exact body bytes, keyed with the
/// UTF-8 bytes of the key string (so a receiver pastes the key as text, as with GitHub and Stripe webhooks). Signing the
/// timestamp lets a receiver refuse replays older than its tolerance.
/// </summary>
public static class AlertSigning
{
    public const string SignatureHeader = "X-Signature";
    public const string TimestampHeader = "X-Signature-Timestamp";
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string Prefix = "sha256=";

    /// <summary>The hex signature (without the "sha256=" prefix).</summary>
    public static string Sign(string key, long unixSeconds, ReadOnlySpan<byte> body) => Convert.ToHexStringLower(Mac(key, unixSeconds, body));

    /// <summary>The X-Signature header value: "sha256=&lt;hex&gt;".</summary>
    public static string HeaderValue(string key, long unixSeconds, ReadOnlySpan<byte> body) => Prefix + Sign(key, unixSeconds, body);

    /// <summary>
    /// True when <paramref name="signatureHeader"/> ("sha256=&lt;hex&gt;") matches and the timestamp is within
    /// <paramref name="tolerance"/> of <paramref name="now"/> either way. The comparison is constant-time.
    /// </summary>
    public static bool Verify(string key, string signatureHeader, long unixSeconds, ReadOnlySpan<byte> body, TimeSpan tolerance, DateTimeOffset now)
    {
        if (Math.Abs(now.ToUnixTimeSeconds() - unixSeconds) > (long)tolerance.TotalSeconds) return false;
        if (!signatureHeader.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var hex = signatureHeader.AsSpan(Prefix.Length).Trim();
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (hex.Length != given.Length * 2 || Convert.FromHexString(hex, given, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != given.Length)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Mac(key, unixSeconds, body), given);
    }

    /// <summary>A new signing key: 32 random bytes, base64url without padding (43 characters).</summary>
    public static string NewKey()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static byte[] Mac(string key, long unixSeconds, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(key));
        hmac.AppendData(Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}

using System.Text;
using TrustedPublishDashboard.Alerts.Channels;

namespace TrustedPublishDashboard.Tests.Alerts;

public sealed class AlertSigningTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"idempotencyKey\":\"k1\"}");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_741_000_000);

    [Fact]
    public void Sign_KnownVector_MatchesIndependentHmac()
    {
        // Computed outside .NET: python3 -c 'import hmac,hashlib;print(hmac.new(b"key",b"1741000000."+b"{\"idempotencyKey\":\"k1\"}",hashlib.sha256).hexdigest())'
        Assert.Equal(ExpectedVector, AlertSigning.Sign("key", 1_741_000_000, Body));
    }

    private const string ExpectedVector = "4c00e9db8a9e30cb513f23883ea93ba4b2b07679c9c3d3589f9d9cb525864d48";

    [Fact]
    public void Verify_OwnSignature_True()
    {
        var header = AlertSigning.HeaderValue("key", Now.ToUnixTimeSeconds(), Body);
        Assert.StartsWith("sha256=", header);
        Assert.True(AlertSigning.Verify("key", header, Now.ToUnixTimeSeconds(), Body, TimeSpan.FromMinutes(5), Now));
    }

    [Fact]
    public void Verify_TamperedBody_False()
    {
        var header = AlertSigning.HeaderValue("key", Now.ToUnixTimeSeconds(), Body);
        var tampered = Body.ToArray();
        tampered[^2] ^= 1;
        Assert.False(AlertSigning.Verify("key", header, Now.ToUnixTimeSeconds(), tampered, TimeSpan.FromMinutes(5), Now));
    }

    [Fact]
    public void Verify_WrongKey_False()
    {
        var header = AlertSigning.HeaderValue("key", Now.ToUnixTimeSeconds(), Body);
        Assert.False(AlertSigning.Verify("other", header, Now.ToUnixTimeSeconds(), Body, TimeSpan.FromMinutes(5), Now));
    }

    [Fact]
    public void Verify_TimestampChanged_False()
    {
        var header = AlertSigning.HeaderValue("key", Now.ToUnixTimeSeconds(), Body);
        Assert.False(AlertSigning.Verify("key", header, Now.ToUnixTimeSeconds() + 1, Body, TimeSpan.FromMinutes(5), Now));
    }

    [Theory]
    [InlineData(-301, false)]
    [InlineData(-300, true)]
    [InlineData(300, true)]
    [InlineData(301, false)]
    public void Verify_TimestampAge_ToleranceApplies(int ageSeconds, bool expected)
    {
        var signedAt = Now.ToUnixTimeSeconds() - ageSeconds;
        var header = AlertSigning.HeaderValue("key", signedAt, Body);
        Assert.Equal(expected, AlertSigning.Verify("key", header, signedAt, Body, TimeSpan.FromMinutes(5), Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256=")]
    [InlineData("sha1=00")]
    [InlineData("sha256=zz")]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha256=00000000000000000000000000000000000000000000000000000000000000000000")]
    public void Verify_MalformedHeader_False(string header) =>
        Assert.False(AlertSigning.Verify("key", header, Now.ToUnixTimeSeconds(), Body, TimeSpan.FromMinutes(5), Now));

    [Fact]
    public void NewKey_ThirtyTwoBytesBase64Url_UniqueEachCall()
    {
        var a = AlertSigning.NewKey();
        var b = AlertSigning.NewKey();
        Assert.NotEqual(a, b);
        Assert.Equal(43, a.Length);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", a);
        Assert.Equal(32, Convert.FromBase64String(a.Replace('-', '+').Replace('_', '/') + "=").Length);
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using TrustedPublishDashboard.Alerts.Channels;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>
/// The README's webhook verification recipe, extracted from the README and run with node against real signed deliveries
/// of <see cref="WebhookChannel"/>: if the signing format or the documentation changes alone, this fails.
/// </summary>
public sealed class WebhookReadmeRecipeTests(AlertReceiver receiver) : IClassFixture<AlertReceiver>
{
    private const string Marker = "<!-- webhook-verify-snippet -->";

    /// <summary>The clock of a sender whose attempt was signed a while ago (or a receiver's clock that is off).</summary>
    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }

    /// <summary>The first ```js block after the marker in README.md.</summary>
    internal static string Snippet()
    {
        var readme = File.ReadAllText(Path.Combine(BrowserFixture.RepositoryRoot(), "README.md"));
        var at = readme.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(at >= 0, $"README.md has no {Marker}");
        var start = readme.IndexOf("```js\n", at, StringComparison.Ordinal) + "```js\n".Length;
        var end = readme.IndexOf("\n```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    private async Task<ReceivedDelivery> DeliverAsync(string path, TimeSpan clockShift)
    {
        var webhook = new WebhookChannel(new FixedHttpClientFactory(AlertHttp.CreateHandler()), new ShiftedTime(clockShift), NullLogger<WebhookChannel>.Instance);
        var result = await webhook.SendAsync(AlertTestData.Webhook(receiver.Url(path)), AlertTestData.Message(), CancellationToken.None);
        Assert.True(result.Ok, result.Error);
        return Assert.Single(receiver.At(path));
    }

    /// <summary>Runs the README's verifyDelivery in node on one delivery; "valid" or "invalid".</summary>
    private static async Task<string> VerifyWithReadmeRecipeAsync(ReceivedDelivery delivery, string key, byte[]? body = null)
    {
        var dir = Directory.CreateTempSubdirectory("tpd-webhook-recipe-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "verify.js"), Snippet());
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "harness.js"), """
                const { verifyDelivery } = require("./verify.js");
                const input = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
                const headers = Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v]));
                console.log(verifyDelivery(headers, Buffer.from(input.body, "base64"), input.key) ? "valid" : "invalid");
                """);
            var start = new ProcessStartInfo("node", ["harness.js"])
            {
                WorkingDirectory = dir.FullName,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start: it is needed to run the README's recipe");
            await node.StandardInput.WriteAsync(JsonSerializer.Serialize(new
            {
                headers = delivery.Headers,
                body = Convert.ToBase64String(body ?? delivery.Body),
                key,
            }));
            node.StandardInput.Close();
            var output = await node.StandardOutput.ReadToEndAsync();
            var error = await node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(node.ExitCode == 0, "node failed: " + error);
            return output.Trim();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ReadmeRecipe_RealDelivery_IsValid()
    {
        var delivery = await DeliverAsync("/recipe-ok", TimeSpan.Zero);

        Assert.Equal("valid", await VerifyWithReadmeRecipeAsync(delivery, AlertReceiver.Key));
    }

    [Fact]
    public async Task ReadmeRecipe_TamperedBodyOrWrongKey_IsInvalid()
    {
        var delivery = await DeliverAsync("/recipe-tampered", TimeSpan.Zero);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(delivery.Body).Replace("\"high\"", "\"info\"", StringComparison.Ordinal));

        Assert.Equal("invalid", await VerifyWithReadmeRecipeAsync(delivery, AlertReceiver.Key, tampered));
        Assert.Equal("invalid", await VerifyWithReadmeRecipeAsync(delivery, AlertReceiver.Key + "x"));
    }

    [Fact]
    public async Task ReadmeRecipe_SignedOutsideTheToleranceItDocuments_IsInvalid()
    {
        var stale = await DeliverAsync("/recipe-stale", TimeSpan.FromMinutes(-6));
        var recent = await DeliverAsync("/recipe-recent", TimeSpan.FromMinutes(-4));

        Assert.Equal("invalid", await VerifyWithReadmeRecipeAsync(stale, AlertReceiver.Key));
        Assert.Equal("valid", await VerifyWithReadmeRecipeAsync(recent, AlertReceiver.Key));
    }

    [Fact]
    public void ReadmeTable_NamesTheHeadersTheChannelSends()
    {
        var readme = File.ReadAllText(Path.Combine(BrowserFixture.RepositoryRoot(), "README.md"));
        foreach (var header in new[] { AlertSigning.SignatureHeader, AlertSigning.TimestampHeader, AlertSigning.IdempotencyHeader })
            Assert.Contains($"| `{header}` |", readme);
        Assert.Contains(AlertSigning.Prefix, Snippet());
    }
}

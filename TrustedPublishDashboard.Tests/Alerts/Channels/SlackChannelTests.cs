using System.Text.Json;
using TrustedPublishDashboard.Alerts.Channels;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Tests.Alerts;

public sealed class SlackChannelTests(AlertReceiver receiver) : IClassFixture<AlertReceiver>
{
    private readonly IAlertChannel _slack = AlertTestData.RegisteredChannels()[ChannelKinds.Slack];

    private static ChannelSettings Slack(string? url) => new() { Kind = ChannelKinds.Slack, Name = "team", Secret = url };

    /// <summary>Sends through the channel to the receiver and parses what arrived, so the test sees the wire shape.</summary>
    private async Task<JsonElement> DeliveredPayloadAsync(string path, AlertMessage message)
    {
        var result = await _slack.SendAsync(Slack(receiver.Url(path)), message, CancellationToken.None);
        Assert.True(result.Ok, result.Error);
        var delivery = Assert.Single(receiver.At(path));
        Assert.Equal("application/json", delivery.Header("Content-Type"));
        return JsonDocument.Parse(delivery.Body).RootElement.Clone();
    }

    [Fact]
    public async Task SendAsync_Alert_TextAndOneMrkdwnSection()
    {
        var payload = await DeliveredPayloadAsync("/slack-shape", AlertTestData.Message());

        Assert.Equal(["text", "blocks"], payload.EnumerateObject().Select(p => p.Name));
        Assert.Equal(":red_circle: HIGH Trusted publishing disabled for left-pad — npm left-pad@1.3.0", payload.GetProperty("text").GetString());
        var block = Assert.Single(payload.GetProperty("blocks").EnumerateArray());
        Assert.Equal("section", block.GetProperty("type").GetString());
        Assert.Equal("mrkdwn", block.GetProperty("text").GetProperty("type").GetString());
        Assert.Equal(
            "*:red_circle: HIGH Trusted publishing disabled for left-pad*\n_npm left-pad@1.3.0_\nnpm now accepts tokens for left-pad.\n" +
            "<http://127.0.0.1:5000/packages/npm/left-pad|Open package page>",
            block.GetProperty("text").GetProperty("text").GetString());
    }

    [Fact]
    public async Task SendAsync_UserTextWithControlCharacters_Escaped()
    {
        var message = AlertTestData.Message() with
        {
            Title = "<script> & <!channel>",
            Text = "a <@U123> ping & <https://evil.example|click>",
            DetailUrl = "https://dash.example/packages/npm/a?x=1&y=<2>|3",
        };

        var payload = await DeliveredPayloadAsync("/slack-escape", message);

        var text = payload.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString()!;
        Assert.Contains("&lt;script&gt; &amp; &lt;!channel&gt;", text);
        Assert.Contains("a &lt;@U123&gt; ping &amp; &lt;https://evil.example|click&gt;", text);
        Assert.EndsWith("<https://dash.example/packages/npm/a?x=1&amp;y=%3C2%3E%7C3|Open package page>", text);
        Assert.Contains("&lt;!channel&gt;", payload.GetProperty("text").GetString());
        // The only raw angle brackets left are the link's own.
        Assert.Equal(1, text.Count(c => c == '<'));
    }

    [Fact]
    public void BuildPayload_NoDetailUrl_NoLink()
    {
        var text = SlackChannel.BuildPayload(AlertTestData.Message() with { DetailUrl = null }).Blocks[0].Text.Text;
        Assert.DoesNotContain("<", text);
    }

    [Fact]
    public void BuildPayload_NonHttpDetailUrl_NoLink() =>
        Assert.DoesNotContain("javascript", SlackChannel.BuildPayload(AlertTestData.Message() with { DetailUrl = "javascript:alert(1)" }).Blocks[0].Text.Text);

    [Fact]
    public async Task SendAsync_LongDigest_SplitIntoSectionsWithinLimits()
    {
        var lines = Enumerable.Range(1, 300).Select(i => $"• left-pad-{i:000} & friends: trusted publisher removed (was GitHub Actions release.yml)");
        var digest = AlertTestData.Message(digest: true, text: string.Join("\n", lines));

        var payload = await DeliveredPayloadAsync("/slack-digest", digest);

        var sections = payload.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("text").GetProperty("text").GetString()!).ToList();
        Assert.True(sections.Count > 1);
        Assert.All(sections, s => Assert.InRange(s.Length, 1, SlackChannel.SectionLimit));
        var joined = string.Join("\n", sections);
        Assert.All(lines, line => Assert.Contains(SlackChannel.Escape(line), joined)); // no line lost or cut
        Assert.EndsWith("|Open the dashboard>", sections[^1]);
    }

    [Fact]
    public void Sections_OneHugeLine_CutOutsideEscapes()
    {
        var text = string.Concat(Enumerable.Repeat("a&amp;b ", 2000)); // 16,000 characters, no line breaks

        var sections = SlackChannel.Sections(text);

        Assert.True(sections.Count >= 6);
        Assert.All(sections, s => Assert.InRange(s.Length, 1, SlackChannel.SectionLimit));
        Assert.All(sections, s => Assert.Matches("^(a&amp;b ?)+$", s));
        Assert.Equal(text, string.Concat(sections));
    }

    [Fact]
    public void Sections_BeyondFiftyBlocks_TruncatedWithNote()
    {
        var text = string.Join("\n", Enumerable.Range(0, 5000).Select(i => $"line {i} " + new string('x', 60)));

        var sections = SlackChannel.Sections(text);

        Assert.Equal(SlackChannel.MaxBlocks, sections.Count);
        Assert.All(sections, s => Assert.InRange(s.Length, 1, SlackChannel.SectionLimit));
        Assert.EndsWith(SlackChannel.TruncatedNote, sections[^1]);
    }

    [Fact]
    public async Task SendAsync_ServerError_RetryableWithoutTheUrl()
    {
        receiver.Answer("/slack-500/T000/secret-token", new ReceiverAnswer(500, "rollup_error"));

        var result = await _slack.SendAsync(Slack(receiver.Url("/slack-500/T000/secret-token")), AlertTestData.Message(), CancellationToken.None);

        Assert.True(result.Retryable);
        Assert.Equal(500, result.HttpStatus);
        Assert.DoesNotContain("secret-token", result.Error);
    }

    [Fact]
    public async Task SendAsync_InvalidToken_FinalWithStatusOnly()
    {
        receiver.Answer("/slack-403", new ReceiverAnswer(403, "invalid_token"));

        var result = await _slack.SendAsync(Slack(receiver.Url("/slack-403")), AlertTestData.Message(), CancellationToken.None);

        Assert.False(result.Retryable);
        Assert.Equal("the Slack webhook answered HTTP 403 Forbidden", result.Error);
    }

    [Fact]
    public async Task SendAsync_ServerErrorWithSecretBody_ErrorDoesNotQuoteIt()
    {
        receiver.Answer("/slack-secret-500", new ReceiverAnswer(500, "{\"db_password\":\"hunter2-internal\"}"));

        var result = await _slack.SendAsync(Slack(receiver.Url("/slack-secret-500")), AlertTestData.Message(), CancellationToken.None);

        Assert.True(result.Retryable);
        Assert.Equal("the Slack webhook answered HTTP 500 Internal Server Error", result.Error);
        Assert.DoesNotContain("hunter2", result.Error);
    }

    [Theory]
    [InlineData(null, "no incoming-webhook URL")]
    [InlineData("http://hooks.slack.com/services/T/B/x", "use https://")]
    [InlineData("https://169.254.169.254/services/x", "cloud metadata")]
    public void Validate_BadWebhookUrl_Error(string? url, string expected) => Assert.Contains(expected, _slack.Validate(Slack(url)));

    [Fact]
    public void Validate_SlackHttpsUrl_Null() => Assert.Null(_slack.Validate(Slack("https://hooks.slack.com/services/T000/B000/XXXX")));
}

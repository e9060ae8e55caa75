using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Alerts.Channels;

public sealed record SlackText(string Type, string Text);

public sealed record SlackBlock(string Type, SlackText Text);

/// <summary>An incoming-webhook message: <c>text</c> is the notification fallback, <c>blocks</c> what the channel shows.</summary>
public sealed record SlackPayload(string Text, IReadOnlyList<SlackBlock> Blocks);

/// <summary>
/// Posts to a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat accept this shape). The channel's secret
/// is the webhook URL itself, since it embeds the token; it never appears in an error.
/// Limits from https://api.slack.com/reference/block-kit/blocks#section: 3,000 characters per section text, 50 blocks.
/// </summary>
public sealed class SlackChannel(IHttpClientFactory clients, TimeProvider time, ILogger<SlackChannel> logger) : IAlertChannel
{
    /// <summary>Below Slack's 3,000 so an escape added at a cut or a truncation note still fits.</summary>
    public const int SectionLimit = 2900;
    public const int MaxBlocks = 50;
    public const int FallbackLimit = 300;
    public const string TruncatedNote = "_… truncated: open the dashboard for the rest._";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyDictionary<AlertSeverity, string> SeverityLabels { get; } = new Dictionary<AlertSeverity, string>
    {
        [AlertSeverity.Critical] = ":rotating_light: CRITICAL",
        [AlertSeverity.High] = ":red_circle: HIGH",
        [AlertSeverity.Medium] = ":large_orange_circle: MEDIUM",
        [AlertSeverity.Warning] = ":warning: WARNING",
        [AlertSeverity.Info] = ":information_source: INFO",
    };

    public string Kind => ChannelKinds.Slack;

    public string? Validate(ChannelSettings channel) =>
        string.IsNullOrWhiteSpace(channel.Secret)
            ? "The Slack channel has no incoming-webhook URL: paste the https://hooks.slack.com/… URL from the Slack app."
            : WebhookUrlValidator.Validate(channel.Secret) is { } problem ? "The Slack incoming-webhook URL is not usable. " + problem : null;

    public async Task<DeliveryResult> SendAsync(ChannelSettings channel, AlertMessage message, CancellationToken ct)
    {
        if (Validate(channel) is { } problem) return DeliveryResult.Final(problem);

        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Secret)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(BuildPayload(message), Json)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.UserAgent.ParseAdd(AlertHttp.UserAgent);
        return await AlertHttp.SendAsync(clients.CreateClient(AlertHttp.HttpClientName), request, "the Slack webhook", urlIsSecret: true, time, logger, ct);
    }

    public static SlackPayload BuildPayload(AlertMessage message)
    {
        var label = SeverityLabels.GetValueOrDefault(message.Severity, message.Severity.Code().ToUpperInvariant());
        var title = OneLine(message.Title);
        var subject = message.Package is null ? "" : $"{message.Registry} {message.Package}{(message.Version is null ? "" : "@" + message.Version)}";

        var fallback = $"{label} {title}{(subject.Length == 0 ? "" : " — " + subject)}";
        fallback = Escape(fallback.Length <= FallbackLimit ? fallback : fallback[..(FallbackLimit - 1)] + "…");

        var text = new StringBuilder().Append('*').Append(Escape($"{label} {title}")).Append('*');
        if (subject.Length > 0) text.Append('\n').Append('_').Append(Escape(subject)).Append('_');
        if (message.Text.Length > 0) text.Append('\n').Append(Escape(message.Text.ReplaceLineEndings("\n")));
        if (Link(message.DetailUrl, message.IsDigest ? "Open the dashboard" : "Open package page") is { } link) text.Append('\n').Append(link);

        return new SlackPayload(fallback, [.. Sections(text.ToString()).Select(s => new SlackBlock("section", new SlackText("mrkdwn", s)))]);
    }

    /// <summary>Slack's required escaping of user text: only &amp;, &lt; and &gt; (https://api.slack.com/reference/surfaces/formatting#escaping).</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>
    /// "&lt;url|label&gt;" for an absolute http(s) URL, else null. Inside the angle brackets "|" and "&gt;" would end the
    /// URL early, so they (and "&lt;") are percent-encoded, and "&amp;" is escaped like any text.
    /// </summary>
    public static string? Link(string? url, string label)
    {
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")) return null;
        var safe = uri.AbsoluteUri.Replace("|", "%7C").Replace("<", "%3C").Replace(">", "%3E").Replace("&", "&amp;");
        return $"<{safe}|{Escape(label)}>";
    }

    /// <summary>
    /// Splits mrkdwn into section texts of at most <see cref="SectionLimit"/> characters, at line breaks where possible and
    /// never inside an escape or a link; past <see cref="MaxBlocks"/> sections the rest is dropped with a note.
    /// </summary>
    public static IReadOnlyList<string> Sections(string mrkdwn)
    {
        var sections = new List<string>();
        var current = new StringBuilder();
        foreach (var line in mrkdwn.Split('\n'))
        {
            var rest = line;
            while (true)
            {
                var needed = current.Length == 0 ? rest.Length : current.Length + 1 + rest.Length;
                if (needed <= SectionLimit)
                {
                    if (current.Length > 0) current.Append('\n');
                    current.Append(rest);
                    break;
                }
                if (current.Length > 0)
                {
                    sections.Add(current.ToString());
                    current.Clear();
                    continue;
                }
                var cut = SafeCut(rest, SectionLimit);
                sections.Add(rest[..cut]);
                rest = rest[cut..];
            }
        }
        if (current.Length > 0 || sections.Count == 0) sections.Add(current.ToString());
        if (sections.Count <= MaxBlocks) return sections;

        var last = sections[MaxBlocks - 1];
        var room = SectionLimit - TruncatedNote.Length - 1;
        last = last.Length <= room ? last : last[..SafeCut(last, room)];
        return [.. sections.Take(MaxBlocks - 1), last + "\n" + TruncatedNote];
    }

    /// <summary>Where to cut <paramref name="text"/> to at most <paramref name="limit"/> characters: after a space if one is near, never inside "&amp;…;", "&lt;…&gt;" or a surrogate pair.</summary>
    private static int SafeCut(string text, int limit)
    {
        var cut = Math.Min(limit, text.Length);
        var head = text.AsSpan(0, cut);
        var openLink = head.LastIndexOf('<');
        if (openLink > 0 && openLink > head.LastIndexOf('>')) cut = openLink;
        var openEntity = text.AsSpan(0, cut).LastIndexOf('&');
        if (openEntity > 0 && openEntity > text.AsSpan(0, cut).LastIndexOf(';')) cut = openEntity;
        var space = text.AsSpan(0, cut).LastIndexOf(' ');
        if (space > cut - 200 && space > 0) cut = space + 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1])) cut--;
        return Math.Max(cut, 1);
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace TrustedPublishDashboard.Alerts.Channels;

/// <summary>A connection an alert channel refused to open because the host resolved to a forbidden address.</summary>
public sealed class ForbiddenAddressException(string message) : Exception(message);

/// <summary>
/// The HTTP stack for alert deliveries (webhook and Slack): no redirects, no proxy, short timeouts, and a connect
/// callback that resolves the host itself and refuses forbidden addresses — the save-time URL check cannot see what a
/// name resolves to when the alert is sent (DNS rebinding). The email channel vets its SMTP host with the same
/// <see cref="ResolveVettedAsync"/>. Also maps a response to a <see cref="DeliveryResult"/>.
/// </summary>
public static class AlertHttp
{
    public const string HttpClientName = "alerts";
    public const string UserAgent = "TrustedPublishDashboard-Alerts/1";

    public static TimeSpan ConnectTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>One attempt, from connect to the response headers and the start of the body.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many characters of an error response body go to the debug log. Never into a delivery result: private
    /// addresses are allowed receivers, so quoting bodies would let anyone who can edit a channel read internal services.
    /// </summary>
    public const int LoggedBodyChars = 200;

    public delegate Task<IPAddress[]> HostResolver(string host, CancellationToken ct);

    public static SocketsHttpHandler CreateHandler() => CreateHandler(Dns.GetHostAddressesAsync);

    /// <summary>The handler with another resolver (tests map a name to a forbidden address without touching DNS).</summary>
    public static SocketsHttpHandler CreateHandler(HostResolver resolve) => new()
    {
        // A redirect could lead anywhere the URL check never saw, and a receiver that moved should be reconfigured.
        AllowAutoRedirect = false,
        // Through a proxy the connect callback would only see the proxy, and the proxy would resolve the target unchecked.
        UseProxy = false,
        ConnectTimeout = ConnectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, resolve, ct),
    };

    /// <summary>Resolves <paramref name="endpoint"/>, refuses it when any address is forbidden, else connects to the first that answers.</summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, HostResolver resolve, CancellationToken ct)
    {
        var addresses = await ResolveVettedAsync(endpoint.Host, resolve, ct);
        // Dual-mode socket (IPv6 with IPv4-mapped), as SocketsHttpHandler's own default connect does.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The addresses to connect to for <paramref name="host"/> (itself when it is an address literal), every one vetted.
    /// Callers connect to these and never resolve the name again, so a second answer from DNS cannot sneak in.
    /// </summary>
    /// <exception cref="ForbiddenAddressException">Any address is forbidden (<see cref="RefusalReason"/>).</exception>
    /// <exception cref="SocketException">The name resolves to nothing.</exception>
    public static async Task<IPAddress[]> ResolveVettedAsync(string host, HostResolver resolve, CancellationToken ct)
    {
        var bare = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(bare, out var literal) ? [literal] : await resolve(bare, ct);
        if (RefusalReason(bare, addresses) is { } refusal) throw new ForbiddenAddressException(refusal);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        return addresses;
    }

    /// <summary>
    /// Why alerts must not connect to <paramref name="host"/> given what it resolved to, or null. One forbidden address
    /// refuses the host: a receiver's name has no business resolving to a metadata or link-local address at all.
    /// </summary>
    public static string? RefusalReason(string host, IReadOnlyList<IPAddress> addresses)
    {
        foreach (var address in addresses)
        {
            if (WebhookUrlValidator.ForbiddenReason(address) is { } reason)
            {
                return $"refused to connect to {host}: it resolves to {address}, {reason}; alerts are never sent there";
            }
        }
        return null;
    }

    /// <summary>
    /// Sends one request with the per-attempt timeout and maps the outcome; never throws for delivery failures (only
    /// <see cref="OperationCanceledException"/> when <paramref name="ct"/> itself is cancelled).
    /// <paramref name="receiver"/> names the target in errors ("the webhook"); <paramref name="urlIsSecret"/> keeps the
    /// path of a redirect target out of them (a Slack URL is a token). The start of an error body goes to
    /// <paramref name="logger"/> at debug level only, for the operator; the result quotes the status and its standard reason.
    /// </summary>
    public static async Task<DeliveryResult> SendAsync(HttpClient client, HttpRequestMessage request, string receiver, bool urlIsSecret,
        TimeProvider time, ILogger logger, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is not (>= 200 and < 300) && logger.IsEnabled(LogLevel.Debug)) await LogBodyAsync(logger, receiver, status, response.Content, timeout.Token);
            var location = response.Headers.Location is { } l && request.RequestUri is { } sent ? new Uri(sent, l) : response.Headers.Location;
            var retryAfter = response.Headers.RetryAfter is { } ra ? ra.Delta ?? ra.Date - time.GetUtcNow() : null;
            return Classify(new ResponseFacts(status, location, retryAfter), receiver, urlIsSecret);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return DeliveryResult.Retry($"{receiver} did not answer within {RequestTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex) when (Inner<ForbiddenAddressException>(ex) is { } forbidden)
        {
            return DeliveryResult.Final(forbidden.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException)
        {
            return DeliveryResult.Retry($"could not reach {receiver}: {ex.Message}");
        }
    }

    /// <summary>
    /// What a delivery needs to know about a response. Deliberately no body and no reason phrase: both are whatever the
    /// receiver chose to send, and a receiver may be an internal service that was never meant to answer us.
    /// </summary>
    public sealed record ResponseFacts(int Status, Uri? Location, TimeSpan? RetryAfter);

    /// <summary>
    /// 2xx sent; 408, 425, 429 and 5xx are the receiver asking for another try; a redirect and any other 4xx will not change
    /// by retrying, so they are final. The text names the status with its standard reason (RFC 9110 §15), never the body.
    /// </summary>
    public static DeliveryResult Classify(ResponseFacts response, string receiver, bool urlIsSecret)
    {
        var status = response.Status;
        var reason = ReasonPhrases.GetReasonPhrase(status);
        var statusText = $"HTTP {status}{(reason.Length == 0 ? "" : " " + reason)}";
        return status switch
        {
            >= 200 and < 300 => DeliveryResult.Sent(status),
            >= 300 and < 400 => DeliveryResult.Final(
                $"{receiver} redirected to {Describe(response.Location, urlIsSecret)} ({statusText}); configure the final URL", status),
            408 or 425 or 429 or >= 500 => DeliveryResult.Retry(
                $"{receiver} answered {statusText}{RetryAfterText(response.RetryAfter)}", status),
            _ => DeliveryResult.Final($"{receiver} answered {statusText}", status),
        };
    }

    private static string RetryAfterText(TimeSpan? retryAfter) =>
        retryAfter is { } wait ? $" (Retry-After: {Math.Max(0, (long)Math.Ceiling(wait.TotalSeconds))} s)" : "";

    private static string Describe(Uri? location, bool urlIsSecret) => location switch
    {
        null => "an unspecified location",
        { IsAbsoluteUri: true } when urlIsSecret => location.GetLeftPart(UriPartial.Authority) + "/…",
        _ => location.ToString(),
    };

    /// <summary>Debug logging only: a body that cannot be read must not change the delivery result.</summary>
    private static async Task LogBodyAsync(ILogger logger, string receiver, int status, HttpContent content, CancellationToken ct)
    {
        string body;
        try
        {
            body = await ReadPrefixAsync(content, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            body = $"(unreadable: {ex.Message})";
        }
        logger.LogDebug("{Receiver} answered HTTP {Status}; start of its body (never shown in the dashboard): {Body}", receiver, status, body);
    }

    /// <summary>The first <see cref="LoggedBodyChars"/> characters of the body, whitespace collapsed, reading no more than needed.</summary>
    private static async Task<string> ReadPrefixAsync(HttpContent content, CancellationToken ct)
    {
        var buffer = new byte[LoggedBodyChars * 4];
        await using var stream = await content.ReadAsStreamAsync(ct);
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0) read += n;
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= LoggedBodyChars ? text : text[..LoggedBodyChars];
    }

    private static T? Inner<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is T match) return match;
        }
        return null;
    }
}

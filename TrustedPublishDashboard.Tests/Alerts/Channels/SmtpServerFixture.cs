using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TrustedPublishDashboard.Tests.Alerts;

/// <summary>One received mail, headers unfolded and decoded, body decoded from its transfer encoding.</summary>
public sealed record ReceivedMail(IReadOnlyList<(string Name, string Value)> Headers, string Body)
{
    public string Header(string name) => Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value ?? "";
}

/// <summary>
/// A real SMTP server for the test class: Debian's aiosmtpd on a free loopback port, storing every message in a Maildir
/// (its Mailbox handler also adds X-RcptTo with the envelope recipients). /usr/bin/python3 is the system Python that has
/// python3-aiosmtpd; the PATH python may not.
/// </summary>
public sealed class SmtpServerFixture : IAsyncLifetime
{
    private Process? _process;
    private readonly StringBuilder _output = new();
    private readonly IReadOnlyList<string> _extraArguments;

    public SmtpServerFixture() : this([])
    {
    }

    /// <summary>A server started with more aiosmtpd options (e.g. <c>--tlscert</c>); internal so xunit sees one public constructor.</summary>
    internal SmtpServerFixture(IReadOnlyList<string> extraArguments) => _extraArguments = extraArguments;

    public int Port { get; private set; }

    public string MailDir { get; } = Path.Combine(Path.GetTempPath(), "tpd-smtp-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Port = AlertReceiver.ClosedPort();
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Handler arguments (the Maildir) come last, after every option.
        foreach (var argument in (string[])["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", .. _extraArguments, "-c", "aiosmtpd.handlers.Mailbox", MailDir])
        {
            start.ArgumentList.Add(argument);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3 -m aiosmtpd");
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"aiosmtpd exited with {_process.ExitCode}: {Output}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Waits for the message carrying <paramref name="marker"/> (e.g. its idempotency key) to land in new/.</summary>
    public async Task<ReceivedMail> WaitForMailAsync(string marker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var inbox = Path.Combine(MailDir, "new");
        while (DateTime.UtcNow < deadline)
        {
            if (Directory.Exists(inbox))
            {
                foreach (var file in Directory.GetFiles(inbox))
                {
                    var raw = await File.ReadAllTextAsync(file);
                    if (raw.Contains(marker, StringComparison.Ordinal)) return Parse(raw);
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"no mail containing '{marker}' in {inbox}; server output: {Output}");
    }

    public int CountMails(string marker) =>
        Directory.Exists(Path.Combine(MailDir, "new"))
            ? Directory.GetFiles(Path.Combine(MailDir, "new")).Count(f => File.ReadAllText(f).Contains(marker, StringComparison.Ordinal))
            : 0;

    /// <summary>Just enough RFC 5322/2047/2045 for what SmtpClient writes: folded headers, encoded words, base64 or QP bodies.</summary>
    public static ReceivedMail Parse(string raw)
    {
        raw = raw.Replace("\r\n", "\n");
        var split = raw.IndexOf("\n\n", StringComparison.Ordinal);
        var headerText = split < 0 ? raw : raw[..split];
        var body = split < 0 ? "" : raw[(split + 2)..];
        var headers = new List<(string, string)>();
        foreach (var line in headerText.Split('\n'))
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[0]) && headers.Count > 0)
            {
                var (name, value) = headers[^1];
                headers[^1] = (name, value + line);
            }
            else if (line.IndexOf(':') is > 0 and var colon)
            {
                headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }
        var decoded = headers.Select(h => (h.Item1, DecodeWords(h.Item2))).ToList();
        var encoding = decoded.FirstOrDefault(h => h.Item1.Equals("Content-Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).Item2 ?? "";
        var text = encoding.ToLowerInvariant() switch
        {
            "base64" => Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c))))),
            "quoted-printable" => DecodeQuotedPrintable(body),
            _ => body,
        };
        return new ReceivedMail(decoded, text.Replace("\r\n", "\n"));
    }

    private static string DecodeWords(string value) =>
        System.Text.RegularExpressions.Regex.Replace(value, @"=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*", m =>
            m.Groups[2].Value is "B" or "b"
                ? Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[3].Value))
                : DecodeQuotedPrintable(m.Groups[3].Value.Replace('_', ' ')));

    private static string DecodeQuotedPrintable(string text)
    {
        var bytes = new List<byte>();
        text = text.Replace("=\n", "");
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(text[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        try
        {
            Directory.Delete(MailDir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

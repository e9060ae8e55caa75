using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TrustedPublishDashboard.Onboarding.Generation;
using YamlDotNet.RepresentationModel;
using static TrustedPublishDashboard.Tests.Onboarding.OnboardingFixtures;

namespace TrustedPublishDashboard.Tests.Onboarding;

/// <summary>
/// A loopback server that plays GitHub's OIDC token endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`) and the registry's exchange
/// endpoint, recording every request so a test can see the probe asked the right audience and never published.
/// </summary>
public sealed class ProbeServer : IAsyncDisposable
{
    public const string RequestToken = "gh-request-token";
    public const string MintedToken = "npm_MINTED_SECRET_TOKEN";

    private readonly WebApplication _app;

    private ProbeServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>The exchange answer per raw package path segment (e.g. `@octo%2fwidget-a`).</summary>
    public ConcurrentDictionary<string, (int Status, string Body)> Answers { get; } = new(StringComparer.Ordinal);

    public string Audience => $"npm:{BaseUrl.Host}:{BaseUrl.Port}";

    /// <summary>Mint ID tokens for any audience (for a probe pointed at another registry).</summary>
    public bool AnyAudience { get; set; }

    public static async Task<ProbeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:0"] });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        ProbeServer? server = null;
        app.Run(async context =>
        {
            var request = context.Request;
            var target = request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
            var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? target;
            server!.Requests.Enqueue($"{request.Method} {raw} auth={request.Headers.Authorization}");
            if (request.Method == "GET" && request.Path == "/token")
            {
                if (request.Headers.Authorization != $"Bearer {RequestToken}" || (request.Query["audience"] != server.Audience && !server.AnyAudience))
                {
                    context.Response.StatusCode = 401;
                    return;
                }
                await context.Response.WriteAsJsonAsync(new { value = "id-token-for-" + request.Query["audience"] });
                return;
            }
            const string prefix = "/-/npm/v1/oidc/token/exchange/package/";
            if (request.Method == "POST" && raw.StartsWith(prefix, StringComparison.Ordinal)
                && request.Headers.Authorization == $"Bearer id-token-for-{server.Audience}"
                && server.Answers.TryGetValue(raw[prefix.Length..], out var answer))
            {
                context.Response.StatusCode = answer.Status;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(answer.Body);
                return;
            }
            context.Response.StatusCode = 599;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new ProbeServer(app, new Uri(address + "/"));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed class TrustProbeScriptTests : IAsyncLifetime
{
    private static readonly IReadOnlyList<string> Packages = ["@octo/widget-a", "widget-b", "widget-c", "widget-d"];

    private ProbeServer _server = default!;
    private readonly string _work = Path.Combine(Path.GetTempPath(), "tpd-probe-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        _server = await ProbeServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { }
    }

    /// <summary>The probe step of a generated workflow: its env and the script between the heredoc lines of its run block.</summary>
    private static (IReadOnlyDictionary<string, string> Env, string Script) ProbeStep(string environment = "npm")
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(WorkflowGenerator.GitHubActions(GitHub(environment), Packages).Content));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var steps = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)root["jobs"])["probe"])["steps"];
        var step = steps.Children.Cast<YamlMappingNode>().Single(s => s.Children.ContainsKey(new YamlScalarNode("run")));
        var env = ((YamlMappingNode)step["env"]).Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString());
        var lines = ((YamlScalarNode)step["run"]).Value!.Split('\n');
        var start = Array.FindIndex(lines, l => l.EndsWith($"<<'{TrustProbeScript.HeredocDelimiter}'", StringComparison.Ordinal));
        var end = Array.FindIndex(lines, start + 1, l => l == TrustProbeScript.HeredocDelimiter);
        Assert.True(start >= 0 && end > start, "the run block holds the script in a quoted heredoc");
        return (env, string.Join('\n', lines[(start + 1)..end]) + "\n");
    }

    private string WriteScript(string script)
    {
        var file = Path.Combine(_work, "trust-probe.mjs");
        File.WriteAllText(file, script);
        return file;
    }

    private Dictionary<string, string> GitHubEnvironment(IReadOnlyDictionary<string, string> fromWorkflow)
    {
        var env = new Dictionary<string, string>(fromWorkflow)
        {
            [TrustProbeScript.RegistryVariable] = _server.BaseUrl.ToString(),
            ["ACTIONS_ID_TOKEN_REQUEST_URL"] = new Uri(_server.BaseUrl, "token?api-version=2.0").ToString(),
            ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = ProbeServer.RequestToken,
            ["GITHUB_REPOSITORY"] = "Octo-Org/Widgets",
            ["GITHUB_WORKFLOW_REF"] = "Octo-Org/Widgets/.github/workflows/release.yml@refs/heads/main",
            ["GITHUB_SERVER_URL"] = "https://github.example",
            ["GITHUB_RUN_ID"] = "123",
            ["HOME"] = _work,
            ["NODE_AUTH_TOKEN"] = "",
        };
        return env;
    }

    private (int Code, string Output, string Error) RunNode(string file, Dictionary<string, string> env)
    {
        // An empty value is how the tests say "unset" (ScriptSandbox passes variables through as given).
        var start = new System.Diagnostics.ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _work };
        start.ArgumentList.Add(file);
        foreach (var key in new[] { "NODE_AUTH_TOKEN", "NPM_CONFIG_USERCONFIG", "npm_config_userconfig", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN" })
            start.Environment.Remove(key);
        foreach (var (key, value) in env)
        {
            if (value.Length == 0) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the probe did not finish within 60 s");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    [Fact]
    public void ProbeScript_FromTheGeneratedWorkflow_IsValidJavaScript()
    {
        var (_, script) = ProbeStep();
        Assert.Equal(TrustProbeScript.Source.ReplaceLineEndings("\n").TrimEnd('\n') + "\n", script);
        var (code, _, error) = ScriptSandbox.RunProcess("node", ["--check", WriteScript(script)], _work, null);
        Assert.True(code == 0, error);
    }

    [Fact]
    public void ProbeScript_AgainstLoopbackOidcAndRegistry_ReportsEachPackagesStatus_AndNeverPrintsTheMintedToken()
    {
        _server.Answers["@octo%2fwidget-a"] = (201, $"{{\"token_type\":\"oidc\",\"token\":\"{ProbeServer.MintedToken}\"}}");
        _server.Answers["widget-b"] = (404, "{\"error\":\"Not found\"}");
        _server.Answers["widget-c"] = (403, "{\"message\":\"OIDC permission denied\"}");
        _server.Answers["widget-d"] = (503, "upstream down");
        var (env, script) = ProbeStep();

        var (code, output, error) = RunNode(WriteScript(script), GitHubEnvironment(env));

        Assert.True(code == 0, error);
        var begin = output.IndexOf(TrustProbeScript.BeginMarker, StringComparison.Ordinal);
        var end = output.IndexOf(TrustProbeScript.EndMarker, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, output);
        var json = output[(begin + TrustProbeScript.BeginMarker.Length)..end];
        using var report = JsonDocument.Parse(json);
        var r = report.RootElement;
        Assert.Equal("trusted-publish-dashboard/trust-probe/v1", r.GetProperty("schema").GetString());
        Assert.Equal(_server.BaseUrl.ToString(), r.GetProperty("registry").GetString());
        Assert.Equal("Octo-Org/Widgets", r.GetProperty("repository").GetString());
        Assert.Equal("release.yml", r.GetProperty("workflow").GetString());
        Assert.Equal("npm", r.GetProperty("environment").GetString());
        Assert.Equal("https://github.example/Octo-Org/Widgets/actions/runs/123", r.GetProperty("runUrl").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", r.GetProperty("ranAt").GetString());
        var results = r.GetProperty("results").EnumerateArray().Select(e => (
            e.GetProperty("package").GetString(),
            e.GetProperty("status").ValueKind == JsonValueKind.Null ? (int?)null : e.GetProperty("status").GetInt32(),
            e.TryGetProperty("error", out var err) ? err.GetString() : null)).ToList();
        Assert.Equal([("@octo/widget-a", 201, null), ("widget-b", 404, null), ("widget-c", 403, "OIDC permission denied"), ("widget-d", 503, "upstream down")], results);

        Assert.DoesNotContain(ProbeServer.MintedToken, output + error);
        // The Verify tab reads exactly this log (the shared contract), as GitHub shows it: each line behind a timestamp.
        var log = string.Join('\n', output.Split('\n').Select(l => "2026-11-29T10:00:00.0000000Z " + l));
        foreach (var pasted in new[] { output, log })
        {
            var parsed = TrustedPublishDashboard.Onboarding.Verification.TrustProbeReportParser.Parse(pasted);
            Assert.True(parsed.Problem is null, parsed.Problem);
            Assert.Equal(("Octo-Org/Widgets", "release.yml", "npm"), (parsed.Report!.Repository, parsed.Report.Workflow, parsed.Report.Environment));
            Assert.Equal([201, 404, 403, 503], parsed.Report.Results.Select(x => x.Status));
        }
        Assert.Equal(json.Trim(), File.ReadAllText(Path.Combine(_work, TrustProbeScript.ReportFile)).Trim());
        // One ID token per package for the registry's audience, one exchange each, and nothing else (no publish).
        var requests = _server.Requests.ToList();
        Assert.Equal(4, requests.Count(q => q.StartsWith("GET /token?", StringComparison.Ordinal)));
        Assert.Equal(["@octo%2fwidget-a", "widget-b", "widget-c", "widget-d"],
            requests.Where(q => q.StartsWith("POST ", StringComparison.Ordinal)).Select(q => q.Split(' ')[1].Split('/')[^1]));
        Assert.Equal(8, requests.Count);
        Assert.All(requests.Where(q => q.StartsWith("POST ", StringComparison.Ordinal)), q => Assert.EndsWith($"auth=Bearer id-token-for-{_server.Audience}", q));
    }

    [Fact]
    public void ProbeScript_RegistryUnreachable_ReportsNullStatusWithTheNetworkError()
    {
        var (env, script) = ProbeStep();
        var vars = GitHubEnvironment(env);
        vars[TrustProbeScript.PackagesVariable] = "[\"widget-b\"]";
        // GitHub mints the token; the registry is a closed loopback port.
        _server.AnyAudience = true;
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        vars[TrustProbeScript.RegistryVariable] = $"http://127.0.0.1:{port}/";

        var (code, output, error) = RunNode(WriteScript(script), vars);

        Assert.True(code == 0, error);
        Assert.Contains("\"status\": null", output);
        Assert.Contains("\"error\": \"network: ECONNREFUSED\"", output);
        Assert.Contains($"GET /token?api-version=2.0&audience=npm%3A127.0.0.1%3A{port}", string.Join("\n", _server.Requests));
    }

    [Fact]
    public void ProbeScript_WithNodeAuthToken_RefusesBeforeAnyRequest()
    {
        var (env, script) = ProbeStep();
        var vars = GitHubEnvironment(env);
        vars["NODE_AUTH_TOKEN"] = "npm_leftover";

        var (code, output, error) = RunNode(WriteScript(script), vars);

        Assert.Equal(2, code);
        Assert.Contains("NODE_AUTH_TOKEN is set", error);
        Assert.DoesNotContain(TrustProbeScript.BeginMarker, output);
        Assert.Empty(_server.Requests);
        Assert.False(File.Exists(Path.Combine(_work, TrustProbeScript.ReportFile)));
    }

    [Theory]
    [InlineData("project")]
    [InlineData("user")]
    public void ProbeScript_WithAnNpmrcToken_RefusesBeforeAnyRequest(string where)
    {
        var (env, script) = ProbeStep();
        var vars = GitHubEnvironment(env);
        var npmrc = where == "project" ? Path.Combine(_work, ".npmrc") : Path.Combine(_work, "user.npmrc");
        File.WriteAllText(npmrc, "registry=http://127.0.0.1/\n//127.0.0.1/:_authToken=${NPM_TOKEN}\n");
        if (where == "user") vars["NPM_CONFIG_USERCONFIG"] = npmrc;

        var (code, _, error) = RunNode(WriteScript(script), vars);

        Assert.Equal(2, code);
        Assert.Contains("holds an auth token", error);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void ProbeScript_WithoutIdTokenPermission_SaysTheJobNeedsIt()
    {
        var (env, script) = ProbeStep();
        var vars = GitHubEnvironment(env);
        vars["ACTIONS_ID_TOKEN_REQUEST_URL"] = "";

        var (code, _, error) = RunNode(WriteScript(script), vars);

        Assert.Equal(2, code);
        Assert.Contains("id-token: write", error);
    }
}

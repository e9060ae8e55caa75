using TrustedPublishDashboard.Onboarding.Verification;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class TrustProbeReportParserTests
{
    public const string Json = """
        {
          "schema": "trusted-publish-dashboard/trust-probe/v1",
          "registry": "http://127.0.0.1:4873/",
          "repository": "acme/widgets",
          "workflow": "release.yml",
          "environment": "npm",
          "runUrl": "https://github.com/acme/widgets/actions/runs/123",
          "ranAt": "2026-11-29T10:00:00Z",
          "results": [
            { "package": "@scope/a", "status": 201 },
            { "package": "b", "status": 404 },
            { "package": "c", "status": 403, "error": "OIDC permission denied" },
            { "package": "d", "status": null, "error": "network: ECONNRESET" },
            { "package": "e", "status": 503 }
          ]
        }
        """;

    /// <summary>A downloaded GitHub job log: timestamps on every line, the script's source echoed (markers inside a line), then the report.</summary>
    public static string Log(string json) =>
        "2026-11-29T10:00:01.1234567Z ##[group]Run node probe.mjs\n" +
        "2026-11-29T10:00:01.1234567Z console.log('----- BEGIN TRUST PROBE REPORT -----'); console.log(JSON.stringify(report, null, 2));\n" +
        "2026-11-29T10:00:01.1234567Z ##[endgroup]\n" +
        "2026-11-29T10:00:02.0000000Z Probing 5 package(s)…\n" +
        "2026-11-29T10:00:03.0000000Z ----- BEGIN TRUST PROBE REPORT -----\n" +
        string.Join("\n", json.Split('\n').Select(l => "2026-11-29T10:00:03.0000000Z " + l.TrimEnd('\r'))) + "\n" +
        "2026-11-29T10:00:03.0000000Z ----- END TRUST PROBE REPORT -----\n" +
        "2026-11-29T10:00:04.0000000Z Uploading artifact trust-probe-report\n";

    [Fact]
    public void Parse_JsonAlone_ReadsPublisherRunAndEveryAnswer()
    {
        var result = TrustProbeReportParser.Parse(Json);

        Assert.Null(result.Problem);
        var report = result.Report!;
        Assert.Equal(("http://127.0.0.1:4873/", "acme/widgets", "release.yml", "npm"), (report.Registry, report.Repository, report.Workflow, report.Environment));
        Assert.Equal("https://github.com/acme/widgets/actions/runs/123", report.RunUrl);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero), report.RanAt);
        Assert.Equal(
            [("@scope/a", TrustReadState.Configured), ("b", TrustReadState.NotConfigured), ("c", TrustReadState.Unreadable), ("d", TrustReadState.Unreadable), ("e", TrustReadState.Unreadable)],
            report.Results.Select(r => (r.Package, r.State)));
    }

    [Fact]
    public void Parse_WholeJobLog_TakesTheReportBetweenTheMarkerLines_NotTheEchoedScript()
    {
        var result = TrustProbeReportParser.Parse(Log(Json));

        Assert.Null(result.Problem);
        Assert.Equal(5, result.Report!.Results.Count);
    }

    [Fact]
    public void Parse_LogWithoutTimestamps_AndCrLf_Works()
    {
        var log = "Probing…\r\n" + TrustProbeReportParser.BeginMarker + "\r\n" + Json.Replace("\n", "\r\n") + "\r\n" + TrustProbeReportParser.EndMarker + "\r\ndone\r\n";

        Assert.Equal(5, TrustProbeReportParser.Parse(log).Report!.Results.Count);
    }

    /// <summary>Truth table of the exchange's answers: only 201 and 404 say anything.</summary>
    [Theory]
    [InlineData(201, TrustReadState.Configured, null)]
    [InlineData(404, TrustReadState.NotConfigured, null)]
    [InlineData(403, TrustReadState.Unreadable, "refused the OIDC exchange (403)")]
    [InlineData(500, TrustReadState.Unreadable, "the registry failed (500)")]
    [InlineData(503, TrustReadState.Unreadable, "the registry failed (503)")]
    [InlineData(null, TrustReadState.Unreadable, "no answer")]
    [InlineData(200, TrustReadState.Unreadable, "says neither yes nor no")]
    public void Result_State_OnlyTheExchangesYesAndNoCount(int? status, TrustReadState state, string? why)
    {
        var result = new TrustProbeResult("a", status, null);

        Assert.Equal(state, result.State);
        if (why is not null) Assert.Contains(why, result.UnreadableReason);
    }

    public static TheoryData<string, string> Hostile => new()
    {
        { "hello", "not one complete JSON document" },
        { Json[..200], "not one complete JSON document" },
        { "[1,2,3]", "it is a list, not a JSON object" },
        { Json.Replace("trust-probe/v1", "trust-probe/v9"), "its schema is \"trusted-publish-dashboard/trust-probe/v9\"" },
        { Json.Replace("\"schema\": \"trusted-publish-dashboard/trust-probe/v1\",", ""), "it has no \"schema\"" },
        { Json.Replace("\"status\": 201", "\"status\": \"201\""), "The status of @scope/a in the report is the text \"201\", not an HTTP status" },
        { Json.Replace("\"status\": 201", "\"status\": 201.5"), "not an HTTP status" },
        { Json.Replace("\"status\": 201", "\"status\": 99999999999"), "not an HTTP status" },
        { Json.Replace("\"repository\": \"acme/widgets\"", "\"repository\": 42"), "\"repository\" is a number, not text" },
        { Json.Replace("\"workflow\": \"release.yml\"", "\"workflow\": \".github/workflows/release.yml\""), "should be a workflow file name" },
        { Json.Replace("\"registry\": \"http://127.0.0.1:4873/\"", "\"registry\": \"file:///etc/passwd\""), "\"registry\" is not an http(s) address" },
        { Json.Replace("{ \"package\": \"b\", \"status\": 404 }", "\"b\""), "Entry 2 of the report's results is text" },
        { Json.Replace("\"package\": \"b\"", "\"package\": \"b c\""), "is not a package name" },
        { Json.Replace("\"error\": \"OIDC permission denied\"", "\"error\": {\"a\": 1}"), "The error of c in the report is an object" },
        { Json.Replace("\"ranAt\": \"2026-11-29T10:00:00Z\"", "\"ranAt\": \"yesterday\""), "\"ranAt\" is not a date" },
        { """{"schema":"trusted-publish-dashboard/trust-probe/v1","registry":"http://r/","repository":"o/r","workflow":"r.yml","results":[]}""", "lists no package" },
        { """{"schema":"trusted-publish-dashboard/trust-probe/v1","results":""" + new string('[', 50) + new string(']', 50) + "}", "nested deeper than a report ever is" },
        { TrustProbeReportParser.BeginMarker + "\n" + Json, "not its END line" },
        { Json + "\n" + TrustProbeReportParser.EndMarker, "not its BEGIN line" },
        { TrustProbeReportParser.BeginMarker + "\n\n" + TrustProbeReportParser.EndMarker, "nothing between the BEGIN and END lines" },
        { "", "Nothing was pasted" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Parse_HostileOrMalformed_RefusedWithAPersonsSentence(string text, string said)
    {
        var result = TrustProbeReportParser.Parse(text);

        Assert.Null(result.Report);
        Assert.Contains(said, result.Problem);
        foreach (var jargon in new[] { "LineNumber", "BytePosition", "Expected", "JsonException", "literal" })
            Assert.DoesNotContain(jargon, result.Problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Parse_Huge_RefusedBeforeParsing()
    {
        var result = TrustProbeReportParser.Parse(Json + new string(' ', TrustProbeReportParser.MaxInputBytes));

        Assert.Null(result.Report);
        Assert.Contains("larger than 5 MiB", result.Problem);
    }

    [Fact]
    public void Parse_TooManyResults_Refused()
    {
        var entries = string.Join(",", Enumerable.Range(0, TrustProbeReportParser.MaxResults + 1).Select(i => $"{{\"package\":\"p{i}\",\"status\":201}}"));
        var text = $$"""{"schema":"trusted-publish-dashboard/trust-probe/v1","registry":"http://r/","repository":"o/r","workflow":"r.yml","results":[{{entries}}]}""";

        Assert.Contains("more than 10,000 packages", TrustProbeReportParser.Parse(text).Problem);
    }

    [Fact]
    public void Parse_RunUrlNotHttp_DroppedWithANote()
    {
        var result = TrustProbeReportParser.Parse(Json.Replace("https://github.com/acme/widgets/actions/runs/123", "javascript:alert(1)"));

        Assert.Null(result.Report!.RunUrl);
        Assert.Contains(result.Notes, n => n.Contains("not an http(s) address"));
    }
}

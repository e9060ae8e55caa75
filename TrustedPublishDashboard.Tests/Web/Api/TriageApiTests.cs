using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Packages;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Tests.Packages;
using TrustedPublishDashboard.Web.Api;

namespace TrustedPublishDashboard.Tests.Web.Api;

/// <summary>Each finding's state in the JSON API, the list, the CSV and the badge, over the real app (its own database: acceptances change counts).</summary>
public sealed class TriageApiTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private async Task<string> GetText(string url)
    {
        var response = await factory.CreateClient().GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {text}");
        return text;
    }

    [Fact]
    public async Task AcceptedFinding_IsReportedWithItsState_AndListCsvAndBadgeAgree()
    {
        factory.CreateClient();
        var services = factory.Services;
        var accepted = await services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("api-accepted"));
        await services.TrackWithHistoryAsync(PackagesTestServices.Downgraded("api-open"));
        await services.GetRequiredService<FindingTriageService>().AcceptAsync(TestActors.Maintainer("alice"), accepted, FindingKinds.TrustDowngrade, "2.0.0",
            new AcceptRequest(AcceptanceReason.AcceptedRisk, "old token, revoked"), default);

        var detail = JsonDocument.Parse(await GetText("/api/v1/packages/npm/api-accepted")).RootElement;
        var finding = Assert.Single(detail.GetProperty("findings").EnumerateArray().ToList());
        Assert.Equal("accepted", finding.GetProperty("state").GetString());
        Assert.Equal("accepted-risk", finding.GetProperty("acceptance").GetProperty("reasonKind").GetString());
        Assert.Equal("alice", finding.GetProperty("acceptance").GetProperty("acceptedBy").GetString());
        Assert.Equal(["raised", "accepted"], finding.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("what").GetString()));
        Assert.Equal("compliant", detail.GetProperty("package").GetProperty("status").GetString());
        var open = JsonDocument.Parse(await GetText("/api/v1/packages/npm/api-open")).RootElement;
        Assert.Equal("open", open.GetProperty("findings")[0].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, open.GetProperty("findings")[0].GetProperty("acceptance").ValueKind);

        var list = JsonDocument.Parse(await GetText("/api/v1/packages?q=api-&filter=findings&accepted=include")).RootElement;
        Assert.Equal([("api-accepted", "compliant", 0L, 1L), ("api-open", "non-compliant", 1L, 0L)], list.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("name").GetString(), i.GetProperty("status").GetString(), i.GetProperty("findings").GetInt64(), i.GetProperty("acceptedFindings").GetInt64())));
        var onlyOpen = JsonDocument.Parse(await GetText("/api/v1/packages?q=api-&filter=findings")).RootElement;
        Assert.Equal(["api-open"], onlyOpen.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()));

        var csv = (await GetText("/api/v1/packages/export.csv?q=api-")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var column = Array.IndexOf(PackagesApi.CsvColumns, "accepted_findings");
        Assert.Equal("accepted_findings", csv[0].Split(',')[column]);
        Assert.Equal(["1", "0"], csv.Skip(1).Select(l => l.Split(',')[column]));

        Assert.Contains("compliant · 1 accepted", await GetText("/badge/npm/api-accepted.svg"));
        Assert.Contains(">token<", await GetText("/badge/npm/api-open.svg"));
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Packages;
using TrustedPublishDashboard.Web.Api;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Web.Api;

/// <summary>A dashboard with 200 sample packages (the seed's generator), shared by the API tests.</summary>
public sealed class SeededDashboard : IAsyncLifetime
{
    public DashboardFactory Factory { get; } = new();

    public ComplianceCounts Counts { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Factory.CreateClient();
        await Factory.Services.GetRequiredService<SampleWorkspace>().LoadAsync(200, 8, null, default);
        Counts = await Factory.Services.GetRequiredService<ComplianceRepository>().CountsAsync(default);
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class PackagesApiTests(SeededDashboard seeded) : IClassFixture<SeededDashboard>
{
    private HttpClient Client => seeded.Factory.CreateClient();

    private async Task<JsonElement> GetJson(string url)
    {
        var response = await Client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task List_PagesAndCountsInSql()
    {
        var first = await GetJson("/api/v1/packages?pageSize=20");
        var third = await GetJson("/api/v1/packages?pageSize=20&page=3");
        Assert.Equal(200, first.GetProperty("total").GetInt32());
        Assert.Equal(20, first.GetProperty("items").GetArrayLength());
        Assert.Equal(3, third.GetProperty("page").GetInt32());
        Assert.NotEqual(first.GetProperty("items")[0].GetProperty("name").GetString(), third.GetProperty("items")[0].GetProperty("name").GetString());
        var item = first.GetProperty("items")[0];
        foreach (var field in new[] { "registry", "name", "group", "sample", "status", "latestVersion", "latestMethod", "provenance", "publisher", "lastTokenPublish", "findings", "checkedAt", "error" })
            Assert.True(item.TryGetProperty(field, out _), $"missing {field}");
        Assert.True(item.GetProperty("sample").GetBoolean());
    }

    [Theory]
    [InlineData("status=compliant", "status", "compliant")]
    [InlineData("status=non-compliant", "status", "non-compliant")]
    [InlineData("filter=unknown", "status", "unknown")]
    public async Task List_StatusFilters_MatchTheCounts(string query, string field, string value)
    {
        var json = await GetJson($"/api/v1/packages?{query}&pageSize=500");
        var expected = value switch { "compliant" => seeded.Counts.Compliant, "non-compliant" => seeded.Counts.NonCompliant, _ => seeded.Counts.Unknown };
        Assert.True(expected > 0, "the seed should produce every status");
        Assert.Equal(expected, json.GetProperty("total").GetInt32());
        Assert.All(json.GetProperty("items").EnumerateArray(), i => Assert.Equal(value, i.GetProperty(field).GetString()));
    }

    [Fact]
    public async Task List_QuickFilters_SelectWhatTheySay()
    {
        var token = await GetJson("/api/v1/packages?filter=still-token&pageSize=500");
        Assert.True(token.GetProperty("total").GetInt32() > 0);
        Assert.All(token.GetProperty("items").EnumerateArray(), i => Assert.StartsWith("token", i.GetProperty("latestMethod").GetString()));

        var downgrade = await GetJson("/api/v1/packages?filter=downgrade&pageSize=500");
        Assert.True(downgrade.GetProperty("total").GetInt32() > 0);
        foreach (var i in downgrade.GetProperty("items").EnumerateArray())
        {
            var detail = await GetJson($"/api/v1/packages/{i.GetProperty("registry").GetString()}/{i.GetProperty("name").GetString()}");
            Assert.Contains(detail.GetProperty("findings").EnumerateArray(), f => f.GetProperty("kind").GetString() == "trust-downgrade");
        }

        var drift = await GetJson("/api/v1/packages?filter=drift&sort=last-token&desc=true&pageSize=5");
        Assert.True(drift.GetProperty("total").GetInt32() > 0);

        var withFindings = await GetJson("/api/v1/packages?filter=findings&pageSize=500");
        var findingsTotal = withFindings.GetProperty("items").EnumerateArray().Sum(i => i.GetProperty("findings").GetInt64());
        Assert.Equal(seeded.Counts.OpenFindings, findingsTotal);
        Assert.All(withFindings.GetProperty("items").EnumerateArray(), i => Assert.True(i.GetProperty("findings").GetInt64() > 0));
    }

    [Fact]
    public async Task List_GroupBy_CountsEachGroupInSql_AndOrdersRowsByGroup()
    {
        var json = await GetJson("/api/v1/packages?groupBy=status&pageSize=500");
        var groups = json.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("key").GetString()!, g => g.GetProperty("count").GetInt64());
        Assert.Equal(json.GetProperty("total").GetInt32(), groups.Values.Sum());
        Assert.Equal(seeded.Counts.Compliant, groups["compliant"]);
        Assert.Equal(seeded.Counts.NonCompliant, groups["non-compliant"]);
        var statuses = json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString()!).ToList();
        Assert.Equal(statuses.Order(StringComparer.Ordinal), statuses);
        Assert.False((await GetJson("/api/v1/packages?pageSize=1")).TryGetProperty("groups", out _));
    }

    [Fact]
    public async Task List_SortsByTheRequestedColumn()
    {
        var json = await GetJson("/api/v1/packages?sort=name&desc=true&pageSize=50");
        var names = json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToList();
        Assert.Equal(names.OrderByDescending(n => n, StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task List_SortByPublisher_OrdersByRepository_PackagesWithoutOneLast()
    {
        var json = await GetJson("/api/v1/packages?sort=publisher&pageSize=500");
        var publishers = json.GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("publisher") is { ValueKind: JsonValueKind.Object } p ? p.GetProperty("repository").GetString() ?? p.GetProperty("provider").GetString() : null)
            .ToList();
        var known = publishers.TakeWhile(p => p is not null).ToList();
        Assert.NotEmpty(known);
        Assert.Equal(known.Order(StringComparer.Ordinal), known);
        Assert.All(publishers.Skip(known.Count), p => Assert.Null(p));
    }

    [Fact]
    public async Task GridAddress_ListAndExport_SelectTheSameRowsInTheSameOrder()
    {
        var state = new PackageGridState { Filter = QuickFilter.StillToken, Sort = ComplianceSort.Publisher, Descending = true, PageSize = PackageGridState.MaxPageSize };

        var list = await GetJson("/api/v1/packages" + state.ToQueryString());
        var export = JsonDocument.Parse(await Client.GetStringAsync("/api/v1/packages/export.json" + state.ToQueryString(paged: false))).RootElement;

        Assert.Equal(list.GetProperty("total").GetInt32(), export.GetArrayLength());
        Assert.Equal(list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()),
            export.EnumerateArray().Select(i => i.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData("filter=nope", "filter")]
    [InlineData("status=green", "status")]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=100000", "pageSize")]
    [InlineData("sort=colour", "sort")]
    [InlineData("registry=cargo", "registry")]
    [InlineData("groupBy=colour", "groupBy")]
    [InlineData("page=4294968&pageSize=500", "page")]
    [InlineData("sample=maybe", "sample")]
    public async Task List_InvalidParameters_AreProblemDetails(string query, string field)
    {
        var response = await Client.GetAsync($"/api/v1/packages?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Get_ScopedPackage_HasVersionsInTimeOrderAndFindings()
    {
        var json = await GetJson("/api/v1/packages/npm/@sample/sample-00009");
        Assert.Equal("@sample/sample-00009", json.GetProperty("package").GetProperty("name").GetString());
        var times = json.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("publishedAt").GetString()!).ToList();
        Assert.Equal(8, times.Count);
        Assert.Equal(times.Order(StringComparer.Ordinal), times);
    }

    [Theory]
    [InlineData("/api/v1/packages/npm/not-tracked", 404)]
    [InlineData("/api/v1/packages/cargo/serde", 404)]
    [InlineData("/api/v1/packages/npm/Not%20Valid", 400)]
    [InlineData("/api/v1/poll-runs?take=0", 400)]
    public async Task Get_Errors_AreProblemDetails(string url, int status)
    {
        var response = await Client.GetAsync(url);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ExportCsv_HasOneHeaderRowAndOneRowPerPackageOfTheFilter()
    {
        var response = await Client.GetAsync("/api/v1/packages/export.csv?status=non-compliant");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', PackagesApi.CsvColumns), lines[0]);
        Assert.Equal(seeded.Counts.NonCompliant, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Contains(",non-compliant,", l));
    }

    [Fact]
    public async Task ExportJson_IsAnArrayOfTheSameItems()
    {
        var response = await Client.GetAsync("/api/v1/packages/export.json?filter=still-token");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var list = await GetJson("/api/v1/packages?filter=still-token&pageSize=1");
        Assert.Equal(list.GetProperty("total").GetInt32(), json.GetArrayLength());
    }

    [Fact]
    public async Task Badge_ColourFollowsStatus_WithETagAndShortCache()
    {
        var compliant = (await GetJson("/api/v1/packages?status=compliant&pageSize=1")).GetProperty("items")[0].GetProperty("name").GetString();
        var token = (await GetJson("/api/v1/packages?filter=still-token&status=non-compliant&pageSize=1")).GetProperty("items")[0].GetProperty("name").GetString();
        var drift = (await GetJson("/api/v1/packages?filter=drift&pageSize=1")).GetProperty("items")[0].GetProperty("name").GetString();

        var green = await Client.GetAsync($"/badge/npm/{compliant}.svg");
        Assert.Equal("image/svg+xml", green.Content.Headers.ContentType?.MediaType);
        var svg = await green.Content.ReadAsStringAsync();
        Assert.Contains("trusted publishing: oidc", svg);
        Assert.Contains("#2e8540", svg);
        Assert.Contains("max-age=300", green.Headers.CacheControl?.ToString());
        Assert.Contains("trusted publishing: token", await Client.GetStringAsync($"/badge/npm/{token}.svg"));
        Assert.Contains("trusted publishing: drift", await Client.GetStringAsync($"/badge/npm/{drift}.svg"));
        Assert.Contains("trusted publishing: unknown", await Client.GetStringAsync("/badge/npm/not-tracked.svg"));

        var again = new HttpRequestMessage(HttpMethod.Get, $"/badge/npm/{compliant}.svg");
        again.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(green.Headers.ETag!.ToString()));
        Assert.Equal(HttpStatusCode.NotModified, (await Client.SendAsync(again)).StatusCode);
    }

    [Fact]
    public void BadgeFor_TableOfRows()
    {
        Assert.Equal("oidc", Badges.For(new ComplianceRow { Status = "compliant", LatestMethod = "trusted-publisher" }).Message);
        Assert.Equal("token", Badges.For(new ComplianceRow { Status = "non-compliant", LatestMethod = "token" }).Message);
        Assert.Equal("token", Badges.For(new ComplianceRow { Status = "non-compliant", LatestMethod = "trusted-publisher", HasDowngrade = true, HasDrift = true }).Message);
        Assert.Equal("drift", Badges.For(new ComplianceRow { Status = "non-compliant", LatestMethod = "trusted-publisher", HasDrift = true }).Message);
        Assert.Equal("unknown", Badges.For(new ComplianceRow { Status = "unknown", LatestMethod = "unknown" }).Message);
        Assert.Equal("unknown", Badges.For(new ComplianceRow { Status = "error" }).Message);
        Assert.Equal("unknown", Badges.For(null).Message);
    }
}

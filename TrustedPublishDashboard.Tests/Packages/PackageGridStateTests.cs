using TrustedPublishDashboard.Data;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Packages;

namespace TrustedPublishDashboard.Tests.Packages;

/// <summary>The grid's one state type: the address, the API and the exports read and write it the same way.</summary>
public sealed class PackageGridStateTests
{
    public static TheoryData<PackageGridState> ValidStates() =>
    [
        PackageGridState.Default,
        new PackageGridState { Search = "left-pad" },
        new PackageGridState { Search = "@scope/with space&amp=x?" },
        new PackageGridState { Registry = Registry.PyPI, Status = "non-compliant", Filter = QuickFilter.StillToken, Sample = false },
        new PackageGridState { GroupId = 42, Sample = true, GroupBy = GroupKey.Group },
        new PackageGridState { Sort = ComplianceSort.Publisher, Descending = true, Page = 7, PageSize = 25 },
        new PackageGridState { Sort = ComplianceSort.LastToken, GroupBy = GroupKey.Method, Status = "pending", Page = 2, PageSize = PackageGridState.MaxPageSize },
        new PackageGridState { Filter = QuickFilter.Findings, Registry = Registry.RubyGems, Sort = ComplianceSort.Checked },
    ];

    [Theory]
    [MemberData(nameof(ValidStates))]
    public void ToQueryString_ThenParse_GivesTheSameState(PackageGridState state)
    {
        var parse = PackageGridState.Parse(state.ToQueryString());

        Assert.True(parse.IsValid, parse.Problem);
        Assert.Equal(state, parse.State);
    }

    [Theory]
    [MemberData(nameof(ValidStates))]
    public void Parse_ThenToParameters_GivesTheSameParameters(PackageGridState state)
    {
        var parameters = state.ToParameters().ToDictionary(p => p.Key, p => (string?)p.Value);

        var again = PackageGridState.Parse(parameters).State!;

        Assert.Equal(state.ToParameters(), again.ToParameters());
    }

    [Fact]
    public void ToQueryString_DefaultState_IsEmpty_AndDefaultsAreLeftOut()
    {
        Assert.Equal("", PackageGridState.Default.ToQueryString());
        Assert.Equal("?status=compliant", new PackageGridState { Status = "compliant", Page = 1, PageSize = PackageGridState.DefaultPageSize, Sort = ComplianceSort.Name }.ToQueryString());
        Assert.Equal("?q=%40scope%2Fx&sort=publisher&desc=true&page=3", new PackageGridState { Search = "@scope/x", Sort = ComplianceSort.Publisher, Descending = true, Page = 3 }.ToQueryString());
    }

    [Fact]
    public void ToQueryString_Unpaged_LeavesPageAndSizeOut_ForExports()
    {
        var state = new PackageGridState { Filter = QuickFilter.Drift, Page = 4, PageSize = 10 };

        Assert.Equal("?filter=drift", state.ToQueryString(paged: false));
        Assert.Equal(0, state.ToUnpagedQuery().Offset);
    }

    [Fact]
    public void Parse_AliasesCaseAndBlanks_AreNormalised()
    {
        var parse = PackageGridState.Parse("?q=%20%20pad%20&registry=pip&filter=STILL-TOKEN&groupBy=Status&sort=Last-Token&desc=True&sample=&page=&unknown=x");

        Assert.True(parse.IsValid, parse.Problem);
        Assert.Equal(new PackageGridState
        {
            Search = "pad", Registry = Registry.PyPI, Filter = QuickFilter.StillToken, GroupBy = GroupKey.Status, Sort = ComplianceSort.LastToken, Descending = true,
        }, parse.State);
        Assert.Equal("?q=pad&registry=pypi&filter=still-token&sort=last-token&desc=true&groupBy=status", parse.State!.ToQueryString());
    }

    [Theory]
    [InlineData("registry=cargo", "registry")]
    [InlineData("group=abc", "group")]
    [InlineData("group=-1", "group")]
    [InlineData("status=green", "status")]
    [InlineData("status=Compliant", "status")]
    [InlineData("filter=nope", "filter")]
    [InlineData("sample=yes", "sample")]
    [InlineData("sort=colour", "sort")]
    [InlineData("desc=1", "desc")]
    [InlineData("page=0", "page")]
    [InlineData("page=-2", "page")]
    [InlineData("page=1.5", "page")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=501", "pageSize")]
    [InlineData("groupBy=colour", "groupBy")]
    [InlineData("page=4294968&pageSize=500", "page")]
    public void Parse_InvalidValue_IsAnErrorNamingTheParameter(string query, string key)
    {
        var parse = PackageGridState.Parse(query);

        Assert.False(parse.IsValid);
        Assert.Null(parse.State);
        Assert.Equal([key], parse.Errors.Keys);
        Assert.Contains(key, parse.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SearchLongerThanAnyPackageName_IsAnError()
    {
        Assert.Equal(["q"], PackageGridState.Parse("q=" + new string('a', PackageGridState.MaxSearchLength + 1)).Errors.Keys);
        Assert.True(PackageGridState.Parse("q=" + new string('a', PackageGridState.MaxSearchLength)).IsValid);
    }

    [Fact]
    public void Parse_SeveralBadValues_ReportsEach()
    {
        var parse = PackageGridState.Parse("status=green&sort=colour&page=0");

        Assert.Equal(["page", "sort", "status"], parse.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_LastRepresentablePage_IsValid_AndItsOffsetFits()
    {
        var state = PackageGridState.Parse("page=4294967&pageSize=500").State!;

        Assert.Equal(2_147_483_000, state.Offset);
    }

    [Fact]
    public void Parse_Unpaged_IgnoresPageAndPageSize()
    {
        var parse = PackageGridState.Parse("page=0&pageSize=100000&status=compliant", paged: false);

        Assert.True(parse.IsValid, parse.Problem);
        Assert.Equal("compliant", parse.State!.Status);
    }

    [Fact]
    public void ToQuery_CarriesEveryFilterSortAndPage()
    {
        var state = new PackageGridState
        {
            Search = "x", Registry = Registry.Npm, GroupId = 3, Status = "unknown", Filter = QuickFilter.Errors, Sample = true,
            Sort = ComplianceSort.Findings, Descending = true, GroupBy = GroupKey.Registry, Page = 3, PageSize = 20,
        };

        Assert.Equal(new ComplianceQuery("x", Registry.Npm, 3, "unknown", QuickFilter.Errors, true, ComplianceSort.Findings, true, 40, 20, GroupKey.Registry), state.ToQuery());
    }

    [Fact]
    public void SortedBy_SecondClickReverses_AndANewColumnStartsAscending()
    {
        var state = new PackageGridState { Page = 5 };

        var byPublisher = state.SortedBy(ComplianceSort.Publisher);
        Assert.Equal((ComplianceSort.Publisher, false, 1), (byPublisher.Sort, byPublisher.Descending, byPublisher.Page));
        Assert.True(byPublisher.SortedBy(ComplianceSort.Publisher).Descending);
        Assert.False(byPublisher.SortedBy(ComplianceSort.Publisher).SortedBy(ComplianceSort.Publisher).Descending);
        Assert.False(byPublisher.SortedBy(ComplianceSort.Publisher).SortedBy(ComplianceSort.Status).Descending);
    }

    [Theory]
    [InlineData(1, 50, 25, 1)]
    [InlineData(3, 50, 25, 5)]
    [InlineData(3, 50, 100, 2)]
    [InlineData(2, 10, 500, 1)]
    public void WithPageSize_KeepsTheFirstRowOfThePageInView(int page, int size, int newSize, int expectedPage)
    {
        var state = new PackageGridState { Page = page, PageSize = size }.WithPageSize(newSize);

        Assert.Equal((expectedPage, newSize), (state.Page, state.PageSize));
    }

    [Theory]
    [InlineData("  ", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("  pad ", "pad")]
    public void WithSearch_TrimsAndClears_FromTheFirstPage(string? text, string? expected)
    {
        var state = new PackageGridState { Search = "old", Page = 4 }.WithSearch(text);

        Assert.Equal((expected, 1), (state.Search, state.Page));
    }

    [Fact]
    public void SameRowsAs_IgnoresPageSortAndGrouping_ButNotFilters()
    {
        var state = new PackageGridState { Search = "a", Status = "compliant" };

        Assert.True(state.SameRowsAs(state with { Page = 3, PageSize = 10, Sort = ComplianceSort.Status, Descending = true, GroupBy = GroupKey.Registry }));
        Assert.False(state.SameRowsAs(state with { Search = "b" }));
        Assert.False(state.SameRowsAs(state with { Filter = QuickFilter.Drift }));
        Assert.False(state.SameRowsAs(state with { Sample = true }));
    }

    [Fact]
    public void OnlyGroup_FiltersToTheGroup_AndUngroups_WhenTheGroupingHasAFilter()
    {
        var byStatus = new PackageGridState { GroupBy = GroupKey.Status, Page = 3 };
        Assert.Equal(new PackageGridState { Status = "non-compliant" }, byStatus.OnlyGroup(new ComplianceGroup { Key = "non-compliant", Value = "non-compliant", Count = 4 }));

        var byRegistry = new PackageGridState { GroupBy = GroupKey.Registry };
        Assert.Equal(new PackageGridState { Registry = Registry.RubyGems }, byRegistry.OnlyGroup(new ComplianceGroup { Key = "rubygems", Value = "rubygems" }));

        var byGroup = new PackageGridState { GroupBy = GroupKey.Group };
        Assert.Equal(new PackageGridState { GroupId = 12 }, byGroup.OnlyGroup(new ComplianceGroup { Key = "team", Value = "12" }));
        Assert.Null(byGroup.OnlyGroup(new ComplianceGroup { Key = "(no group)", Value = null }));

        var byMethod = new PackageGridState { GroupBy = GroupKey.Method };
        Assert.Null(byMethod.OnlyGroup(new ComplianceGroup { Key = "token", Value = "token" }));
    }

    [Theory]
    [InlineData(GroupKey.Status, "pending")]
    [InlineData(GroupKey.Registry, "npm")]
    [InlineData(GroupKey.Group, "(no group)")]
    [InlineData(GroupKey.Method, "pending")]
    public void GroupLabelOf_AnUnpolledUngroupedRow_MatchesTheSqlLabel(GroupKey key, string expected) =>
        Assert.Equal(expected, ComplianceRepository.GroupLabelOf(new ComplianceRow { Registry = "npm", Name = "x" }, key));
}

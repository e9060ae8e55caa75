using System.Text;
using TrustedPublishDashboard.Registries.RubyGems;
using static TrustedPublishDashboard.Tests.Registries.RubyGems.RubyGemsDocs;

namespace TrustedPublishDashboard.Tests.Registries.RubyGems;

public sealed class RubyGemsVersionPageParserTests
{
    [Fact]
    public void Parse_PushedByProfile_IsTheUser()
    {
        var verdict = RubyGemsVersionPageParser.Parse(Encoding.UTF8.GetBytes(Page(Profile("alice"))));
        Assert.Equal(RubyGemsPusher.User, verdict.Pusher);
        Assert.Equal("alice", verdict.Handle);
    }

    [Fact]
    public void Parse_PushedByAbsoluteProfileUrl_IsTheUser()
    {
        var verdict = RubyGemsVersionPageParser.Parse(Page("<a href='https://rubygems.example/profiles/bob_2'><img src='/a.png'></a>"));
        Assert.Equal(RubyGemsPusher.User, verdict.Pusher);
        Assert.Equal("bob_2", verdict.Handle);
    }

    [Fact]
    public void Parse_PushedByGitHubImage_IsTheTrustedPublisherWithItsTitle()
    {
        var verdict = RubyGemsVersionPageParser.Parse(Page(TrustedPublisher("GitHub Actions: acme/widgets &amp; release.yml")));
        Assert.Equal(RubyGemsPusher.TrustedPublisher, verdict.Pusher);
        Assert.Equal("GitHub Actions: acme/widgets & release.yml", verdict.TrustedPublisher);
        Assert.Null(verdict.Handle);
    }

    [Fact]
    public void Parse_NoPushedByHeading_IsUnknownEvenWithOwnersProfiles()
    {
        var verdict = RubyGemsVersionPageParser.Parse(Page(null));
        Assert.Equal(RubyGemsPusher.Unknown, verdict.Pusher);
        Assert.Null(verdict.Handle);
        Assert.Contains("no \"Pushed by\" heading", verdict.Note);
    }

    public static TheoryData<string> UnexpectedMarkup => new()
    {
        // plain text instead of a link
        Page("alice"),
        // a link that is not a profile
        Page("<a href=\"/users/alice\">alice</a>"),
        // a profile link without a handle, or with one that is not a handle
        Page("<a href=\"/profiles/\">someone</a>"),
        Page("<a href=\"/profiles/..%2Fadmin\">x</a>"),
        Page("<a href=\"/profiles/a b\">x</a>"),
        // two pushers, or a user and a trusted publisher at once
        Page(Profile("alice") + Profile("mallory")),
        Page(Profile("alice") + TrustedPublisher("GitHub Actions")),
        // a GitHub image with no title naming the publisher
        Page("<img src=\"/images/github-icon.svg\" alt=\"GitHub\">"),
        // an image that is not GitHub's
        Page("<img src=\"/images/gitlab.svg\" title=\"GitLab CI\">"),
        // the heading's section is empty; the profile belongs to the next heading's section
        "<h3>Pushed by:</h3><div></div><h3>Maintainers</h3>" + Profile("carol"),
        // "Pushed by" in running text, not a heading
        "<p>Pushed by the team: " + Profile("alice") + "</p>",
        // a heading never closed
        "<h3>Pushed by: " + Profile("alice"),
        // truncated inside the tag
        "<h3>Pushed by:</h3><a href=\"/profiles/alice",
        "",
    };

    [Theory]
    [MemberData(nameof(UnexpectedMarkup))]
    public void Parse_UnexpectedMarkup_IsUnknownNeverUser(string html)
    {
        var verdict = RubyGemsVersionPageParser.Parse(html);
        Assert.Equal(RubyGemsPusher.Unknown, verdict.Pusher);
        Assert.Null(verdict.Handle);
        Assert.NotNull(verdict.Note);
    }

    [Fact]
    public void Parse_PushedByInTextBeforeTheHeading_UsesTheHeading()
    {
        var html = "<p>Pushed by hand in 2019.</p>" + Page(Profile("alice"));
        Assert.Equal("alice", RubyGemsVersionPageParser.Parse(html).Handle);
    }

    [Fact]
    public void Parse_HeadingWithNestedMarkup_IsRecognised()
    {
        var html = "<h3 class=\"t-list__heading\"><span>Pushed by</span>:</h3>\n  <div>\n" + Profile("dave") + "</div>";
        Assert.Equal("dave", RubyGemsVersionPageParser.Parse(html).Handle);
    }

    [Fact]
    public void Parse_PageOverTheCap_IsUnknown()
    {
        var html = Page(Profile("alice")) + new string(' ', RubyGemsVersionPageParser.MaxBytes);
        var verdict = RubyGemsVersionPageParser.Parse(Encoding.UTF8.GetBytes(html));
        Assert.Equal(RubyGemsPusher.Unknown, verdict.Pusher);
        Assert.Contains("larger than", verdict.Note);
    }

    public static TheoryData<string> HostilePages => new()
    {
        // many "Pushed by" texts outside headings before the real one: given up on after a bounded number, so unknown
        string.Concat(Enumerable.Repeat("<p>Pushed by x", 5000)) + "<h3>Pushed by</h3>" + Profile("alice"),
        // unclosed tags and heading-like openers right after the heading
        "<h3>Pushed by</h3>" + string.Concat(Enumerable.Repeat("<h<a <img ", 200_000)),
        // a heading-like opener before every "Pushed by", never closed
        string.Concat(Enumerable.Repeat("<h3 Pushed by ", 200_000)),
    };

    [Theory]
    [MemberData(nameof(HostilePages))]
    public void Parse_HostileRepetition_FinishesQuicklyAsUnknown(string html)
    {
        var started = DateTime.UtcNow;
        var verdict = RubyGemsVersionPageParser.Parse(html);
        Assert.Equal(RubyGemsPusher.Unknown, verdict.Pusher);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }
}

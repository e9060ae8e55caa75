using System.Diagnostics;
using System.Text;
using TrustedPublishDashboard.Registries.PyPI;
using static TrustedPublishDashboard.Tests.Registries.PyPI.PyPIFixtures;

namespace TrustedPublishDashboard.Tests.Registries.PyPI;

public sealed class PyPIReleasePageParserTests
{
    private const string Sdist = "pkg-1.0.tar.gz";
    private const string Wheel = "pkg-1.0-py3-none-any.whl";

    private static PyPIReleasePageReading Read(string html, params string[] files) => PyPIReleasePageParser.Read(Bytes(html), files);

    private static PyPIPageVerdict ReadOne(string html) => Read(html, Sdist).VerdictFor(Sdist);

    private static string Item(string answer) => $"<li><strong>Uploaded using Trusted Publishing?</strong> {answer}</li>";

    [Fact]
    public void Read_DocumentedBlocks_GiveEachFilesAnswerAndUserAgent()
    {
        var reading = Read(ReleasePage("pkg", "1.0", new PageFile(Sdist, "Yes", "twine/6.1.0 CPython/3.13.1"), new PageFile(Wheel, "No", "maturin/1.7 <&>")), Sdist, Wheel);

        Assert.Null(reading.PageProblem);
        Assert.Equal(new PyPIPageVerdict(Sdist, PyPITrustedPublishingAnswer.Yes, "twine/6.1.0 CPython/3.13.1", null), reading.VerdictFor(Sdist));
        Assert.Equal(new PyPIPageVerdict(Wheel, PyPITrustedPublishingAnswer.No, "maturin/1.7 <&>", null), reading.VerdictFor(Wheel));
    }

    [Fact]
    public void Read_FileNotOnThePage_IsUnknown()
    {
        var reading = Read(ReleasePage("pkg", "1.0", new PageFile(Sdist, "No")), Sdist, Wheel);
        var verdict = reading.VerdictFor(Wheel);
        Assert.Equal(PyPITrustedPublishingAnswer.Unknown, verdict.Answer);
        Assert.Equal("the release page has no block for this file", verdict.Reason);
        Assert.Equal(PyPITrustedPublishingAnswer.Unknown, reading.VerdictFor("never-asked.tar.gz").Answer);
    }

    [Fact]
    public void Read_AttributesInAnyOrderAndQuoting_StillMatch()
    {
        var block = FileBlock(Sdist, Item("No")).Replace($"<div id=\"{Sdist}\" data-project-tabs-target=\"content\"",
            $"<DIV class=\"a>b\" data-id=\"{Wheel}\"\n  ID='{Sdist}' data-project-tabs-target=\"content\"", StringComparison.Ordinal);
        Assert.Contains("<DIV class", block);
        Assert.Equal(PyPITrustedPublishingAnswer.No, ReadOne(ReleasePage("pkg", "1.0", [block])).Answer);
    }

    [Fact]
    public void Read_FilenameWithCharactersHtmlEscapes_Matches()
    {
        const string local = "pkg-1.0+local&x.tar.gz";
        var reading = Read(ReleasePage("pkg", "1.0", new PageFile(local, "Yes")), local);
        Assert.Equal(PyPITrustedPublishingAnswer.Yes, reading.VerdictFor(local).Answer);
    }

    /// <summary>Every way the block can fail to say Yes or No clearly: the answer is unknown, never token.</summary>
    [Theory]
    [InlineData("<li><strong>Uploaded using Trusted Publishing?</strong> Yes No</li>", "with \"Yes No\"")]
    [InlineData("<li><strong>Uploaded using Trusted Publishing?</strong> Nope</li>", "with \"Nope\"")]
    [InlineData("<li><strong>Uploaded using Trusted Publishing?</strong> no</li>", "with \"no\"")]
    [InlineData("<li><strong>Uploaded using Trusted Publishing?</strong></li>", "with \"\"")]
    [InlineData("<li><strong>Uploaded using Trusted Publishing?</strong> <span class=\"badge\">No</span> (token)</li>", "with \"No (token)\"")]
    [InlineData("<li><strong>Uploaded with Trusted Publishing:</strong> No</li>", "has no \"Uploaded using Trusted Publishing?\"")]
    [InlineData("<li><strong>Uploaded using Trusted&nbsp;Publishing?</strong> No</li>", "has no \"Uploaded using")]
    [InlineData("<!-- <li><strong>Uploaded using Trusted Publishing?</strong> No</li> -->", "has no \"Uploaded using")]
    [InlineData("<li><strong>Uploaded using Trusted Publishing?</strong> No</li><li><strong>Uploaded using Trusted Publishing?</strong> No</li>", "more than once")]
    [InlineData("<li><strong>Uploaded using Trusted Publishing?</strong> No", "does not end where expected")]
    public void Read_UnexpectedMarkupInTheBlock_IsUnknown(string items, string reason)
    {
        var page = ReleasePage("pkg", "1.0", [FileBlock(Sdist, items)]);
        // The last case leaves the item open up to the end of the block: pad it so no terminator is near.
        if (reason.StartsWith("does not end", StringComparison.Ordinal)) page = page.Replace("</ul>", new string(' ', 600) + "</ul>", StringComparison.Ordinal);
        var verdict = ReadOne(page);
        Assert.Equal(PyPITrustedPublishingAnswer.Unknown, verdict.Answer);
        Assert.Contains(reason, verdict.Reason);
    }

    [Theory]
    [InlineData("span", "the release page has no block for this file")]
    [InlineData("data-id", "the release page has no block for this file")]
    [InlineData("twice", "more than one block")]
    [InlineData("unclosed", "does not end")]
    [InlineData("nested", "more than once")]
    public void Read_UnexpectedBlockShape_IsUnknown(string shape, string reason)
    {
        var block = FileBlock(Sdist, Item("No"));
        var page = shape switch
        {
            "span" => ReleasePage("pkg", "1.0", [block.Replace("<div id=", "<span id=", StringComparison.Ordinal)]),
            "data-id" => ReleasePage("pkg", "1.0", [FileBlock(Sdist, Item("No"), idAttribute: "data-id")]),
            "twice" => ReleasePage("pkg", "1.0", [block, block]),
            "unclosed" => $"<!DOCTYPE html><html><body><div class=\"tabs\"></div><div id=\"{Sdist}\"><ul>{Item("No")}</ul></body></html>",
            "nested" => ReleasePage("pkg", "1.0", [FileBlock(Sdist, Item("Yes") + FileBlock(Wheel, Item("No")))]),
            _ => throw new ArgumentOutOfRangeException(nameof(shape)),
        };
        var verdict = ReadOne(page);
        Assert.Equal(PyPITrustedPublishingAnswer.Unknown, verdict.Answer);
        Assert.Contains(reason, verdict.Reason);
    }

    [Fact]
    public void Read_DescriptionFakingABlockForTheFile_IsUnknownNeverYes()
    {
        // The project description is the uploader's markup: a token uploader could add a block saying Yes for its file.
        var page = ReleasePage("pkg", "1.0", new PageFile(Sdist, "No"));
        var faked = page.Replace("<p>A project.</p>", FileBlock(Sdist, Item("Yes")), StringComparison.Ordinal);
        Assert.NotEqual(page, faked);
        var verdict = ReadOne(faked);
        Assert.Equal(PyPITrustedPublishingAnswer.Unknown, verdict.Answer);
        Assert.Equal("the release page has more than one block for this file", verdict.Reason);
    }

    [Fact]
    public void Read_PageTooLarge_IsUnknownForEveryFile()
    {
        var page = ReleasePage("pkg", "1.0", new PageFile(Sdist, "No"), new PageFile(Wheel, "No"));
        var big = page.Replace("<p>A project.</p>", "<p>" + new string('x', PyPIReleasePageParser.DefaultMaxBytes) + "</p>", StringComparison.Ordinal);
        var reading = Read(big, Sdist, Wheel);
        Assert.Equal($"the release page is larger than {PyPIReleasePageParser.DefaultMaxBytes} bytes", reading.PageProblem);
        Assert.All([Sdist, Wheel], f => Assert.Equal(PyPITrustedPublishingAnswer.Unknown, reading.VerdictFor(f).Answer));
        Assert.Equal(PyPITrustedPublishingAnswer.No, Read(page, Sdist).VerdictFor(Sdist).Answer);
    }

    [Theory]
    [InlineData("{\"message\":\"Uploaded using Trusted Publishing? No\"}")]
    [InlineData("Uploaded using Trusted Publishing? No")]
    [InlineData("")]
    public void Read_NotHtml_IsUnknown(string body)
    {
        var reading = Read(body, Sdist);
        Assert.Equal("the release page is not an HTML document", reading.PageProblem);
        Assert.Equal(PyPITrustedPublishingAnswer.Unknown, reading.VerdictFor(Sdist).Answer);
    }

    [Fact]
    public void Read_NotUtf8_IsUnknown()
    {
        var bytes = Bytes(ReleasePage("pkg", "1.0", new PageFile(Sdist, "No")));
        bytes[^3] = 0xC3;
        var reading = PyPIReleasePageParser.Read(bytes, [Sdist]);
        Assert.Equal("the release page is not UTF-8 text", reading.PageProblem);
        Assert.Equal(PyPITrustedPublishingAnswer.Unknown, reading.VerdictFor(Sdist).Answer);
    }

    [Theory]
    [InlineData("<div ")]
    [InlineData("<div id=\"pkg-1.0.tar.gz\">")]
    [InlineData("</div>")]
    [InlineData("<!--")]
    [InlineData("Uploaded using Trusted Publishing? ")]
    [InlineData("<div id='")]
    public void Read_HostilePageOfRepeatedFragments_EndsQuicklyAndIsNeverToken(string fragment)
    {
        var body = new StringBuilder("<!DOCTYPE html><html><body>");
        while (body.Length < PyPIReleasePageParser.DefaultMaxBytes - 64) body.Append(fragment);
        var clock = Stopwatch.StartNew();
        var reading = Read(body.ToString(), Sdist, Wheel);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
        Assert.All([Sdist, Wheel], f => Assert.NotEqual(PyPITrustedPublishingAnswer.No, reading.VerdictFor(f).Answer));
    }

    [Fact]
    public void Read_ManyFilesOnOnePage_AllRead()
    {
        var files = Enumerable.Range(0, 300).Select(i => new PageFile($"pkg-1.0-cp3{i % 10}-cp3{i % 10}-plat_{i}.whl", i % 2 == 0 ? "Yes" : "No")).ToArray();
        var reading = Read(ReleasePage("pkg", "1.0", files), files.Select(f => f.Filename).ToArray());
        Assert.All(files, f => Assert.Equal(f.Answer, reading.VerdictFor(f.Filename).Answer.ToString()));
    }
}

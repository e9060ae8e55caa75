using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Tests.Domain;

public sealed class PackageSpecParserTests
{
    [Theory]
    [InlineData("left-pad", Registry.Npm, "left-pad")]
    [InlineData("@scope/tool", Registry.Npm, "@scope/tool")]
    [InlineData("npm:@scope/tool", Registry.Npm, "@scope/tool")]
    [InlineData("NPM:left-pad", Registry.Npm, "left-pad")]
    [InlineData("pypi:Zope.Interface", Registry.PyPI, "zope-interface")]
    [InlineData("pip:requests", Registry.PyPI, "requests")]
    [InlineData("rubygems:rails", Registry.RubyGems, "rails")]
    [InlineData("gem:Rails", Registry.RubyGems, "Rails")]
    [InlineData("  pypi: Django  ", Registry.PyPI, "django")]
    public void ParseLine_ValidSpec_GivesRegistryAndStoredName(string line, Registry registry, string name)
    {
        var parsed = PackageSpecParser.ParseLine(7, line);
        Assert.Null(parsed.Error);
        Assert.Equal(new PackageId(registry, name), parsed.Package);
        Assert.Equal(7, parsed.LineNumber);
    }

    [Theory]
    [InlineData("cargo:serde", "unknown registry 'cargo'")]
    [InlineData(":left-pad", "unknown registry ''")]
    [InlineData("npm:", "empty")]
    [InlineData("Left Pad", "a space")]
    [InlineData("npm:pypi:x", "':'")]
    [InlineData("a, b, c", "','")]
    public void ParseLine_InvalidSpec_ExplainsWhy(string line, string reasonFragment)
    {
        var parsed = PackageSpecParser.ParseLine(1, line);
        Assert.Null(parsed.Package);
        Assert.Contains(reasonFragment, parsed.Error);
    }

    [Fact]
    public void ParseLines_SkipsBlanksAndComments_KeepsUserLineNumbers()
    {
        var lines = PackageSpecParser.ParseLines("# my packages\r\n\r\nleft-pad\n   \nBad Name\r\npypi:Django\n");
        Assert.Collection(lines,
            l => { Assert.Equal(3, l.LineNumber); Assert.Equal("left-pad", l.Package?.Name); },
            l => { Assert.Equal(5, l.LineNumber); Assert.Null(l.Package); Assert.NotNull(l.Error); },
            l => { Assert.Equal(6, l.LineNumber); Assert.Equal(new PackageId(Registry.PyPI, "django"), l.Package); });
    }

    [Fact]
    public void ParseLine_OverlongLine_IsRejectedWithoutEchoingIt()
    {
        var parsed = PackageSpecParser.ParseLine(1, new string('a', 5000));
        Assert.Null(parsed.Package);
        Assert.Contains("longer than", parsed.Error);
        Assert.True(parsed.Text.Length < 100);
    }
}

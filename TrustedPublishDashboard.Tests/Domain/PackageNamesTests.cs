using TrustedPublishDashboard.Domain;

namespace TrustedPublishDashboard.Tests.Domain;

public sealed class PackageNamesTests
{
    [Theory]
    [InlineData("left-pad")]
    [InlineData("@scope/name")]
    [InlineData("@my-org/my.pkg_2")]
    [InlineData("a")]
    [InlineData("lodash.merge")]
    [InlineData("123")]
    public void CheckNpm_ValidName_IsAcceptedUnchanged(string name)
    {
        var check = PackageNames.CheckNpm(name);
        Assert.True(check.IsValid, check.Error);
        Assert.Equal(name, check.Normalized);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(".hidden", "must not start with '.' or '_'")]
    [InlineData("_private", "must not start with '.' or '_'")]
    [InlineData("@scope/_x", "must not start with '.' or '_'")]
    [InlineData("@_scope/x", "scope must not start")]
    [InlineData("has space", "a space")]
    [InlineData("slash/inside", "'/'")]
    [InlineData("@scope", "@scope/name")]
    [InlineData("@/name", "scope after '@' is empty")]
    [InlineData("@scope/", "name after the scope is empty")]
    [InlineData("@scope/a/b", "'/'")]
    [InlineData("node_modules", "reserved")]
    [InlineData("favicon.ico", "reserved")]
    [InlineData("ünïcode", "may only contain")]
    [InlineData("percent%20", "'%'")]
    public void CheckNpm_InvalidName_IsRejectedWithReason(string name, string reasonFragment)
    {
        var check = PackageNames.CheckNpm(name);
        Assert.False(check.IsValid);
        Assert.Contains(reasonFragment, check.Error);
    }

    [Fact]
    public void CheckNpm_LengthLimit_Is214CharactersForNewPackages_LongerOnlyForExistingOnes()
    {
        Assert.Equal((true, null), (PackageNames.CheckNpm(new string('a', 214)).IsValid, PackageNames.CheckNpm(new string('a', 214)).Legacy));
        var tooLong = PackageNames.CheckNpm(new string('a', 215));
        Assert.True(tooLong.IsValid);
        Assert.Contains("more than 214 characters", tooLong.Legacy);
        Assert.NotNull(PackageNames.CheckNpm("@s/" + new string('a', 212)).Legacy);
    }

    /// <summary>
    /// Names npm accepted before its current rules (validate-npm-package-name's "valid for old packages"): trackable,
    /// marked legacy so the registry is asked whether they exist. Never a "did you mean": the lowercase spelling is
    /// another package on npm (JSONStream vs jsonstream).
    /// </summary>
    [Theory]
    [InlineData("JSONStream", "capital letters")]
    [InlineData("React", "capital letters")]
    [InlineData("@Scope/name", "capital letters")]
    [InlineData("tilde~", "no longer accepts")]
    [InlineData("bang!", "no longer accepts")]
    [InlineData("paren(x)", "no longer accepts")]
    [InlineData("star*", "no longer accepts")]
    [InlineData("quote'", "no longer accepts")]
    public void CheckNpm_NameOnlyOldPackagesMayHave_IsValidForExistingPackagesOnly(string name, string reasonFragment)
    {
        var check = PackageNames.CheckNpm(name);

        Assert.True(check.IsValid);
        Assert.Equal(name, check.Normalized);
        Assert.Contains(reasonFragment, check.Legacy);
        Assert.DoesNotContain("did you mean", check.Legacy);
    }

    [Theory]
    [InlineData("Has Space")]
    [InlineData(".Hidden")]
    [InlineData("_Private")]
    [InlineData("@_Scope/x")]
    [InlineData("Node_Modules")]
    [InlineData("Ünïcode")]
    [InlineData("Slash/Inside")]
    public void CheckNpm_CapitalisedButInvalidEvenForOldPackages_IsRejectedWithoutASuggestion(string name)
    {
        var check = PackageNames.CheckNpm(name);

        Assert.False(check.IsValid);
        Assert.DoesNotContain("did you mean", check.Error);
    }

    [Theory]
    [InlineData("Django", "django")]
    [InlineData("requests", "requests")]
    [InlineData("zope.interface", "zope-interface")]
    [InlineData("Foo__Bar", "foo-bar")]
    [InlineData("foo-._bar", "foo-bar")]
    [InlineData("A", "a")]
    [InlineData("pkg2", "pkg2")]
    public void CheckPyPI_ValidName_IsNormalisedPerPep503(string name, string normalized)
    {
        var check = PackageNames.CheckPyPI(name);
        Assert.True(check.IsValid, check.Error);
        Assert.Equal(normalized, check.Normalized);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("-leading", "start and end")]
    [InlineData("trailing.", "start and end")]
    [InlineData("_x", "start and end")]
    [InlineData("with space", "a space")]
    [InlineData("at@sign", "'@'")]
    [InlineData("@scope/name", "'@'")]
    [InlineData("naïve", "'ï'")]
    public void CheckPyPI_InvalidName_IsRejectedWithReason(string name, string reasonFragment)
    {
        var check = PackageNames.CheckPyPI(name);
        Assert.False(check.IsValid);
        Assert.Contains(reasonFragment, check.Error);
    }

    [Theory]
    [InlineData("rails")]
    [InlineData("Rails")]
    [InlineData("net-http")]
    [InlineData("ruby_parser")]
    [InlineData("activesupport.5")]
    [InlineData("a1")]
    public void CheckRubyGems_ValidName_IsAcceptedUnchanged(string name)
    {
        var check = PackageNames.CheckRubyGems(name);
        Assert.True(check.IsValid, check.Error);
        Assert.Equal(name, check.Normalized);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("has space", "a space")]
    [InlineData("slash/x", "'/'")]
    [InlineData("plus+", "'+'")]
    [InlineData("12345", "at least one letter")]
    [InlineData("1.2-3", "at least one letter")]
    [InlineData("-cmd", "must not start with '-'")]
    [InlineData("--help", "must not start with '-'")]
    public void CheckRubyGems_InvalidName_IsRejectedWithReason(string name, string reasonFragment)
    {
        var check = PackageNames.CheckRubyGems(name);
        Assert.False(check.IsValid);
        Assert.Contains(reasonFragment, check.Error);
    }

    [Theory]
    [InlineData("npm:-cmd")]
    [InlineData("npm:--registry=http://evil.example")]
    [InlineData("rubygems:-cmd")]
    [InlineData("gem:--version")]
    [InlineData("pypi:-cmd")]
    public void EveryRegistry_RefusesANameStartingWithADash(string line)
    {
        var parsed = Assert.Single(PackageSpecParser.ParseLines(line));
        Assert.Null(parsed.Package);
        Assert.NotNull(parsed.Error);
    }
}

using System.Diagnostics;
using TrustedPublishDashboard.Registries.PyPI;

namespace TrustedPublishDashboard.Tests.Registries.PyPI;

public sealed class PyPIFilenamesTests
{
    [Theory]
    [InlineData("hp_normal_name-1.0-py3-none-any.whl", "hp-normal-name", "Wheel", "1.0")]
    [InlineData("Hp.Normal_Name-1.0-py3-none-any.whl", "hp-normal-name", "Wheel", "1.0")]
    [InlineData("hp_normal_name-1.0-2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "hp-normal-name", "Wheel", "1.0")]
    [InlineData("hp-normal-name-1.0-py3-none-any.whl", "hp-normal-name", "Wheel", "1.0")]
    [InlineData("Hp.Normal_Name-1.0.tar.gz", "hp-normal-name", "Sdist", "1.0")]
    [InlineData("hp_normal_name-1.0.tar.gz", "hp-normal-name", "Sdist", "1.0")]
    [InlineData("hp-normal-name-2.0rc1.zip", "hp-normal-name", "Sdist", "2.0rc1")]
    [InlineData("python-dateutil-2.9.0.post0.tar.gz", "python-dateutil", "Sdist", "2.9.0.post0")]
    [InlineData("pkg-1.0+local.1.tar.bz2", "pkg", "Sdist", "1.0+local.1")]
    [InlineData("pkg-0.3-py2.7.egg", "pkg", "Egg", "0.3")]
    [InlineData("PKG-1.0.TAR.GZ", "pkg", "Sdist", "1.0")]
    public void Derive_DocumentedNames_GiveKindAndVersion(string filename, string project, string kind, string version)
    {
        var (parts, problem) = PyPIFilenames.Derive(filename, project);
        Assert.Null(problem);
        Assert.Equal(Enum.Parse<PyPIDistributionKind>(kind), parts!.Kind);
        Assert.Equal(version, parts.Version);
    }

    [Theory]
    [InlineData("README.txt", "pkg", "neither an sdist")]
    [InlineData("pkg-1.0.win32.exe", "pkg", "neither an sdist")]
    [InlineData("other-1.0.tar.gz", "pkg", "does not read as <pkg>-<version>")]
    [InlineData("pkg.tar.gz", "pkg", "does not read as")]
    [InlineData("pkg-.tar.gz", "pkg", "does not read as")]
    [InlineData("pkg-1.0-py3-any.whl", "pkg", "for a wheel")]
    [InlineData("pkg-1.0-x-py3-none-any.whl", "pkg", "for a wheel")]
    [InlineData("pkg-1.0--py3-none-any.whl", "pkg", "for a wheel")]
    [InlineData("../pkg-1.0.tar.gz", "pkg", "path separator")]
    public void Derive_UnreadableNames_SayWhy(string filename, string project, string problem)
    {
        var (parts, why) = PyPIFilenames.Derive(filename, project);
        Assert.Null(parts);
        Assert.Contains(problem, why);
    }

    [Theory]
    [InlineData("foo", "1-1.0")]
    [InlineData("foo-1", "1.0")]
    [InlineData("Foo_1", "1.0")]
    public void Derive_NameWithDashes_SplitsWhereTheProjectsNormalFormEnds(string project, string version)
    {
        var (parts, _) = PyPIFilenames.Derive("foo-1-1.0.tar.gz", PackageNamesPyPI(project));
        Assert.Equal(version, parts!.Version);
    }

    private static string PackageNamesPyPI(string name) => TrustedPublishDashboard.Domain.PackageNames.NormalizePyPI(name);

    [Theory]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1.0rc1", "1.0_rc1")]
    [InlineData("1.0rc1", "1.0-RC1")]
    [InlineData("1.0.post1", "1.0-1")]
    [InlineData("1.0.post0", "1.0.post")]
    [InlineData("1.0.dev0", "1.0dev")]
    [InlineData("1.0a1", "1.0alpha1")]
    [InlineData("1.0+ubuntu.1", "1.0+ubuntu-1")]
    [InlineData("v2.0", "2.0")]
    [InlineData("0!01.02", "1.2")]
    [InlineData("weird_legacy", "weird-legacy")]
    public void VersionKey_Pep440Equal_AreEqual(string a, string b) => Assert.Equal(PyPIFilenames.VersionKey(a), PyPIFilenames.VersionKey(b));

    [Theory]
    [InlineData("1.0", "1.0.1")]
    [InlineData("1.0a1", "1.0b1")]
    [InlineData("1.0", "1!1.0")]
    [InlineData("1.0.post1", "1.0.dev1")]
    public void VersionKey_Different_AreDifferent(string a, string b) => Assert.NotEqual(PyPIFilenames.VersionKey(a), PyPIFilenames.VersionKey(b));

    [Fact]
    public void VersionKey_HostileInput_ReturnsQuickly()
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 200; i++) PyPIFilenames.VersionKey(string.Concat(Enumerable.Repeat("1.", 120)) + "rc-post-dev-" + i);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
    }
}

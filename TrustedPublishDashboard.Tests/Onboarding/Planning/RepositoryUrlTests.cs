using TrustedPublishDashboard.Onboarding.Planning;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class RepositoryUrlTests
{
    [Theory]
    [InlineData("git+https://github.com/o/r.git", "github.com", "o/r", RepositoryUrlForm.Url)]
    [InlineData("https://github.com/o/r", "github.com", "o/r", RepositoryUrlForm.Url)]
    [InlineData("https://user@github.com/o/r.git", "github.com", "o/r", RepositoryUrlForm.Url)]
    [InlineData("git@github.com:o/r.git", "github.com", "o/r", RepositoryUrlForm.Url)]
    [InlineData("ssh://git@github.com/o/r.git", "github.com", "o/r", RepositoryUrlForm.Url)]
    [InlineData("ssh://git@github.com:22/o/r.git", "github.com", "o/r", RepositoryUrlForm.Url)]
    [InlineData("git+ssh://git@github.com:o/r.git", "github.com", "o/r", RepositoryUrlForm.Url)]
    [InlineData("git://github.com/o/r.git", "github.com", "o/r", RepositoryUrlForm.Url)]
    [InlineData("https://github.com/o/r/blob/main/README.md", "github.com", "o/r", RepositoryUrlForm.Url)]
    [InlineData("https://github.com/o/r.git?x=1", "github.com", "o/r", RepositoryUrlForm.Url)]
    [InlineData("https://gitlab.com/g/s/p.git", "gitlab.com", "g/s/p", RepositoryUrlForm.Url)]
    [InlineData("git@gitlab.com:g/s/p.git", "gitlab.com", "g/s/p", RepositoryUrlForm.Url)]
    [InlineData("https://gitlab.com/g/s/p/-/tree/main", "gitlab.com", "g/s/p", RepositoryUrlForm.Url)]
    [InlineData("github:o/r", "github.com", "o/r", RepositoryUrlForm.Shorthand)]
    [InlineData("gitlab:g/s/p", "gitlab.com", "g/s/p", RepositoryUrlForm.Shorthand)]
    [InlineData("bitbucket:o/r", "bitbucket.org", "o/r", RepositoryUrlForm.Shorthand)]
    [InlineData("o/r", "github.com", "o/r", RepositoryUrlForm.Shorthand)]
    [InlineData(" https://github.com/O/R ", "github.com", "O/R", RepositoryUrlForm.Url)]
    public void Parse_CommonForms_HostPathAndForm(string url, string host, string path, RepositoryUrlForm form)
    {
        Assert.Equal(new RepositoryRef(host, path, form), RepositoryUrl.Parse(url));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("https://github.com")]
    [InlineData("https://github.com/o")]
    [InlineData("ftp://github.com/o/r")]
    [InlineData("github.com/o/r")]
    [InlineData("o/r/x")]
    [InlineData("https://github.com/../r")]
    public void Parse_NotARepository_Null(string? url) => Assert.Null(RepositoryUrl.Parse(url));

    [Fact]
    public void CanonicalUrl_IsTheFormNpmWrites() =>
        Assert.Equal("git+https://gitlab.com/g/s/p.git", RepositoryUrl.Parse("git@gitlab.com:g/s/p.git")!.CanonicalUrl);

    [Theory]
    [InlineData("github.com/o/r", "github.com", "o/r")]
    [InlineData("https://github.com/o/r", "github.com", "o/r")]
    public void FromVcsOrigin_HostOwnerRepo(string origin, string host, string path) =>
        Assert.Equal(new RepositoryRef(host, path, RepositoryUrlForm.Url), RepositoryUrl.FromVcsOrigin(origin));
}

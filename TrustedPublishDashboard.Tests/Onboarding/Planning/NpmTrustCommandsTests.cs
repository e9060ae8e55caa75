using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Onboarding.Planning;
using static TrustedPublishDashboard.Tests.Onboarding.OnboardingFixtures;

namespace TrustedPublishDashboard.Tests.Onboarding;

public sealed class NpmTrustCommandsTests
{
    [Fact]
    public void Configure_GitHubWithoutEnvironment_ExactCommand() =>
        Assert.Equal("npm trust github 'widgets' --file release.yml --repo Octo-Org/Widgets --allow-publish -y", NpmTrustCommands.Configure("widgets", GitHub()));

    [Fact]
    public void Configure_GitHubWithEnvironment_AddsEnv() =>
        Assert.Equal("npm trust github '@octo/widget-a' --file release.yml --repo Octo-Org/Widgets --env prod --allow-publish -y",
            NpmTrustCommands.Configure("@octo/widget-a", GitHub("prod")));

    [Fact]
    public void Configure_EnvironmentWithSpace_IsQuoted() =>
        Assert.Equal("npm trust github 'w' --file release.yml --repo Octo-Org/Widgets --env 'npm release' --allow-publish -y",
            NpmTrustCommands.Configure("w", GitHub("npm release")));

    [Fact]
    public void Configure_GitLab_ExactCommand() =>
        Assert.Equal("npm trust gitlab 'widgets' --file .gitlab-ci.yml --project grp/sub/proj --env production --allow-publish -y",
            NpmTrustCommands.Configure("widgets", GitLab("production")));

    [Fact]
    public void Configure_CircleCi_OneFlagPerPipelineDefinitionId() =>
        Assert.Equal(
            "npm trust circleci 'widgets' --org-id 11111111-2222-4333-8444-555555555555 --project-id 66666666-7777-4888-9999-aaaaaaaaaaaa " +
            $"--pipeline-definition-id {PipelineA} --pipeline-definition-id {PipelineB} --vcs-origin github.com/Octo-Org/Widgets --allow-publish -y",
            NpmTrustCommands.Configure("widgets", CircleCi()));

    [Fact]
    public void Configure_IncompletePlan_ThrowsNamingTheFields()
    {
        var plan = GitHub() with { Owner = null, WorkflowFile = " " };
        Assert.Equal(["Owner", "WorkflowFile"], NpmTrustCommands.MissingFields(plan));
        var ex = Assert.Throws<InvalidOperationException>(() => NpmTrustCommands.Configure("w", plan));
        Assert.Contains("Owner, WorkflowFile", ex.Message);
    }

    [Fact]
    public void OtherCommands_Exact()
    {
        Assert.Equal("npm trust revoke '@octo/widget-a' --id 0f3c9a2e-1111-4222-8333-444455556666", NpmTrustCommands.Revoke("@octo/widget-a", "0f3c9a2e-1111-4222-8333-444455556666"));
        Assert.Equal("npm trust list '@octo/widget-a' --json", NpmTrustCommands.List("@octo/widget-a"));
        Assert.Equal("npm access set mfa=publish '@octo/widget-a'", NpmTrustCommands.RequireOidcOnly("@octo/widget-a"));
        Assert.Equal("npm trust revoke 'w' --id 'a b'", NpmTrustCommands.Revoke("w", "a b"));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("it's")]
    [InlineData("$(touch /tmp/pwned)")]
    [InlineData("`id`")]
    [InlineData("a \"b\" \\ c; d && e | f")]
    [InlineData("''")]
    public void ShellQuote_BashReadsBackTheSameValue(string value)
    {
        var (code, output, _) = ScriptSandbox.RunProcess("bash", ["-c", $"printf '%s' {NpmTrustCommands.ShellQuote(value)}"], null, null);
        Assert.Equal((0, value), (code, output));
    }

    [Theory]
    [InlineData("release.yml", "release.yml")]
    [InlineData("grp/sub/proj", "grp/sub/proj")]
    [InlineData("my env", "'my env'")]
    [InlineData("x;y", "'x;y'")]
    [InlineData("$HOME", "'$HOME'")]
    public void Arg_QuotesOnlyWhenNeeded(string value, string expected) => Assert.Equal(expected, NpmTrustCommands.Arg(value));
}

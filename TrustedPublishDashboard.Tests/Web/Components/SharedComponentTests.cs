using Bunit;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Tests.Infrastructure;
using TrustedPublishDashboard.Web.Components.Shared;

namespace TrustedPublishDashboard.Tests.Web.Components;

/// <summary>The building blocks every page uses, rendered with bUnit.</summary>
public sealed class SharedComponentTests : MudComponentTest
{
    [Theory]
    [InlineData(ComplianceStatus.Compliant, "compliant", "mud-chip-color-success")]
    [InlineData(ComplianceStatus.NonCompliant, "non-compliant", "mud-chip-color-error")]
    [InlineData(ComplianceStatus.Unknown, "unknown", "mud-chip-color-default")]
    [InlineData(ComplianceStatus.Error, "error", "mud-chip-color-warning")]
    public void StatusBadge_ShowsTheStatusAsTextAndColour(ComplianceStatus status, string text, string css)
    {
        var chip = Render<StatusBadge>(p => p.Add(c => c.Status, status)).Find("[data-testid=status-badge]");

        Assert.Equal(text, chip.TextContent.Trim());
        Assert.Contains(css, chip.ClassName);
        Assert.False(string.IsNullOrWhiteSpace(chip.GetAttribute("title")), "the colour must come with an explanation");
    }

    [Fact]
    public void StatusBadge_NotPolledYet_SaysPending() =>
        Assert.Equal("pending", Render<StatusBadge>(p => p.Add(c => c.Status, null)).Find("[data-testid=status-badge]").TextContent.Trim());

    [Theory]
    [InlineData(PublishMethod.TrustedPublisher, "trusted-publisher", "success")]
    [InlineData(PublishMethod.Staged, "staged", "success")]
    [InlineData(PublishMethod.TokenWithProvenance, "token-with-provenance", "warning")]
    [InlineData(PublishMethod.Token, "token", "error")]
    [InlineData(PublishMethod.Unknown, "unknown", "default")]
    public void MethodChip_LabelsEveryMethod(PublishMethod method, string text, string tone)
    {
        var chip = Render<MethodChip>(p => p.Add(c => c.Method, method)).Find("[data-testid=method-chip]");

        Assert.Equal(text, chip.TextContent.Trim());
        Assert.Contains($"mud-chip-color-{tone}", chip.ClassName);
    }

    [Fact]
    public void MethodChip_NoMethod_RendersNothing() => Assert.Empty(Render<MethodChip>(p => p.Add(c => c.Method, null)).Markup.Trim());

    [Fact]
    public void Tile_LinksToTheFilteredGrid()
    {
        var tile = Render<Tile>(p => p.Add(c => c.Label, "Non-compliant").Add(c => c.Value, 1234L).Add(c => c.Href, "packages?status=non-compliant").Add(c => c.Tone, "danger"))
            .Find("a");

        Assert.Equal("packages?status=non-compliant", tile.GetAttribute("href"));
        Assert.Contains("1,234", tile.TextContent);
        Assert.Contains("tpd-tile-danger", tile.ClassName);
    }
}

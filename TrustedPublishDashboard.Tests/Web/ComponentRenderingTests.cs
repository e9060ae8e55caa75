using Radzen;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TrustedPublishDashboard.Domain;
using TrustedPublishDashboard.Web.Components.Shared;

namespace TrustedPublishDashboard.Tests.Web;

/// <summary>Grid and detail building blocks rendered with the framework's HtmlRenderer (bUnit cannot restore here).</summary>
public sealed class ComponentRenderingTests
{
    private static async Task<string> RenderAsync<T>(Dictionary<string, object?> parameters) where T : IComponent
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRadzenComponents();
        services.AddSingleton<Microsoft.JSInterop.IJSRuntime, StaticRenderingJsRuntime>();
        await using var provider = services.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(provider, provider.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<T>(ParameterView.FromDictionary(parameters))).ToHtmlString());
    }

    /// <summary>Static HTML rendering runs no script; Radzen components only need the service to exist.</summary>
    private sealed class StaticRenderingJsRuntime : Microsoft.JSInterop.IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) =>
            throw new InvalidOperationException($"static rendering called JavaScript ({identifier})");

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
            throw new InvalidOperationException($"static rendering called JavaScript ({identifier})");
    }

    [Theory]
    [InlineData(ComplianceStatus.Compliant, "compliant", "rz-badge-success")]
    [InlineData(ComplianceStatus.NonCompliant, "non-compliant", "rz-badge-danger")]
    [InlineData(ComplianceStatus.Unknown, "unknown", "rz-badge-light")]
    [InlineData(ComplianceStatus.Error, "error", "rz-badge-warning")]
    public async Task StatusBadge_ShowsTheStatusAsTextAndColour(ComplianceStatus status, string text, string css)
    {
        var html = await RenderAsync<StatusBadge>(new() { ["Status"] = status });
        Assert.Contains($">{text}<", html);
        Assert.Contains(css, html);
        Assert.Contains("title=", html);
    }

    [Fact]
    public async Task StatusBadge_NotPolledYet_SaysPending()
    {
        Assert.Contains(">pending<", await RenderAsync<StatusBadge>(new() { ["Status"] = null }));
    }

    [Theory]
    [InlineData(PublishMethod.TrustedPublisher, "trusted-publisher", "success")]
    [InlineData(PublishMethod.Staged, "staged", "success")]
    [InlineData(PublishMethod.TokenWithProvenance, "token-with-provenance", "warning")]
    [InlineData(PublishMethod.Token, "token", "danger")]
    [InlineData(PublishMethod.Unknown, "unknown", "light")]
    public async Task MethodChip_LabelsEveryMethod(PublishMethod method, string text, string tone)
    {
        var html = await RenderAsync<MethodChip>(new() { ["Method"] = method });
        Assert.Contains($">{text}<", html);
        Assert.Contains(tone, html);
    }

    [Fact]
    public async Task Tile_LinksToTheFilteredGrid()
    {
        var html = await RenderAsync<Tile>(new() { ["Label"] = "Non-compliant", ["Value"] = 1234L, ["Href"] = "packages?status=non-compliant", ["Tone"] = "danger" });
        Assert.Contains("href=\"packages?status=non-compliant\"", html);
        Assert.Contains("1,234", html);
        Assert.Contains("tpd-tile-danger", html);
    }
}

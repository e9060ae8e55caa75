using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using TrustedPublishDashboard.Tests.Infrastructure;

namespace TrustedPublishDashboard.Tests.Web.Api;

/// <summary>Badges are for READMEs: public only when Badges:Public is true; everything else stays local-only.</summary>
public sealed class BadgeAccessTests
{
    private sealed class Factory(bool publicBadges) : DashboardFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Badges:Public", publicBadges ? "true" : "false");
        }
    }

    private static Task<Microsoft.AspNetCore.Http.HttpContext> FromElsewhere(DashboardFactory factory, string path) =>
        factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = path;
            c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.5");
        });

    [Theory]
    [InlineData(true, 200)]
    [InlineData(false, 403)]
    public async Task Badge_FromAnotherMachine_IsServedOnlyWhenPublic(bool isPublic, int expected)
    {
        await using var factory = new Factory(isPublic);
        factory.CreateClient();
        var context = await FromElsewhere(factory, "/badge/npm/left-pad.svg");
        Assert.Equal(expected, context.Response.StatusCode);
    }

    [Fact]
    public async Task Api_FromAnotherMachine_IsRefusedInLocalOnlyMode_EvenWithPublicBadges()
    {
        await using var factory = new Factory(true);
        factory.CreateClient();
        Assert.Equal(403, (await FromElsewhere(factory, "/api/v1/packages")).Response.StatusCode);
        Assert.Equal(403, (await FromElsewhere(factory, "/packages")).Response.StatusCode);
        Assert.Equal(200, (await FromElsewhere(factory, "/healthz")).Response.StatusCode);
    }
}

using TrustedPublishDashboard.Alerts.Channels;

namespace TrustedPublishDashboard.Tests.Alerts;

public sealed class AlertChannelsExtensionsTests
{
    [Fact]
    public void AddAlertChannels_RegistersOneChannelPerKind() =>
        Assert.Equal(ChannelKinds.All.Order(), AlertTestData.RegisteredChannels().Keys.Order());
}

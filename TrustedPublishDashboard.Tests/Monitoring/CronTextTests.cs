using TrustedPublishDashboard.Monitoring;

namespace TrustedPublishDashboard.Tests.Monitoring;

public sealed class CronTextTests
{
    [Theory]
    [InlineData("0 17 3 * * ?", "daily at 03:17 UTC")]
    [InlineData("0 0 8 * * ?", "daily at 08:00 UTC")]
    [InlineData("0 0/15 * * * ?", "every 15 minutes")]
    [InlineData("0 */15 * * * ?", "every 15 minutes")]
    [InlineData("0 0/1 * * * ?", "every minute")]
    [InlineData("0 * * * * ?", "every minute")]
    [InlineData("0 0 * * * ?", "every hour")]
    [InlineData("0 5 * * * ?", "hourly at :05")]
    [InlineData("0 0 0/1 * * ?", "every hour")]
    [InlineData("0 0 0/6 * * ?", "every 6 hours")]
    [InlineData("0 0 8 ? * MON-FRI", "0 0 8 ? * MON-FRI (UTC)")]
    [InlineData("0 5/15 * * * ?", "0 5/15 * * * ? (UTC)")]
    [InlineData("0/30 * * * * ?", "0/30 * * * * ? (UTC)")]
    [InlineData("0 0 12 1 * ?", "0 0 12 1 * ? (UTC)")]
    public void Describe_ReadsCommonShapes_AndShowsTheRestAsTheExpression(string cron, string text) => Assert.Equal(text, CronText.Describe(cron));

    [Theory]
    [InlineData("00:00:01", "every second")]
    [InlineData("00:00:10", "every 10 seconds")]
    [InlineData("00:01:00", "every minute")]
    [InlineData("00:15:00", "every 15 minutes")]
    [InlineData("00:01:30", "every 90 seconds")]
    [InlineData("01:00:00", "every hour")]
    [InlineData("01:30:00", "every 90 minutes")]
    [InlineData("02:00:00", "every 2 hours")]
    [InlineData("1.00:00:00", "every day")]
    [InlineData("7.00:00:00", "every 7 days")]
    [InlineData("1.12:00:00", "every 36 hours")]
    public void DescribeInterval_UsesTheLargestWholeUnit_SingularForOne(string interval, string text) =>
        Assert.Equal(text, CronText.DescribeInterval(TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(1, "minute", "every minute")]
    [InlineData(2, "minute", "every 2 minutes")]
    [InlineData(1000, "second", "every 1000 seconds")]
    public void Every_PluralisesAboveOne(long count, string unit, string text) => Assert.Equal(text, CronText.Every(count, unit));
}

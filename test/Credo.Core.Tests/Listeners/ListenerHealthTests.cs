using Credo.Core.Listeners;

namespace Credo.Core.Tests.Listeners;

public sealed class ListenerHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(30, 299, ListenerStatus.OK)]
    [InlineData(30, 301, ListenerStatus.Stalled)]
    [InlineData(600, 1799, ListenerStatus.OK)]
    [InlineData(600, 1801, ListenerStatus.Stalled)]
    public void Stalled_after_three_intervals_and_at_least_five_minutes_without_success(int interval, int secondsSinceSuccess, ListenerStatus expected)
    {
        var sut = new EmailListener { PollIntervalSeconds = interval, CreatedAt = Now.AddDays(-1), LastSuccessAt = Now.AddSeconds(-secondsSinceSuccess) };

        Assert.Equal(expected, ListenerHealth.Of(sut, Now));
    }

    [Fact]
    public void Each_state_is_told_apart()
    {
        Assert.Equal(ListenerStatus.NotPolledYet, ListenerHealth.Of(new EmailListener { CreatedAt = Now.AddSeconds(-10) }, Now));
        Assert.Equal(ListenerStatus.Error, ListenerHealth.Of(new EmailListener { CreatedAt = Now.AddSeconds(-10), LastError = "busy" }, Now));
        Assert.Equal(ListenerStatus.Stalled, ListenerHealth.Of(new EmailListener { CreatedAt = Now.AddHours(-1), LastError = "busy" }, Now));
        Assert.Equal(ListenerStatus.Disabled, ListenerHealth.Of(new EmailListener { Enabled = false, CreatedAt = Now.AddHours(-1) }, Now));
    }
}

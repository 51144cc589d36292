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

    [Theory]
    [InlineData(0, ListenerStatus.OK)]
    [InlineData(2, ListenerStatus.OK)]
    [InlineData(3, ListenerStatus.Degraded)]
    [InlineData(40, ListenerStatus.Degraded)]
    public void Degraded_once_three_delivery_attempts_in_a_row_failed_while_polls_succeed(int deliveryFailures, ListenerStatus expected)
    {
        var sut = new EmailListener { CreatedAt = Now.AddDays(-1), LastSuccessAt = Now.AddSeconds(-5), DeliveryFailures = deliveryFailures, DeliveryFailingSince = Now.AddMinutes(-2) };

        Assert.Equal(expected, ListenerHealth.Of(sut, Now));
    }

    [Fact]
    public void A_failing_poll_or_a_stall_outranks_failing_deliveries()
    {
        var failing = new EmailListener { CreatedAt = Now.AddDays(-1), LastSuccessAt = Now.AddSeconds(-40), LastError = "busy", DeliveryFailures = 5 };
        var stalled = new EmailListener { CreatedAt = Now.AddDays(-1), LastSuccessAt = Now.AddHours(-1), DeliveryFailures = 5 };

        Assert.Equal(ListenerStatus.Error, ListenerHealth.Of(failing, Now));
        Assert.Equal(ListenerStatus.Stalled, ListenerHealth.Of(stalled, Now));
    }

    [Fact]
    public void The_report_says_since_when_a_poll_fails_and_when_it_is_tried_again()
    {
        var sut = new EmailListener
        {
            CreatedAt = Now.AddDays(-1), LastSuccessAt = Now.AddSeconds(-70), LastPollAt = Now.AddSeconds(-3), LastError = "busy", ConsecutiveFailures = 4,
            FailingSince = Now.AddSeconds(-60), NextPollAt = Now.AddSeconds(20), LastMessageAt = Now.AddSeconds(-80),
        };

        var report = ListenerHealth.Describe(sut, Now);

        Assert.Equal((ListenerStatus.Error, Now.AddSeconds(-60), Now.AddSeconds(20), Now.AddSeconds(-80)), (report.Status, report.FailingSince, report.NextRetryAt, report.LastMessageAt));
        Assert.Equal("The last poll failed (4 in a row).", report.Summary);
        Assert.Null(ListenerHealth.Describe(new EmailListener { CreatedAt = Now.AddDays(-1), LastSuccessAt = Now, FailingSince = Now.AddSeconds(-60) }, Now).FailingSince);
    }
}

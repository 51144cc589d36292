using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Credo.Core.Tests.Listeners.Engine;

/// <summary>A <see cref="FakeTimeProvider"/> that reports each timer created, so a test advances time only once the code waits.</summary>
internal sealed class ObservedTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public ObservedTimeProvider()
        : base(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer the code creates (a wait has begun).</summary>
    public async Task<TimeSpan> NextWaitAsync() =>
        await _timers.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
}

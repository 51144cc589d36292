using Credo.Core.Text;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// What a running poll is doing, kept in memory and written to the listener's row by the engine's heartbeat once the
/// poll has run longer than <see cref="ListenerOptions.LivePollAfter"/>, so that the console, the API and the CLI (on any
/// node) can say "Polling for 40 s: waiting 20 s because the server throttled; 120 mails recorded so far" while it runs.
/// Updated by the poll's own requests, without a database write each.
/// </summary>
internal sealed class PollProgress(DateTimeOffset startedAt)
{
    private volatile Step _step = new("listing new mail", null, null);
    private int _recorded;

    /// <summary>When the poll started.</summary>
    public DateTimeOffset StartedAt { get; } = startedAt;

    /// <summary>Mails recorded by this poll so far.</summary>
    public int Recorded => Volatile.Read(ref _recorded);

    /// <summary>The poll now does <paramref name="doing"/> ("fetching 25 mails").</summary>
    public void Doing(string doing) => _step = new(doing, null, null);

    /// <summary>The poll waits until <paramref name="until"/> because <paramref name="why"/>, then goes on with what it did.</summary>
    public void Waiting(DateTimeOffset until, string why)
    {
        var current = _step;
        _step = new(why, until, current.Until is null ? current : current.Before);
    }

    /// <summary>Counts mails recorded.</summary>
    public void AddRecorded(int count) => Interlocked.Add(ref _recorded, count);

    /// <summary>What the poll does at <paramref name="now"/>, in words: "waiting 20 s because the server throttled; 120 mails recorded so far".</summary>
    public string Describe(DateTimeOffset now)
    {
        var step = _step;
        if (step.Until <= now && step.Before is not null)
        {
            step = step.Before;
        }

        var doing = step.Until is { } until
            ? $"waiting {RelativeTime.Span(until > now ? until - now : TimeSpan.Zero)} {step.Text}"
            : step.Text;
        var recorded = Recorded;
        return recorded == 0 ? doing : $"{doing}; {recorded} mail{(recorded == 1 ? "" : "s")} recorded so far";
    }

    private sealed record Step(string Text, DateTimeOffset? Until, Step? Before);
}

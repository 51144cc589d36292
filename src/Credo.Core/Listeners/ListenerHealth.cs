namespace Credo.Core.Listeners;

/// <summary>A listener's state at a glance.</summary>
public enum ListenerStatus
{
    /// <summary>The last poll succeeded.</summary>
    OK,

    /// <summary>The last poll failed; see <see cref="EmailListener.LastError"/>.</summary>
    Error,

    /// <summary>No successful poll for three poll intervals (at least <see cref="ListenerHealth.MinStallTime"/>), whatever the reason.</summary>
    Stalled,

    /// <summary>Switched off.</summary>
    Disabled,

    /// <summary>Added recently and not polled yet.</summary>
    NotPolledYet,
}

/// <summary>Derives <see cref="ListenerStatus"/> from what the engine wrote, so that every surface shows the same state.</summary>
public static class ListenerHealth
{
    /// <summary>The shortest time without a successful poll that counts as stalled.</summary>
    public static readonly TimeSpan MinStallTime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The status of <paramref name="listener"/> at <paramref name="now"/>. Stalled wins over Error: a listener that has
    /// made no progress for three intervals needs attention whether or not its last poll reported why.
    /// </summary>
    public static ListenerStatus Of(EmailListener listener, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(listener);
        if (!listener.Enabled)
        {
            return ListenerStatus.Disabled;
        }

        var stallAfter = TimeSpan.FromSeconds(3.0 * listener.PollIntervalSeconds);
        var since = listener.LastSuccessAt ?? listener.CreatedAt;
        if (now - since > (stallAfter > MinStallTime ? stallAfter : MinStallTime))
        {
            return ListenerStatus.Stalled;
        }

        return listener.LastError is not null ? ListenerStatus.Error
            : listener.LastSuccessAt is not null ? ListenerStatus.OK
            : ListenerStatus.NotPolledYet;
    }
}

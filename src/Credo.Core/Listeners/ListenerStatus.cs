namespace Credo.Core.Listeners;

/// <summary>A listener's state at a glance, derived by <see cref="ListenerHealth"/>.</summary>
public enum ListenerStatus
{
    /// <summary>The last poll succeeded and deliveries go through.</summary>
    OK,

    /// <summary>The last poll failed; see <see cref="EmailListener.LastError"/>.</summary>
    Error,

    /// <summary>No successful poll for three poll intervals (at least <see cref="ListenerHealth.MinStallTime"/>), whatever the reason.</summary>
    Stalled,

    /// <summary>Switched off.</summary>
    Disabled,

    /// <summary>Added recently and not polled yet.</summary>
    NotPolledYet,

    /// <summary>
    /// Polls succeed, but the last <see cref="ListenerHealth.DegradedAfterDeliveryFailures"/> webhook delivery attempts
    /// failed, or its push subscription cannot be made (<see cref="EmailListener.PushError"/>).
    /// </summary>
    Degraded,
}

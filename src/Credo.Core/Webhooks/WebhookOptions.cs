namespace Credo.Core.Webhooks;

/// <summary>Settings of webhook signing and sending, bound from <c>Credo:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:Webhooks";

    /// <summary>
    /// How long after a listener's signing secret is changed its deliveries also carry a signature made with the secret
    /// before, so that receivers can switch to the new one without rejecting a delivery. Default 24 h; zero turns it off.
    /// </summary>
    public TimeSpan SecretOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How many webhook deliveries a node sends at the same time, over all listeners (at least 1, checked at start). A
    /// delivery is never sent twice at once: its next attempt starts only after the outcome of the one before is recorded.
    /// With more than one, a receiver may get deliveries in another order than the mails were recorded. Default 16.
    /// </summary>
    public int MaxConcurrentDeliveries { get; set; } = 16;
}

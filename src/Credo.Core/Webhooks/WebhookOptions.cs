namespace Credo.Core.Webhooks;

/// <summary>Settings of webhook signing, bound from <c>Credo:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:Webhooks";

    /// <summary>
    /// How long after a listener's signing secret is changed its deliveries also carry a signature made with the secret
    /// before, so that receivers can switch to the new one without rejecting a delivery. Default 24 h; zero turns it off.
    /// </summary>
    public TimeSpan SecretOverlap { get; set; } = TimeSpan.FromHours(24);
}

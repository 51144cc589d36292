namespace Credo.Core.Webhooks;

/// <summary>How a listener's webhook body is shaped; both are signed the Standard Webhooks way (README "Webhooks").</summary>
public enum WebhookFormat
{
    /// <summary>The delivery JSON itself, <c>application/json</c> (default).</summary>
    Standard,

    /// <summary>A CloudEvents 1.0 structured event, <c>application/cloudevents+json</c>, whose <c>data</c> is the Standard body.</summary>
    CloudEvents,
}

using Credo.Core.Listeners;

namespace Credo.Server.Hooks;

/// <summary>One notification out of a post to <c>/hooks/graph</c> or <c>/hooks/graph/lifecycle</c>, as received.</summary>
/// <param name="SubscriptionId">The subscription it names.</param>
/// <param name="ClientState">The client state it carries, to be checked against the subscription's.</param>
/// <param name="Event">What it says.</param>
internal sealed record GraphNotification(string SubscriptionId, string? ClientState, PushEvent Event)
{
    /// <summary>Redacts <see cref="ClientState"/>.</summary>
    public override string ToString() => $"GraphNotification {{ SubscriptionId = {SubscriptionId}, Event = {Event} }}";
}

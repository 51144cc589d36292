namespace Credo.Core.Listeners.Sources;

/// <summary>A listener's subscription to a mail server's notifications of new mail.</summary>
/// <param name="Id">The server's id of the subscription, which each notification names.</param>
/// <param name="ClientState">The secret each notification must carry; kept protected at rest, never logged.</param>
/// <param name="ExpiresAt">When the server ends it unless renewed.</param>
/// <param name="ReauthorizationRequired">The server asked for it to be reauthorized.</param>
public sealed record PushSubscription(string Id, string ClientState, DateTimeOffset ExpiresAt, bool ReauthorizationRequired = false)
{
    /// <summary>Redacts <see cref="ClientState"/>.</summary>
    public override string ToString() => $"PushSubscription {{ Id = {Id}, ExpiresAt = {ExpiresAt:O} }}";
}

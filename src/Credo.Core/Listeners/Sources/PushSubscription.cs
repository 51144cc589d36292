namespace Credo.Core.Listeners.Sources;

/// <summary>A listener's subscription to a mail server's notifications of new mail.</summary>
/// <param name="Id">The server's id of the subscription, which each notification names.</param>
/// <param name="ClientState">The secret each notification must carry; kept protected at rest, never logged.</param>
/// <param name="ExpiresAt">When the server ends it unless renewed.</param>
/// <param name="Target">What it was made for, as the source describes it (where notifications go, which folder): a source replaces a subscription whose target is not the one wanted now.</param>
/// <param name="ReauthorizationRequired">The server asked for it to be reauthorized.</param>
public sealed record PushSubscription(string Id, string ClientState, DateTimeOffset ExpiresAt, string? Target, bool ReauthorizationRequired = false)
{
    /// <summary>When the source renews it (set by the source when it hands it back); a poll is due by then.</summary>
    public DateTimeOffset? RenewAt { get; init; }

    /// <summary>Redacts <see cref="ClientState"/>.</summary>
    public override string ToString() => $"PushSubscription {{ Id = {Id}, ExpiresAt = {ExpiresAt:O}, Target = {Target} }}";
}

namespace Credo.Core.Listeners;

/// <summary>A listener's push subscription as the console, the API and the CLI show it.</summary>
/// <param name="State"><c>Active</c>, <c>Reauthorizing</c> (the server asked; the next poll does it) or <c>Failing</c> (polls only, see <paramref name="Error"/>).</param>
/// <param name="SubscriptionId">The server's id of the subscription.</param>
/// <param name="ExpiresAt">When it ends unless renewed (it is renewed when a quarter of its life is left).</param>
/// <param name="Error">Why there is no subscription.</param>
public sealed record ListenerPush(string State, string? SubscriptionId, DateTimeOffset? ExpiresAt, string? Error)
{
    /// <summary>Every state, in the order the gauge reports them.</summary>
    public static readonly IReadOnlyList<string> States = [Active, Reauthorizing, Failing];

    private const string Active = "Active";
    private const string Reauthorizing = "Reauthorizing";
    private const string Failing = "Failing";

    /// <summary>The push of <paramref name="listener"/>, or null when it only polls.</summary>
    public static ListenerPush? Of(EmailListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        return listener.PushError is { } error ? new(Failing, listener.PushSubscriptionId, listener.PushExpiresAt, error)
            : listener.PushSubscriptionId is { } id ? new(listener.PushReauthorize ? Reauthorizing : Active, id, listener.PushExpiresAt, null)
            : null;
    }
}

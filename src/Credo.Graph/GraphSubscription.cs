namespace Credo.Graph;

/// <summary>A Microsoft Graph change-notification subscription, as Graph answered its creation or renewal.</summary>
/// <param name="Id">Graph's id of the subscription, which every notification names.</param>
/// <param name="ExpiresAt">When Graph ends it unless it is renewed.</param>
public sealed record GraphSubscription(string Id, DateTimeOffset ExpiresAt);

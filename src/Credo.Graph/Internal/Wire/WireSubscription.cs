namespace Credo.Graph.Internal.Wire;

/// <summary>A subscription as Graph takes and answers it, as far as Credo writes and reads it.</summary>
internal sealed class WireSubscription
{
    public string? Id { get; set; }

    public string? ChangeType { get; set; }

    public string? NotificationUrl { get; set; }

    public string? LifecycleNotificationUrl { get; set; }

    public string? Resource { get; set; }

    public DateTimeOffset? ExpirationDateTime { get; set; }

    public string? ClientState { get; set; }

    public string? LatestSupportedTlsVersion { get; set; }
}

namespace Credo.Ews;

/// <summary>Limits of <see cref="IEwsClient"/> calls that a caller must split its work by.</summary>
public static class EwsLimits
{
    /// <summary>
    /// The most items one <see cref="IEwsClient.SetReadAsync"/>, <see cref="IEwsClient.MoveItemsAsync"/> or
    /// <see cref="IEwsClient.DeleteItemsAsync"/> call takes: 100, the listener's batch of mails per poll step, so
    /// one batch is after-processed in one request while a request stays far below Exchange's request size limits.
    /// </summary>
    public const int MaxItemsPerChange = 100;
}

namespace Credo.Graph;

/// <summary>A message with the properties a listener records, as the delta lists it.</summary>
/// <param name="Id">The message id (immutable: Credo asks for immutable ids on every request).</param>
/// <param name="InternetMessageId">The Message-ID header, if any.</param>
/// <param name="From">The sender.</param>
/// <param name="To">The To recipients.</param>
/// <param name="Cc">The Cc recipients.</param>
/// <param name="Subject">The subject.</param>
/// <param name="ReceivedAt">When Exchange received it.</param>
/// <param name="HasAttachments">Whether it has attachments.</param>
/// <param name="IsRead">Whether it is read.</param>
public sealed record GraphMessage(
    string Id,
    string? InternetMessageId,
    GraphAddress? From,
    IReadOnlyList<GraphAddress> To,
    IReadOnlyList<GraphAddress> Cc,
    string? Subject,
    DateTimeOffset? ReceivedAt,
    bool HasAttachments,
    bool IsRead)
{
    /// <summary>Describes the message without its content.</summary>
    public override string ToString() => $"{Id}: {Subject}";
}

namespace Credo.Sandbox.Ews;

/// <summary>A message in a sandbox mailbox, with the properties EWS reports, taken from its MIME.</summary>
public sealed class SandboxItem
{
    /// <summary>The item id; a move gives the item a new one, as Exchange does.</summary>
    public required string Id { get; set; }

    /// <summary>
    /// The id that stays the same when the item moves, as Microsoft Graph gives with <c>Prefer: IdType="ImmutableId"</c>.
    /// </summary>
    public required string ImmutableId { get; init; }

    /// <summary>Changes with every change of the item.</summary>
    public required string ChangeKey { get; set; }

    /// <summary>The folder it is in.</summary>
    public required string FolderId { get; set; }

    /// <summary>The RFC 5322 bytes.</summary>
    public required byte[] Mime { get; init; }

    /// <summary>Subject.</summary>
    public string? Subject { get; init; }

    /// <summary>Message-ID, when the message has one.</summary>
    public string? InternetMessageId { get; init; }

    /// <summary>From (name, address).</summary>
    public (string? Name, string Address)? From { get; init; }

    /// <summary>To.</summary>
    public IReadOnlyList<(string? Name, string Address)> To { get; init; } = [];

    /// <summary>Cc.</summary>
    public IReadOnlyList<(string? Name, string Address)> Cc { get; init; } = [];

    /// <summary>When the mailbox received it.</summary>
    public required DateTimeOffset DateTimeReceived { get; init; }

    /// <summary>Whether it has attachments.</summary>
    public bool HasAttachments { get; init; }

    /// <summary>The start of the text body, as Microsoft Graph's <c>bodyPreview</c> (at most 255 characters).</summary>
    public string BodyPreview { get; init; } = "";

    /// <summary>Whether it is read.</summary>
    public bool IsRead { get; set; }
}

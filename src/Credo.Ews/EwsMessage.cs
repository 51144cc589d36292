using MimeKit;

namespace Credo.Ews;

/// <summary>A mail item with the properties the listener records and, when asked for, its MIME content.</summary>
public sealed class EwsMessage
{
    /// <summary>The item id.</summary>
    public required EwsItemId ItemId { get; init; }

    /// <summary>Subject.</summary>
    public string? Subject { get; init; }

    /// <summary>The <c>Message-ID</c> header, when the message has one.</summary>
    public string? InternetMessageId { get; init; }

    /// <summary>From.</summary>
    public EwsAddress? From { get; init; }

    /// <summary>To.</summary>
    public IReadOnlyList<EwsAddress> To { get; init; } = [];

    /// <summary>Cc.</summary>
    public IReadOnlyList<EwsAddress> Cc { get; init; } = [];

    /// <summary>When the mailbox received it.</summary>
    public DateTimeOffset? DateTimeReceived { get; init; }

    /// <summary>Size in bytes as Exchange counts it.</summary>
    public long? Size { get; init; }

    /// <summary>Whether it has attachments.</summary>
    public bool? HasAttachments { get; init; }

    /// <summary>Whether it is read.</summary>
    public bool? IsRead { get; init; }

    /// <summary>The MIME content (RFC 5322 bytes), when it was requested.</summary>
    public ReadOnlyMemory<byte>? Mime { get; init; }

    /// <summary>Parses <see cref="Mime"/> with MimeKit; throws <see cref="InvalidOperationException"/> when it was not requested.</summary>
    public MimeMessage ParseMime()
    {
        if (Mime is not { } mime)
        {
            throw new InvalidOperationException("The MIME content was not requested for this item.");
        }

        using var stream = new MemoryStream(mime.ToArray(), writable: false);
        return MimeMessage.Load(stream);
    }

    /// <summary>Describes the message.</summary>
    public override string ToString() => $"{ItemId}: {Subject}";
}

/// <summary>A mailbox address as EWS reports it.</summary>
/// <param name="Name">Display name.</param>
/// <param name="Address">SMTP address.</param>
public sealed record EwsAddress(string? Name, string? Address)
{
    /// <summary><c>Name &lt;address&gt;</c>.</summary>
    public override string ToString() => string.IsNullOrEmpty(Name) ? Address ?? "" : $"{Name} <{Address}>";
}

/// <summary>A folder.</summary>
/// <param name="FolderId">Its id.</param>
/// <param name="DisplayName">Its name.</param>
/// <param name="TotalCount">Items in it.</param>
/// <param name="ChildFolderCount">Folders in it.</param>
/// <param name="UnreadCount">Unread items in it.</param>
public sealed record EwsFolder(string FolderId, string DisplayName, int? TotalCount, int? ChildFolderCount, int? UnreadCount);

/// <summary>One page of <c>FindItem</c>.</summary>
/// <param name="Items">The items of the page (ids and the default properties).</param>
/// <param name="TotalItemsInView">How many items match in all.</param>
/// <param name="IncludesLastItemInRange">Whether this is the last page.</param>
/// <param name="NextOffset">Where the next page starts.</param>
public sealed record FindItemsPage(IReadOnlyList<EwsMessage> Items, int TotalItemsInView, bool IncludesLastItemInRange, int NextOffset);

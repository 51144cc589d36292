using Credo.OAuth;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Where a listener's mail comes from, one protocol per implementation (EWS today; Microsoft Graph or IMAP can be
/// added without touching the engine).
/// </summary>
public interface IMailSource
{
    /// <summary>The protocol name stored on listeners, such as <c>EWS</c>.</summary>
    string Protocol { get; }

    /// <summary>The ids of new items since <paramref name="syncState"/> (everything when null), and the state to continue from.</summary>
    Task<MailResult<MailChanges>> ChangesAsync(MailboxContext mailbox, string? syncState, CancellationToken cancellationToken);

    /// <summary>Up to 10 items with their MIME; items that are gone are left out.</summary>
    Task<MailResult<IReadOnlyList<MailItem>>> FetchAsync(MailboxContext mailbox, IReadOnlyList<string> itemIds, CancellationToken cancellationToken);

    /// <summary>Marks read, moves or deletes an item; an item that is gone counts as done.</summary>
    Task<MailResult<bool>> ApplyAsync(MailboxContext mailbox, MailItem item, AfterProcessing action, string? moveToFolder, CancellationToken cancellationToken);
}

/// <summary>A listener's mailbox and the token source of its credential.</summary>
/// <param name="Listener">The listener.</param>
/// <param name="Tokens">Tokens of its credential.</param>
public sealed record MailboxContext(EmailListener Listener, IAccessTokenSource Tokens);

/// <summary>New items and the state after them.</summary>
/// <param name="ItemIds">New item ids, oldest first.</param>
/// <param name="SyncState">Where to continue.</param>
/// <param name="Complete">Whether there are no more changes for now.</param>
public sealed record MailChanges(IReadOnlyList<string> ItemIds, string SyncState, bool Complete);

/// <summary>A fetched mail.</summary>
public sealed record MailItem(
    string ItemId,
    string? InternetMessageId,
    string? From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    string? Subject,
    DateTimeOffset? ReceivedAt,
    long Size,
    bool HasAttachments,
    bool IsRead,
    byte[] Mime);

/// <summary>How a mail source call failed.</summary>
public enum MailErrorKind
{
    /// <summary>Throttling, outage, timeout, network: try again after <see cref="MailError.RetryAfter"/> or a back-off.</summary>
    Transient,

    /// <summary>The sync state is no longer valid: start again without one.</summary>
    InvalidSyncState,

    /// <summary>Anything else: the configuration or permissions need attention.</summary>
    Permanent,
}

/// <summary>A mail source failure with a readable reason and a hint.</summary>
public sealed record MailError(MailErrorKind Kind, string Message, string? Hint = null, TimeSpan? RetryAfter = null);

/// <summary>A value or a <see cref="MailError"/>.</summary>
public sealed class MailResult<T>
{
    internal MailResult(T? value, MailError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value.</summary>
    public T? Value { get; }

    /// <summary>The error.</summary>
    public MailError? Error { get; }

    /// <summary>Success.</summary>
    public static implicit operator MailResult<T>(T value) => new(value, null);

    /// <summary>Failure.</summary>
    public static implicit operator MailResult<T>(MailError error) => new(default, error);
}

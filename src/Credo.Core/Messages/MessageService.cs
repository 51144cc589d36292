using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Messages;

/// <summary>Reads the mails listeners recorded.</summary>
public sealed class MessageService(CredoDbContext db)
{
    /// <summary>The most a page holds.</summary>
    public const int MaxPage = 1000;

    /// <summary>The newest received messages of a listener (without their MIME).</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> ListAsync(Guid listenerId, int take, CancellationToken cancellationToken) =>
        (await PageAsync(listenerId, new MessageQuery { Take = take }, cancellationToken)).Messages;

    /// <summary>
    /// A page of a listener's received messages (without their MIME), newest first, that match <paramref name="query"/>;
    /// <see cref="MessagePage.Next"/> is the cursor of the page after it. Pages are keyset pages on (recorded, dedupe key),
    /// read through the (listener, recorded) index, so the millionth mail is as quick to reach as the first. A search reads
    /// the newest mail first and turns to the search index (<see cref="MessageSearch"/>) only when that does not fill the
    /// page: a common word is fastest in recorded order, a rare one through the index.
    /// </summary>
    public async Task<MessagePage> PageAsync(Guid listenerId, MessageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var cursor = default(Cursor);
        if ((query.Before ?? query.At) is { } id)
        {
            var inclusive = query.Before is null;
            cursor = await db.ReceivedMessages.AsNoTracking().Where(m => m.Id == id && m.ListenerId == listenerId)
                .Select(m => new Cursor(m.RecordedAt, m.DedupeKey, inclusive)).SingleOrDefaultAsync(cancellationToken);
            if (cursor is null)
            {
                return new MessagePage([], null, CursorGone: true);
            }
        }

        var take = Math.Clamp(query.Take, 1, MaxPage);
        var search = query.Search?.Trim();
        var range = InRange(db.ReceivedMessages, listenerId, query, cursor);
        if (string.IsNullOrEmpty(search))
        {
            return await ReadAsync(range, take, cancellationToken);
        }

        if (!MessageSearch.CanUseIndex(search))
        {
            return await ReadAsync(MessageSearch.Containing(db, range, search), take, cancellationToken);
        }

        var page = await ReadAsync(MessageSearch.Containing(db, Newest(range).Take(MessageSearch.ScanFirst), search), take, cancellationToken);
        if (page.Next is not null || !await Newest(range).Skip(MessageSearch.ScanFirst).AnyAsync(cancellationToken))
        {
            return page;
        }

        return await ReadAsync(InRange(MessageSearch.Indexed(db, search), listenerId, query, cursor), take, cancellationToken);
    }

    /// <summary>A listener's mail after <paramref name="cursor"/> and within the query's dates.</summary>
    private static IQueryable<ReceivedMessage> InRange(IQueryable<ReceivedMessage> messages, Guid listenerId, MessageQuery query, Cursor? cursor)
    {
        messages = messages.AsNoTracking().Where(m => m.ListenerId == listenerId);
        if (cursor is not null)
        {
            // The first condition alone lets the database start its index range at the cursor; the second settles ties.
            messages = messages.Where(m => m.RecordedAt <= cursor.RecordedAt);
            messages = cursor.Inclusive
                ? messages.Where(m => m.RecordedAt < cursor.RecordedAt || (m.RecordedAt == cursor.RecordedAt && string.Compare(m.DedupeKey, cursor.DedupeKey) <= 0))
                : messages.Where(m => m.RecordedAt < cursor.RecordedAt || (m.RecordedAt == cursor.RecordedAt && string.Compare(m.DedupeKey, cursor.DedupeKey) < 0));
        }

        if (query.RecordedFrom is { } from)
        {
            messages = messages.Where(m => m.RecordedAt >= from);
        }

        if (query.RecordedBefore is { } until)
        {
            messages = messages.Where(m => m.RecordedAt < until);
        }

        return messages;
    }

    private static IOrderedQueryable<ReceivedMessage> Newest(IQueryable<ReceivedMessage> messages) =>
        messages.OrderByDescending(m => m.RecordedAt).ThenByDescending(m => m.DedupeKey);

    private static async Task<MessagePage> ReadAsync(IQueryable<ReceivedMessage> messages, int take, CancellationToken cancellationToken)
    {
        var page = await Newest(messages).Take(take + 1)
            .Select(m => new ReceivedMessage
            {
                Id = m.Id, ListenerId = m.ListenerId, DedupeKey = m.DedupeKey, ItemId = m.ItemId, InternetMessageId = m.InternetMessageId,
                From = m.From, To = m.To, Cc = m.Cc, Subject = m.Subject, ReceivedAt = m.ReceivedAt, Size = m.Size,
                Attachments = m.Attachments, BodyPreview = m.BodyPreview, RecordedAt = m.RecordedAt, ContentExpiredAt = m.ContentExpiredAt,
            })
            .ToListAsync(cancellationToken);
        return page.Count > take ? new MessagePage(page[..take], page[take - 1].Id, CursorGone: false) : new MessagePage(page, null, CursorGone: false);
    }

    /// <summary>Where a page starts: after (or, for a link to one mail, at) this mail.</summary>
    private sealed record Cursor(DateTimeOffset RecordedAt, string DedupeKey, bool Inclusive);

    /// <summary>One received message with its MIME.</summary>
    public Task<ReceivedMessage?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.ReceivedMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);

    /// <summary>The subjects of <paramref name="messageIds"/>, for lists that link deliveries to their mails.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> SubjectsAsync(IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken) =>
        await db.ReceivedMessages.AsNoTracking().Where(m => messageIds.Contains(m.Id))
            .Select(m => new { m.Id, m.Subject }).ToDictionaryAsync(m => m.Id, m => m.Subject ?? "", cancellationToken);
}

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
    /// read through the (listener, recorded) index, so the millionth mail is as quick to reach as the first.
    /// </summary>
    public async Task<MessagePage> PageAsync(Guid listenerId, MessageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var messages = db.ReceivedMessages.AsNoTracking().Where(m => m.ListenerId == listenerId);
        if ((query.Before ?? query.At) is { } cursor)
        {
            var last = await db.ReceivedMessages.AsNoTracking().Where(m => m.Id == cursor && m.ListenerId == listenerId)
                .Select(m => new { m.RecordedAt, m.DedupeKey }).SingleOrDefaultAsync(cancellationToken);
            if (last is null)
            {
                return new MessagePage([], null, CursorGone: true);
            }

            // The first condition alone lets the database start its index range at the cursor; the second settles ties.
            messages = messages.Where(m => m.RecordedAt <= last.RecordedAt);
            messages = query.Before is not null
                ? messages.Where(m => m.RecordedAt < last.RecordedAt || (m.RecordedAt == last.RecordedAt && string.Compare(m.DedupeKey, last.DedupeKey) < 0))
                : messages.Where(m => m.RecordedAt < last.RecordedAt || (m.RecordedAt == last.RecordedAt && string.Compare(m.DedupeKey, last.DedupeKey) <= 0));
        }

        if (query.RecordedFrom is { } from)
        {
            messages = messages.Where(m => m.RecordedAt >= from);
        }

        if (query.RecordedBefore is { } until)
        {
            messages = messages.Where(m => m.RecordedAt < until);
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            // Subject or sender, regardless of case.
            var pattern = LikePattern.Containing(query.Search);
            messages = db.Database.IsNpgsql()
                ? messages.Where(m => EF.Functions.ILike(m.Subject!, pattern, LikePattern.Escape) || EF.Functions.ILike(m.From!, pattern, LikePattern.Escape))
                : messages.Where(m => EF.Functions.Like(m.Subject, pattern, LikePattern.Escape) || EF.Functions.Like(m.From, pattern, LikePattern.Escape));
        }

        var take = Math.Clamp(query.Take, 1, MaxPage);
        var page = await messages
            .OrderByDescending(m => m.RecordedAt).ThenByDescending(m => m.DedupeKey).Take(take + 1)
            .Select(m => new ReceivedMessage
            {
                Id = m.Id, ListenerId = m.ListenerId, DedupeKey = m.DedupeKey, ItemId = m.ItemId, InternetMessageId = m.InternetMessageId,
                From = m.From, To = m.To, Cc = m.Cc, Subject = m.Subject, ReceivedAt = m.ReceivedAt, Size = m.Size,
                Attachments = m.Attachments, BodyPreview = m.BodyPreview, RecordedAt = m.RecordedAt, ContentExpiredAt = m.ContentExpiredAt,
            })
            .ToListAsync(cancellationToken);
        return page.Count > take ? new MessagePage(page[..take], page[take - 1].Id, CursorGone: false) : new MessagePage(page, null, CursorGone: false);
    }

    /// <summary>One received message with its MIME.</summary>
    public Task<ReceivedMessage?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.ReceivedMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);

    /// <summary>The subjects of <paramref name="messageIds"/>, for lists that link deliveries to their mails.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> SubjectsAsync(IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken) =>
        await db.ReceivedMessages.AsNoTracking().Where(m => messageIds.Contains(m.Id))
            .Select(m => new { m.Id, m.Subject }).ToDictionaryAsync(m => m.Id, m => m.Subject ?? "", cancellationToken);
}

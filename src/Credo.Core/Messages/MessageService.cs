using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Messages;

/// <summary>Reads the mails listeners recorded.</summary>
public sealed class MessageService(CredoDbContext db)
{
    /// <summary>The newest received messages of a listener (without their MIME).</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> ListAsync(Guid listenerId, int take, CancellationToken cancellationToken) =>
        await db.ReceivedMessages.AsNoTracking().Where(m => m.ListenerId == listenerId)
            .OrderByDescending(m => m.RecordedAt).ThenByDescending(m => m.Id).Take(take)
            .Select(m => new ReceivedMessage
            {
                Id = m.Id, ListenerId = m.ListenerId, DedupeKey = m.DedupeKey, ItemId = m.ItemId, InternetMessageId = m.InternetMessageId,
                From = m.From, To = m.To, Cc = m.Cc, Subject = m.Subject, ReceivedAt = m.ReceivedAt, Size = m.Size,
                Attachments = m.Attachments, BodyPreview = m.BodyPreview, RecordedAt = m.RecordedAt, ContentExpiredAt = m.ContentExpiredAt,
            })
            .ToListAsync(cancellationToken);

    /// <summary>One received message with its MIME.</summary>
    public Task<ReceivedMessage?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.ReceivedMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);

    /// <summary>The subjects of <paramref name="messageIds"/>, for lists that link deliveries to their mails.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> SubjectsAsync(IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken) =>
        await db.ReceivedMessages.AsNoTracking().Where(m => messageIds.Contains(m.Id))
            .Select(m => new { m.Id, m.Subject }).ToDictionaryAsync(m => m.Id, m => m.Subject ?? "", cancellationToken);
}

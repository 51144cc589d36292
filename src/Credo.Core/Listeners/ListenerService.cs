using Credo.Core.Audit;
using Credo.Core.Credentials;
using Credo.Core.Messages;
using Credo.Core.Persistence;
using Credo.Core.Security;
using Credo.Core.Webhooks;
using Credo.OAuth.Outbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners;

/// <summary>Adds, changes and deletes listeners, and reads what they recorded; audited like credentials.</summary>
public sealed class ListenerService(CredoDbContext db, AuditLog audit, SecretProtector protector, IOptionsMonitor<OutboundOptions> outbound, TimeProvider time)
{
    private const string EntityType = "listener";

    /// <summary>All listeners by name.</summary>
    public async Task<IReadOnlyList<EmailListener>> ListAsync(CancellationToken cancellationToken) =>
        await db.EmailListeners.AsNoTracking().OrderBy(l => l.NormalizedName).ToListAsync(cancellationToken);

    /// <summary>One listener by id or name (any case).</summary>
    public async Task<EmailListener?> FindAsync(string idOrName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        if (Guid.TryParse(idOrName, out var id))
        {
            return await db.EmailListeners.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        }

        var normalized = idOrName.Trim().ToUpperInvariant();
        return await db.EmailListeners.AsNoTracking().SingleOrDefaultAsync(l => l.NormalizedName == normalized, cancellationToken);
    }

    /// <summary>The names of the listeners using each of <paramref name="credentialIds"/>.</summary>
    public async Task<ILookup<Guid, string>> UsingCredentialsAsync(IReadOnlyCollection<Guid> credentialIds, CancellationToken cancellationToken) =>
        (await db.EmailListeners.AsNoTracking().Where(l => credentialIds.Contains(l.CredentialId)).OrderBy(l => l.NormalizedName)
            .Select(l => new { l.CredentialId, l.Name }).ToListAsync(cancellationToken))
        .ToLookup(l => l.CredentialId, l => l.Name);

    /// <summary>Adds a listener.</summary>
    public async Task<(EmailListener? Listener, IReadOnlyDictionary<string, string> Errors)> CreateAsync(ListenerInput input, string actor, CancellationToken cancellationToken)
    {
        var errors = await CheckAsync(input, null, cancellationToken);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var now = time.GetUtcNow();
        var listener = new EmailListener { Id = Guid.NewGuid(), Version = 1, CreatedAt = now, NextPollAt = now };
        Apply(listener, input);
        db.EmailListeners.Add(listener);
        audit.Record(actor, "create", EntityType, listener.Id.ToString(), listener.Name);
        await db.SaveChangesAsync(cancellationToken);
        return (listener, errors);
    }

    /// <summary>Changes a listener's settings; its run state (sync state, counters) is kept unless the mailbox or folder changed.</summary>
    public async Task<(EmailListener? Listener, IReadOnlyDictionary<string, string> Errors)> UpdateAsync(Guid id, ListenerInput input, string actor, CancellationToken cancellationToken)
    {
        var listener = await db.EmailListeners.SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (listener is null)
        {
            return (null, new Dictionary<string, string> { [""] = $"There is no listener {id}." });
        }

        var errors = await CheckAsync(input, listener, cancellationToken);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var source = (listener.EwsUrl, listener.Mailbox, listener.Folder);
        Apply(listener, input);
        if (source != (listener.EwsUrl, listener.Mailbox, listener.Folder))
        {
            listener.SyncState = null;
        }

        listener.Version++;
        listener.NextPollAt = time.GetUtcNow();
        audit.Record(actor, "update", EntityType, id.ToString(), listener.Name);
        await db.SaveChangesAsync(cancellationToken);
        return (listener, errors);
    }

    /// <summary>Deletes a listener and what it recorded.</summary>
    public async Task<bool> DeleteAsync(Guid id, string actor, CancellationToken cancellationToken)
    {
        var listener = await db.EmailListeners.SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (listener is null)
        {
            return false;
        }

        db.EmailListeners.Remove(listener);
        audit.Record(actor, "delete", EntityType, id.ToString(), listener.Name);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Asks the engine to poll now.</summary>
    public async Task<bool> PollNowAsync(Guid id, CancellationToken cancellationToken) =>
        await db.EmailListeners.Where(l => l.Id == id).ExecuteUpdateAsync(u => u.SetProperty(l => l.NextPollAt, time.GetUtcNow()), cancellationToken) > 0;

    /// <summary>The newest received messages of a listener (without their MIME).</summary>
    public async Task<IReadOnlyList<ReceivedMessage>> MessagesAsync(Guid listenerId, int take, CancellationToken cancellationToken) =>
        await db.ReceivedMessages.AsNoTracking().Where(m => m.ListenerId == listenerId)
            .OrderByDescending(m => m.RecordedAt).ThenByDescending(m => m.Id).Take(take)
            .Select(m => new ReceivedMessage
            {
                Id = m.Id, ListenerId = m.ListenerId, DedupeKey = m.DedupeKey, ItemId = m.ItemId, InternetMessageId = m.InternetMessageId,
                From = m.From, To = m.To, Cc = m.Cc, Subject = m.Subject, ReceivedAt = m.ReceivedAt, Size = m.Size,
                Attachments = m.Attachments, BodyPreview = m.BodyPreview, RecordedAt = m.RecordedAt,
            })
            .ToListAsync(cancellationToken);

    /// <summary>One received message with its MIME.</summary>
    public Task<ReceivedMessage?> MessageAsync(Guid id, CancellationToken cancellationToken) =>
        db.ReceivedMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);

    /// <summary>The newest webhook deliveries of a listener (without payloads).</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(Guid listenerId, int take, CancellationToken cancellationToken) =>
        await db.WebhookDeliveries.AsNoTracking().Where(d => d.ListenerId == listenerId)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(take)
            .Select(d => new WebhookDelivery
            {
                Id = d.Id, MessageId = d.MessageId, ListenerId = d.ListenerId, Status = d.Status, Attempts = d.Attempts, NextAttemptAt = d.NextAttemptAt,
                LastStatusCode = d.LastStatusCode, LastError = d.LastError, CreatedAt = d.CreatedAt, DeliveredAt = d.DeliveredAt,
            })
            .ToListAsync(cancellationToken);

    /// <summary>Sends a delivery again, whatever its status (the receiver dedupes by Credo-Delivery-Id).</summary>
    public async Task<bool> ResendAsync(Guid deliveryId, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updated = await db.WebhookDeliveries.Where(d => d.Id == deliveryId).ExecuteUpdateAsync(u => u
            .SetProperty(d => d.Status, DeliveryStatus.Pending)
            .SetProperty(d => d.NextAttemptAt, now)
            .SetProperty(d => d.CreatedAt, now)
            .SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), cancellationToken);
        if (updated > 0)
        {
            audit.Record(actor, "resend", "delivery", deliveryId.ToString(), deliveryId.ToString());
            await db.SaveChangesAsync(cancellationToken);
        }

        return updated > 0;
    }

    private async Task<Dictionary<string, string>> CheckAsync(ListenerInput input, EmailListener? current, CancellationToken cancellationToken)
    {
        var errors = ListenerRules.Check(input, outbound.CurrentValue.AllowHttp, current?.ProtectedWebhookSecret is not null);
        if (!errors.ContainsKey(nameof(input.Name)))
        {
            var normalized = input.Name!.Trim().ToUpperInvariant();
            if (await db.EmailListeners.AnyAsync(l => l.NormalizedName == normalized && l.Id != (current == null ? Guid.Empty : current.Id), cancellationToken))
            {
                errors[nameof(input.Name)] = $"A listener named \"{input.Name!.Trim()}\" already exists; choose another name.";
            }
        }

        if (input.CredentialId is { } credentialId && !await db.Credentials.AnyAsync(c => c.Id == credentialId, cancellationToken))
        {
            errors[nameof(input.CredentialId)] = "The chosen credential does not exist (any more); choose another.";
        }

        return errors;
    }

    private void Apply(EmailListener listener, ListenerInput input)
    {
        listener.Name = input.Name!.Trim();
        listener.NormalizedName = listener.Name.ToUpperInvariant();
        listener.Enabled = input.Enabled;
        listener.EwsUrl = input.EwsUrl!.Trim();
        listener.Mailbox = input.Mailbox!.Trim();
        listener.Folder = input.Folder!.Trim();
        listener.CredentialId = input.CredentialId!.Value;
        listener.PollIntervalSeconds = input.PollIntervalSeconds;
        listener.UnreadOnly = input.UnreadOnly;
        listener.FromContains = string.IsNullOrWhiteSpace(input.FromContains) ? null : input.FromContains.Trim();
        listener.SubjectContains = string.IsNullOrWhiteSpace(input.SubjectContains) ? null : input.SubjectContains.Trim();
        listener.OnlyWithAttachments = input.OnlyWithAttachments;
        listener.AfterProcessing = input.AfterProcessing;
        listener.MoveToFolder = input.AfterProcessing == AfterProcessing.Move ? input.MoveToFolder?.Trim() : null;
        listener.IncludeAttachments = input.IncludeAttachments;
        listener.WebhookUrl = string.IsNullOrWhiteSpace(input.WebhookUrl) ? null : input.WebhookUrl.Trim();
        if (listener.WebhookUrl is null)
        {
            listener.ProtectedWebhookSecret = null;
        }
        else if (!string.IsNullOrEmpty(input.WebhookSecret))
        {
            listener.ProtectedWebhookSecret = protector.ProtectWebhookSecret(input.WebhookSecret);
        }
    }
}

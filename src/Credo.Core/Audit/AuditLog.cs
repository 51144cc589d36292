using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Audit;

/// <summary>Writes audit entries in the same unit of work as the change they describe, and reads them back.</summary>
public sealed class AuditLog(CredoDbContext db, TimeProvider time)
{
    /// <summary>Adds an entry to the pending changes of the context; it is saved with them.</summary>
    public void Record(string actor, string action, string entityType, string entityId, string entityName, string? details = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            Actor = actor,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            EntityName = entityName,
            Details = details,
        });

    /// <summary>The newest entries first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(int take, CancellationToken cancellationToken) =>
        await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Id).Take(take).ToListAsync(cancellationToken);
}

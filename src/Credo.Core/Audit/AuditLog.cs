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
    public Task<IReadOnlyList<AuditEntry>> ListAsync(int take, CancellationToken cancellationToken) => ListAsync(new AuditQuery { Take = take }, cancellationToken);

    /// <summary>
    /// The newest entries that match <paramref name="query"/> first, at most <see cref="AuditQuery.Take"/>, older than
    /// <see cref="AuditQuery.Before"/> when it is set: the next page starts before the last entry of this one.
    /// </summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var entries = db.AuditEntries.AsNoTracking();
        if (query.Before is { } before)
        {
            entries = entries.Where(a => a.Id < before);
        }

        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            entries = entries.Where(a => a.Actor == query.Actor);
        }

        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            entries = entries.Where(a => a.Action == query.Action);
        }

        if (!string.IsNullOrWhiteSpace(query.EntityType))
        {
            entries = entries.Where(a => a.EntityType == query.EntityType);
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            // Regardless of case: PostgreSQL's ILIKE, SQLite's LIKE (which folds ASCII letters only; others match as typed).
            var pattern = LikePattern.Containing(query.Text);
            entries = db.Database.IsNpgsql()
                ? entries.Where(a => EF.Functions.ILike(a.EntityName, pattern, LikePattern.Escape) || (a.Details != null && EF.Functions.ILike(a.Details, pattern, LikePattern.Escape)))
                : entries.Where(a => EF.Functions.Like(a.EntityName, pattern, LikePattern.Escape) || (a.Details != null && EF.Functions.Like(a.Details, pattern, LikePattern.Escape)));
        }

        return await entries.OrderByDescending(a => a.Id).Take(Math.Clamp(query.Take, 1, 500)).ToListAsync(cancellationToken);
    }

    /// <summary>The values each filter of the log can take, as they occur in it: who, what was done, to what kind of item.</summary>
    public async Task<(IReadOnlyList<string> Actors, IReadOnlyList<string> Actions, IReadOnlyList<string> EntityTypes)> ChoicesAsync(CancellationToken cancellationToken) => (
        await db.AuditEntries.AsNoTracking().Select(a => a.Actor).Distinct().OrderBy(a => a).ToListAsync(cancellationToken),
        await db.AuditEntries.AsNoTracking().Select(a => a.Action).Distinct().OrderBy(a => a).ToListAsync(cancellationToken),
        await db.AuditEntries.AsNoTracking().Select(a => a.EntityType).Distinct().OrderBy(a => a).ToListAsync(cancellationToken));
}

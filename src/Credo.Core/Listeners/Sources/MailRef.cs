namespace Credo.Core.Listeners.Sources;

/// <summary>A new item as <see cref="IMailSource.ChangesAsync"/> lists it.</summary>
/// <param name="ItemId">The source's id of the item.</param>
/// <param name="Listing">
/// What the listing already told about the item, for the source's own <see cref="IMailSource.FetchAsync"/> (Graph's
/// delta carries the recorded properties, so only the MIME is left to fetch); null where the listing gives ids only.
/// The engine only carries it.
/// </param>
public sealed record MailRef(string ItemId, object? Listing = null);

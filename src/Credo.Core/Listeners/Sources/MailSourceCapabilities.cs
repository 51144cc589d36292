namespace Credo.Core.Listeners.Sources;

/// <summary>How a mail source wants to be driven; the engine holds no protocol's numbers.</summary>
/// <param name="PageSize">
/// Most new items one <see cref="IMailSource.ChangesAsync"/> returns: the sync state is saved after each page, so this
/// bounds the work a crash repeats.
/// </param>
/// <param name="FetchBatchSize">Most items one <see cref="IMailSource.FetchAsync"/> takes.</param>
/// <param name="ApplyBatchSize">Most items one <see cref="IMailSource.ApplyAsync"/> takes.</param>
/// <param name="MaxConcurrentRequests">Most requests in flight for one mailbox.</param>
public sealed record MailSourceCapabilities(int PageSize, int FetchBatchSize, int ApplyBatchSize, int MaxConcurrentRequests);

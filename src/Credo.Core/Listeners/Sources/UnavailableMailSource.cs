namespace Credo.Core.Listeners.Sources;

/// <summary>
/// A protocol that listeners can already be set up for but that this version of Credo cannot read yet: every call
/// answers with a clear, permanent status instead of failing in some other way.
/// </summary>
internal abstract class UnavailableMailSource(MailProtocol protocol, string name) : IMailSource
{
    public MailProtocol Protocol => protocol;

    public MailSourceCapabilities Capabilities { get; } = new(PageSize: 100, FetchBatchSize: 10, ApplyBatchSize: 20, MaxConcurrentRequests: 1);

    public Task<MailResult<MailChanges>> ChangesAsync(MailboxContext mailbox, string? syncState, CancellationToken cancellationToken) =>
        Task.FromResult<MailResult<MailChanges>>(Error);

    public Task<MailResult<IReadOnlyList<MailItem>>> FetchAsync(MailboxContext mailbox, IReadOnlyList<MailRef> listed, CancellationToken cancellationToken) =>
        Task.FromResult<MailResult<IReadOnlyList<MailItem>>>(Error);

    public Task<MailResult<bool>> ApplyAsync(MailboxContext mailbox, IReadOnlyList<MailItem> items, CancellationToken cancellationToken) =>
        Task.FromResult<MailResult<bool>>(Error);

    public Task<MailResult<string>> TestAsync(MailboxContext mailbox, CancellationToken cancellationToken) =>
        Task.FromResult<MailResult<string>>(Error);

    private MailError Error => new(
        MailErrorKind.Permanent,
        $"Reading mail over {name} is not available in this version of Credo yet.",
        "Choose the protocol EWS for now, or keep this listener disabled until an update adds " + name + ".");
}

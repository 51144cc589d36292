namespace Credo.Sandbox.Ews;

/// <summary>
/// Tells one observer (the Graph subscriptions) of every change the mailboxes log. It is called under the mailbox's
/// lock, so the observer must only take note (queue work), never wait or call out.
/// </summary>
internal sealed class MailboxChangeFeed
{
    public Action<MailboxChange>? Observer { get; set; }

    public void Publish(SandboxMailbox mailbox, string folderId, SandboxChangeKind kind, SandboxItem item)
    {
        // Nothing is built unless someone listens: delivering mail in bulk stays as cheap as before.
        if (Observer is { } observer)
        {
            observer(new MailboxChange(mailbox, folderId, kind, item.Id, item.ImmutableId, item.ChangeKey));
        }
    }
}

using Credo.Sandbox.Ews;

namespace Credo.Sandbox.Graph;

/// <summary>
/// Graph's ids over the mailbox model. A REST id is the EWS id in URL-safe base64 (as Exchange converts between the
/// two), so it changes when the message moves; an immutable id is the item's <see cref="SandboxItem.ImmutableId"/> in
/// the same alphabet and does not. Both resolve, whichever the request prefers.
/// </summary>
internal static class GraphIds
{
    public static string ToRest(string ewsId) => ewsId.Replace('/', '-').Replace('+', '_');

    public static string FromRest(string restId) => restId.Replace('-', '/').Replace('_', '+');

    public static string MessageId(SandboxItem item, bool immutable) => ToRest(immutable ? item.ImmutableId : item.Id);

    /// <summary>The message with a REST or immutable id (or a raw EWS id); call under the mailbox's lock.</summary>
    public static SandboxItem? FindMessage(SandboxMailbox mailbox, string id)
    {
        var ews = FromRest(id);
        return mailbox.FindItem(ews) ?? mailbox.FindItemByImmutableId(ews) ?? mailbox.FindItem(id);
    }

    /// <summary>The folder with a well-known name (<c>inbox</c>, <c>deleteditems</c>, ...) or id; call under the mailbox's lock.</summary>
    public static SandboxFolder? FindFolder(SandboxMailbox mailbox, string nameOrId) =>
        mailbox.FindFolder(FromRest(nameOrId)) ?? mailbox.FindFolder(nameOrId) ?? mailbox.FindWellKnown(nameOrId);
}

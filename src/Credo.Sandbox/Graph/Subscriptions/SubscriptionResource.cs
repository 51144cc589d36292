using Credo.Sandbox.Ews;

namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>
/// The resource of a subscription to mail: <c>users/{mailbox}/mailFolders('{folder}')/messages</c>,
/// <c>users/{mailbox}/mailFolders/{folder}/messages</c> (a folder id or a well-known name such as <c>inbox</c>) or
/// <c>users/{mailbox}/messages</c> (every folder); the mailbox by SMTP address or user id.
/// </summary>
internal static class SubscriptionResource
{
    public const string Usage = "Give resource as users/{mailbox}/mailFolders('{folderId}')/messages (a folder id or a well-known name such as inbox), or users/{mailbox}/messages for every folder.";

    /// <summary>Finds the mailbox and folder; on failure, says what was wrong.</summary>
    public static bool TryResolve(string resource, SandboxMailboxes mailboxes, out SandboxMailbox mailbox, out string? folderId, out string problem)
    {
        mailbox = null!;
        folderId = null;
        problem = "";
        var path = resource.Trim();
        if (path.Contains('?', StringComparison.Ordinal))
        {
            problem = $"The sandbox does not filter subscriptions: remove the query from resource '{resource}'. {Usage}";
            return false;
        }

        var segments = GraphRequest.Parse("GET", "/" + path.TrimStart('/'), "", GraphPreferences.Parse([]), null, ReadOnlyMemory<byte>.Empty).Segments;
        var toFolder = segments.Count == 5 && Is(segments[2], "mailFolders") && Is(segments[4], "messages");
        var toMailbox = segments.Count == 3 && Is(segments[2], "messages");
        if (segments.Count < 3 || !Is(segments[0], "users") || !(toFolder || toMailbox))
        {
            problem = segments.Count > 0 && Is(segments[0], "me")
                ? $"Resource '{resource}' uses /me, which an app-only token cannot: name the user. {Usage}"
                : $"Resource '{resource}' is not supported. {Usage}";
            return false;
        }

        if (mailboxes.FindUser(segments[1]) is not { } found)
        {
            problem = $"Resource '{resource}' names user '{segments[1]}', which does not exist.";
            return false;
        }

        mailbox = found;
        if (toMailbox)
        {
            return true;
        }

        lock (found.Gate)
        {
            folderId = GraphIds.FindFolder(found, segments[3])?.Id;
        }

        if (folderId is null)
        {
            problem = $"Resource '{resource}' names folder '{segments[3]}', which mailbox {found.Address} does not have.";
            return false;
        }

        return true;
    }

    private static bool Is(string segment, string name) => string.Equals(segment, name, StringComparison.OrdinalIgnoreCase);
}

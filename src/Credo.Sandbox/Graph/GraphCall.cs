using Credo.Sandbox.Ews;

namespace Credo.Sandbox.Graph;

/// <summary>A request for one mailbox, as an operation sees it: the mailbox as named in the path, and the time.</summary>
internal sealed record GraphCall(GraphRequest Request, SandboxMailbox Mailbox, string User, DateTimeOffset Now)
{
    public bool ImmutableIds => Request.Preferences.ImmutableIds;

    /// <summary>Where the answer's links point: the sandbox's own Graph address, unless a fault sends them elsewhere.</summary>
    public string LinkBase { get; init; } = Request.LinkBase;

    // '@' may stand in a path segment, and Graph's links keep it.
    public string UserLink => LinkBase + "users/" + Uri.EscapeDataString(User).Replace("%40", "@", StringComparison.Ordinal) + "/";

    public GraphAnswer NotFound() => GraphErrors.ItemNotFound(Request, Now);

    public GraphAnswer BadRequest(string message) => GraphErrors.BadRequest(message, Request, Now);
}

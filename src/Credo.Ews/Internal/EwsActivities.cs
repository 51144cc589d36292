using System.Diagnostics;

namespace Credo.Ews.Internal;

/// <summary>
/// The <c>Credo.Ews</c> activity source: a span per EWS operation (<c>EWS SyncFolderItems</c>, <c>EWS GetItem</c>,
/// <c>EWS UpdateItem</c>...), the wait for the mailbox's request slot included. Only the operation, the protocol and the
/// kind of a failure are recorded: never the mailbox, the URL's query or the answer.
/// </summary>
internal static class EwsActivities
{
    public static readonly ActivitySource Source = new("Credo.Ews");

    public static Activity? Start(string operation)
    {
        var activity = Source.StartActivity("EWS " + operation, ActivityKind.Client);
        activity?.SetTag("credo.mail.protocol", "EWS");
        activity?.SetTag("credo.mail.operation", operation);
        return activity;
    }

    public static void Failed(Activity? activity, EwsError? error)
    {
        if (activity is not null && error is not null)
        {
            activity.SetTag("error.type", error.Kind.ToString());
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}

using System.Diagnostics;

namespace Credo.Imap.Internal;

/// <summary>
/// The <c>Credo.Imap</c> activity source: a span per pooled call, named after the IMAP command that does the work
/// (<c>UID SEARCH</c>, <c>UID FETCH</c>, <c>UID STORE</c>, <c>UID MOVE</c>, <c>UID EXPUNGE</c>); connecting, logging in
/// (XOAUTH2) and selecting the folder, when needed, fall within it.
/// </summary>
internal static class ImapActivities
{
    public static readonly ActivitySource Source = new("Credo.Imap");

    public static Activity? Start(string command)
    {
        var activity = Source.StartActivity("IMAP " + command, ActivityKind.Client);
        activity?.SetTag("credo.mail.protocol", "IMAP");
        activity?.SetTag("credo.mail.operation", command);
        return activity;
    }

    /// <summary>Names the current span after the command the call turned out to need.</summary>
    public static void Command(string command)
    {
        if (Activity.Current is { } activity && activity.Source == Source)
        {
            activity.DisplayName = "IMAP " + command;
            activity.SetTag("credo.mail.operation", command);
        }
    }

    /// <summary>Marks the span failed with the kind of the error only.</summary>
    public static void Failed(Activity? activity, ImapError? error)
    {
        if (activity is not null && error is not null)
        {
            activity.SetTag("error.type", error.Kind.ToString());
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}

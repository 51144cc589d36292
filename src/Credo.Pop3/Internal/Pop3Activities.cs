using System.Diagnostics;

namespace Credo.Pop3.Internal;

/// <summary>
/// The <c>Credo.Pop3</c> activity source: a span per session call, named after the POP3 command that does the work
/// (<c>POP3 AUTH</c> for connecting and signing in, <c>POP3 UIDL</c>, <c>POP3 RETR</c>, <c>POP3 DELE</c>, <c>POP3 QUIT</c>).
/// Its tags name the protocol and command only: no host, user or mailbox.
/// </summary>
internal static class Pop3Activities
{
    public static readonly ActivitySource Source = new("Credo.Pop3");

    public static Activity? Start(string command) =>
        Source.StartActivity(ActivityKind.Client, tags: [new("credo.mail.protocol", "POP3"), new("credo.mail.operation", command)], name: "POP3 " + command);

    /// <summary>Marks the span failed with the kind of the error only (its message may name the user).</summary>
    public static void Failed(Activity? activity, Pop3Error? error)
    {
        if (activity is not null && error is not null)
        {
            activity.SetTag("error.type", error.Kind.ToString());
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}

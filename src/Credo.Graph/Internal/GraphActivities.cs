using System.Diagnostics;

namespace Credo.Graph.Internal;

/// <summary>
/// The <c>Credo.Graph</c> activity source: a span per Microsoft Graph request, named after the request (<c>Graph
/// delta</c>, <c>Graph $value</c>, <c>Graph $batch</c>, else what it does: <c>Graph mark read</c>, <c>Graph get folder</c>...),
/// the wait for the mailbox's request slots included. Never the mailbox, the URL or the answer.
/// </summary>
internal static class GraphActivities
{
    public static readonly ActivitySource Source = new("Credo.Graph");

    public static Activity? Start(string operation, Uri uri)
    {
        var request = uri.AbsolutePath.EndsWith("/$batch", StringComparison.Ordinal) ? "$batch"
            : uri.AbsolutePath.EndsWith("/$value", StringComparison.Ordinal) ? "$value"
            : operation;
        var activity = Source.StartActivity("Graph " + request, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("credo.mail.protocol", "Graph");
            activity.SetTag("credo.mail.operation", request);
            if (request != operation)
            {
                activity.SetTag("credo.mail.action", operation);
            }
        }

        return activity;
    }

    public static void Failed(Activity? activity, GraphError? error)
    {
        if (activity is not null && error is not null)
        {
            activity.SetTag("error.type", error.Kind.ToString());
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}

using System.Diagnostics;

namespace Credo.OAuth.Internal;

/// <summary>
/// The <c>Credo.OAuth</c> activity source: a span per token request (<c>credo.oauth.token.request</c>) with its result
/// and the token endpoint's host. Never the client id, secret, scope or token.
/// </summary>
internal static class OAuthActivities
{
    public static readonly ActivitySource Source = new("Credo.OAuth");

    public static Activity? StartTokenRequest(Uri tokenEndpoint)
    {
        var activity = Source.StartActivity("credo.oauth.token.request", ActivityKind.Client);
        activity?.SetTag("server.address", tokenEndpoint.Host);
        return activity;
    }

    public static void Finished(Activity? activity, string result)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("credo.oauth.result", result);
        if (result != "success")
        {
            activity.SetTag("error.type", result);
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}

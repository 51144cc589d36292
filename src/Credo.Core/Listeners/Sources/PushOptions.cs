namespace Credo.Core.Listeners.Sources;

/// <summary>
/// Where mail servers that push (Microsoft Graph change notifications) reach Credo. Bound from <c>Credo:PublicUrl</c>;
/// without it, listeners only poll.
/// </summary>
public sealed class PushOptions
{
    /// <summary>The configuration key.</summary>
    public const string Key = "Credo:PublicUrl";

    /// <summary>
    /// Credo's public address, at which Microsoft Graph posts to <c>/hooks/graph</c> and <c>/hooks/graph/lifecycle</c>:
    /// https, or http on a loopback host (the sandbox and tests). None by default: no push.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>Why <paramref name="url"/> cannot be the public address, or null when it can.</summary>
    public static string? Problem(Uri? url) =>
        url is null ? null
        : !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            ? $"{Key} must be an absolute https address at which Microsoft Graph reaches Credo, such as https://credo.example.com."
        : url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback
            ? $"{Key} is {url.GetLeftPart(UriPartial.Authority)}: Microsoft Graph posts change notifications only to https; http is allowed for a loopback host alone (the sandbox, tests)."
        : !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment)
            ? $"{Key} must be an address without query or fragment; Credo adds /hooks/graph to it."
        : null;

    /// <summary>The address Graph posts change notifications to.</summary>
    public Uri? NotificationUrl => Hook("hooks/graph");

    /// <summary>The address Graph posts lifecycle events to.</summary>
    public Uri? LifecycleUrl => Hook("hooks/graph/lifecycle");

    private Uri? Hook(string path) => PublicUrl is null ? null : new Uri(new Uri(PublicUrl.AbsoluteUri.TrimEnd('/') + "/"), path);
}

namespace Credo.Core.Listeners.Sources;

/// <summary>The server a listener connects to and sends its token to.</summary>
/// <param name="Key">The setting that names it (<c>url</c>, <c>host</c>).</param>
/// <param name="Host">Its host.</param>
/// <param name="Port">Its port.</param>
/// <param name="Plain">Whether the connection is not encrypted (http, or IMAP without TLS): the outbound guard allows that only to loopback.</param>
public sealed record ServerAddress(string Key, string Host, int Port, bool Plain)
{
    /// <summary>The address as a URL the outbound guard can check, or null while the host is not one a URL can hold.</summary>
    public Uri? ToUri() =>
        Uri.TryCreate($"{(Plain ? "http" : "https")}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}/", UriKind.Absolute, out var url) ? url : null;

    /// <summary>The server a URL setting names, or null while it is not an absolute URL.</summary>
    public static ServerAddress? OfUrl(ProtocolValues values, string key)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Uri.TryCreate(values[key], UriKind.Absolute, out var url) ? new(key, url.IdnHost, url.Port, url.Scheme == Uri.UriSchemeHttp) : null;
    }

    /// <summary><c>host:port</c>.</summary>
    public override string ToString() => $"{Host}:{Port}";
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Credo.OAuth;

/// <summary>
/// The hosts a credential's tokens may be sent to: listed (<c>host</c>, <c>host:port</c> or <c>*.domain</c>), or derived from
/// the scopes when none are listed (<c>https://graph.microsoft.com/.default</c> → <c>graph.microsoft.com</c>, any
/// <c>https://HOST/...</c> scope → <c>HOST</c>). A token for every mailbox of a tenant goes to these hosts and nowhere else.
/// </summary>
public sealed class ResourceHosts : IEquatable<ResourceHosts>
{
    /// <summary>Most hosts a credential may list.</summary>
    public const int MaxHosts = 50;

    private readonly Entry[] _entries;

    private ResourceHosts(Entry[] entries, bool derived)
    {
        _entries = entries;
        Derived = derived;
        Value = string.Join(' ', entries.Select(e => e.Text));
    }

    /// <summary>Whether the hosts come from the scopes rather than from a list.</summary>
    public bool Derived { get; }

    /// <summary>The hosts, normalized, separated by single spaces; empty when none.</summary>
    public string Value { get; }

    /// <summary>Whether there is no host at all (scopes that name none, such as <c>Mail.Read</c>).</summary>
    public bool IsEmpty => _entries.Length == 0;

    /// <summary>
    /// The effective hosts of a credential: <paramref name="listed"/> when it names any (checked when saved), else those
    /// derived from <paramref name="scopes"/>.
    /// </summary>
    public static ResourceHosts Of(string? listed, ScopeSet scopes) =>
        string.IsNullOrWhiteSpace(listed) ? FromScopes(scopes) : Parse(listed);

    /// <summary>The hosts the scopes name: the host of each <c>https://HOST/...</c> (or <c>http://</c>) scope.</summary>
    public static ResourceHosts FromScopes(ScopeSet scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var entries = scopes.Tokens
            .Select(s => Uri.TryCreate(s, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Host.Length > 0 ? new Entry(Normalize(uri.Host), null, false) : null)
            .OfType<Entry>()
            .DistinctBy(e => e.Text)
            .ToArray();
        return new ResourceHosts(entries, derived: true);
    }

    /// <summary>Parses a list; throws <see cref="FormatException"/> with the reason when it is not valid.</summary>
    public static ResourceHosts Parse(string text) =>
        TryParse(text, out var hosts, out var error) ? hosts : throw new FormatException(error);

    /// <summary>
    /// Parses a list of hosts separated by spaces, commas or line breaks (<c>mail.contoso.com</c>,
    /// <c>mail.contoso.com:8443</c>, <c>*.contoso.com</c>, <c>[::1]</c>), or explains in <paramref name="error"/> what is wrong.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ResourceHosts? hosts, [NotNullWhen(false)] out string? error)
    {
        hosts = null;
        var parts = (text ?? "").Split([' ', ',', ';', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > MaxHosts)
        {
            error = $"{parts.Length} hosts are listed; list at most {MaxHosts} (a *.domain entry covers many).";
            return false;
        }

        var entries = new List<Entry>(parts.Length);
        foreach (var part in parts)
        {
            if (!TryEntry(part, out var entry))
            {
                error = $"\"{Printable(part)}\" is not a host: write a host name (mail.contoso.com), a host and port (mail.contoso.com:8443), a domain's hosts (*.contoso.com) or an IP address, one per line.";
                return false;
            }

            if (entries.All(e => e.Text != entry.Text))
            {
                entries.Add(entry);
            }
        }

        hosts = new ResourceHosts([.. entries], derived: false);
        error = null;
        return true;
    }

    /// <summary>Whether a token may be sent to <paramref name="host"/> on <paramref name="port"/>.</summary>
    public bool Allows(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = Normalize(host);
        return _entries.Any(e => (e.Port is null || e.Port == port)
            && (e.Wildcard ? name.EndsWith(e.Host, StringComparison.Ordinal) && name.Length > e.Host.Length : name == e.Host));
    }

    /// <summary>Whether a token may be sent to <paramref name="destination"/>.</summary>
    public bool Allows(Uri destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Allows(destination.IdnHost, destination.Port);
    }

    /// <summary>The hosts for a sentence: "outlook.office365.com, *.contoso.com", or "none".</summary>
    public override string ToString() => _entries.Length == 0 ? "none" : string.Join(", ", _entries.Select(e => e.Text));

    /// <inheritdoc />
    public bool Equals(ResourceHosts? other) => other is not null && other.Value == Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ResourceHosts);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);

    private static bool TryEntry(string part, [NotNullWhen(true)] out Entry? entry)
    {
        entry = null;
        var wildcard = part.StartsWith("*.", StringComparison.Ordinal);
        var rest = wildcard ? part[2..] : part;
        int? port = null;
        string host;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !IPAddress.TryParse(rest[1..close], out _))
            {
                return false;
            }

            host = rest[1..close];
            rest = rest[(close + 1)..];
            if (rest.Length > 0 && (!rest.StartsWith(':') || !TryPort(rest[1..], out port)))
            {
                return false;
            }
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            if (colon >= 0 && rest.IndexOf(':', StringComparison.Ordinal) == colon)
            {
                if (!TryPort(rest[(colon + 1)..], out port))
                {
                    return false;
                }

                rest = rest[..colon];
            }

            host = rest;
        }

        var kind = Uri.CheckHostName(host);
        // A wildcard covers one organisation's hosts, never a whole top-level domain (*.com).
        if (kind == UriHostNameType.Unknown || (wildcard && (kind != UriHostNameType.Dns || !host.Trim('.').Contains('.', StringComparison.Ordinal))))
        {
            return false;
        }

        var normalized = Normalize(host);
        var text = (wildcard ? "*." : "") + (normalized.Contains(':', StringComparison.Ordinal) ? $"[{normalized}]" : normalized) + (port is { } p ? ":" + p.ToString(CultureInfo.InvariantCulture) : "");
        entry = new Entry(wildcard ? "." + normalized : normalized, port, wildcard) { Text = text };
        return true;
    }

    private static bool TryPort(string text, out int? port)
    {
        port = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 65535 ? value : null;
        return port is not null;
    }

    // Host names compare without case and without a trailing dot; IP addresses in their canonical form.
    private static string Normalize(string host)
    {
        var trimmed = host.Trim().TrimEnd('.').Trim('[', ']');
        return IPAddress.TryParse(trimmed, out var address) ? address.ToString() : trimmed.ToLowerInvariant();
    }

    private static string Printable(string text) => new([.. text.Take(100).Select(c => char.IsControl(c) ? '?' : c)]);

    private sealed record Entry(string Host, int? Port, bool Wildcard)
    {
        public string Text { get; init; } = Host;
    }
}

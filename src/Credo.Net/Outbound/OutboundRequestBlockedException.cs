namespace Credo.Net.Outbound;

/// <summary>
/// Thrown at connect time when the outbound policy refuses a destination, before any byte is sent.
/// The message names the host and why; it never carries request content.
/// </summary>
public sealed class OutboundRequestBlockedException : Exception
{
    /// <summary>Creates the exception for <paramref name="host"/>.</summary>
    public OutboundRequestBlockedException(string host, string reason)
        : base($"Connection to {host} refused by the outbound policy: {reason}")
    {
        Host = host;
        Reason = reason;
    }

    /// <summary>The host that was refused.</summary>
    public string Host { get; }

    /// <summary>Why it was refused.</summary>
    public string Reason { get; }
}

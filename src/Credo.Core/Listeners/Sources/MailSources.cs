using Credo.Net;

namespace Credo.Core.Listeners.Sources;

/// <summary>The registered mail sources, with their protocols.</summary>
public sealed class MailSources(IEnumerable<IMailSource> sources)
{
    private readonly Dictionary<string, IMailSource> _byProtocol = sources.ToDictionary(s => s.Protocol, StringComparer.OrdinalIgnoreCase);

    /// <summary>The protocol named <paramref name="protocol"/> and its source, or a failure that says none is registered.</summary>
    public Result<(IMailProtocol Protocol, IMailSource Source), MailError> For(string protocol) =>
        MailProtocols.Find(protocol) is { } found && _byProtocol.TryGetValue(found.Name, out var source)
            ? (found, source)
            : new MailError(MailErrorKind.Permanent, $"No mail source handles the protocol {protocol}.", $"Choose {MailProtocols.Names} in the listener's settings.");
}

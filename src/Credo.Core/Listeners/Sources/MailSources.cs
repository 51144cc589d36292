using Credo.Net;

namespace Credo.Core.Listeners.Sources;

/// <summary>The registered mail sources by protocol.</summary>
public sealed class MailSources(IEnumerable<IMailSource> sources)
{
    private readonly Dictionary<MailProtocol, IMailSource> _byProtocol = sources.ToDictionary(s => s.Protocol);

    /// <summary>The source of <paramref name="protocol"/>, or a failure that says none is registered.</summary>
    public Result<IMailSource, MailError> For(MailProtocol protocol) =>
        _byProtocol.TryGetValue(protocol, out var source)
            ? Result.Success(source)
            : new MailError(MailErrorKind.Permanent, $"No mail source handles the protocol {protocol}.", "Choose another protocol in the listener's settings.");
}

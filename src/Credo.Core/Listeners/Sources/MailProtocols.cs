using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Listeners.Sources.Graph;
using Credo.Core.Listeners.Sources.Imap;
using Credo.Core.Listeners.Sources.Pop3;

namespace Credo.Core.Listeners.Sources;

/// <summary>The protocols Credo reads mail with: one line each, the first the default.</summary>
public static class MailProtocols
{
    /// <summary>Every protocol, the default (EWS) first.</summary>
    public static IReadOnlyList<IMailProtocol> All { get; } =
    [
        new EwsProtocol(),
        new GraphProtocol(),
        new ImapProtocol(),
        new Pop3Protocol(),
    ];

    /// <summary>The protocol of existing listeners that name none, and of new ones unless another is chosen.</summary>
    public static IMailProtocol Default => All[0];

    /// <summary>The protocol named <paramref name="name"/> (any case), or null.</summary>
    public static IMailProtocol? Find(string? name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The names, for messages: "EWS, Graph or IMAP".</summary>
    public static string Names => string.Join(", ", All.Take(All.Count - 1).Select(p => p.Name)) + " or " + All[^1].Name;
}

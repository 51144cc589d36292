using Microsoft.Extensions.DependencyInjection;

namespace Credo.Core.Listeners.Sources;

/// <summary>
/// A mail protocol as a module: it describes its settings once (<see cref="Settings"/>), and the console form, the API's
/// JSON, the CLI's flags, the audit log's changed fields, the overview and the token rule are drawn from that
/// description; it checks what the description cannot say, names the server its token goes to, and registers its
/// <see cref="IMailSource"/>. Adding a protocol is a folder under <c>Listeners/Sources/</c> and one line in
/// <see cref="MailProtocols.All"/>.
/// </summary>
public interface IMailProtocol
{
    /// <summary>The name stored, shown and accepted (in any case): <c>EWS</c>, <c>Graph</c>, <c>IMAP</c>.</summary>
    string Name { get; }

    /// <summary>How the console names it: "Microsoft Graph".</summary>
    string Label { get; }

    /// <summary>The Microsoft resource whose tokens it takes (a credential for another is refused).</summary>
    MicrosoftResource Resource { get; }

    /// <summary>Its settings, in the order the form shows them.</summary>
    IReadOnlyList<ProtocolSetting> Settings { get; }

    /// <summary>Whether it has folders (the default); without (POP3), a listener reads its one mailbox as <c>Inbox</c>.</summary>
    bool HasFolders => true;

    /// <summary>What may happen to a mail once recorded: by default every action.</summary>
    IReadOnlyList<AfterProcessing> AfterProcessing => EveryAction;

    /// <summary>Every after-processing action.</summary>
    private static readonly AfterProcessing[] EveryAction = Enum.GetValues<AfterProcessing>();

    /// <summary>Whether a listener with <paramref name="values"/> is to be told of new mail by its server, where Credo can be reached (Credo:PublicUrl); by default not.</summary>
    bool Pushes(ProtocolValues values) => false;

    /// <summary>What is wrong with <paramref name="values"/> beyond each setting's own rules, as (setting key, message); by default nothing.</summary>
    IEnumerable<(string Key, string Message)> Check(ProtocolValues values, bool allowPlain) => [];

    /// <summary>The server a listener with <paramref name="values"/> connects to and sends its token to; null while none is named.</summary>
    ServerAddress? Server(ProtocolValues values);

    /// <summary>Registers its mail source and what the source needs.</summary>
    void Register(IServiceCollection services);
}

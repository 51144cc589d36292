using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Imap;
using Credo.Core.Listeners.Sources.Pop3;

namespace Credo.Core.Tests.Listeners.Sources;

/// <summary>A listener's protocol settings read with their defaults, as the sources and the Resource Hosts check read them.</summary>
public sealed class ProtocolValuesTests
{
    [Theory]
    [InlineData(ImapProtocol.Id, null, 993)]
    [InlineData(ImapProtocol.Id, "Tls", 993)]
    [InlineData(ImapProtocol.Id, "StartTls", 143)]
    [InlineData(ImapProtocol.Id, "starttls", 143)]
    [InlineData(ImapProtocol.Id, "None", 143)]
    [InlineData(Pop3Protocol.Id, null, 995)]
    [InlineData(Pop3Protocol.Id, "Tls", 995)]
    [InlineData(Pop3Protocol.Id, "StartTls", 110)]
    [InlineData(Pop3Protocol.Id, "None", 110)]
    public void A_port_left_empty_is_the_one_that_goes_with_the_chosen_security(string protocol, string? security, int port)
    {
        var values = new ListenerSettings().Set(protocol, "host", "mail.contoso.com").Set(protocol, "security", security).For(MailProtocols.Find(protocol)!);

        Assert.Equal(port, values.Number("port"));
        Assert.Equal(port, values.Protocol.Server(values)!.Port);
    }

    [Fact]
    public void A_port_that_is_given_wins_over_the_securitys_default()
    {
        var values = new ListenerSettings().Set(ImapProtocol.Id, "port", "1143").Set(ImapProtocol.Id, "security", "StartTls").For(MailProtocols.Find(ImapProtocol.Id)!);

        Assert.Equal(1143, values.Number("port"));
    }
}

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Credo.Net.Outbound;

namespace Credo.OAuth.Tests.Outbound;

/// <summary>The socket a mail client connects with, and the words for a failed TLS handshake.</summary>
public sealed class OutboundSocketTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_listening_port_gives_a_connected_socket()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var connected = await OutboundSocket.ConnectAsync([IPAddress.Loopback], "127.0.0.1", port, TimeSpan.FromSeconds(10), Ct);

        Assert.True(connected.Succeeded, connected.Error?.Message);
        using var socket = connected.Value;
        Assert.True(socket.Connected);
        Assert.True(socket.NoDelay);
    }

    [Fact]
    public async Task A_closed_port_is_a_refused_connection_naming_host_and_port()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var connected = await OutboundSocket.ConnectAsync([IPAddress.Loopback], "mail.test", port, TimeSpan.FromSeconds(10), Ct);

        Assert.False(connected.Succeeded);
        Assert.Equal(ConnectionFailureKind.Refused, connected.Error.Kind);
        Assert.Equal($"Cannot connect to mail.test:{port}: the connection was refused.", connected.Error.Message);
        Assert.True(connected.Error.IsPassing);
    }

    [Fact]
    public void A_failed_handshake_names_the_certificate_presented_and_what_was_wrong_or_that_there_was_none()
    {
        var none = new PresentedCertificate();
        var wrong = new PresentedCertificate();
        using var certificate = TestCertificates.Rsa(subject: "CN=mail.contoso.test");
        var accepted = wrong.Validate(replacement: null)(this, certificate, null, SslPolicyErrors.RemoteCertificateChainErrors);

        Assert.False(accepted);
        Assert.Equal("certificate CN=mail.contoso.test, RemoteCertificateChainErrors", wrong.Describe(new IOException("ignored")));
        var described = none.Describe(new IOException("outer", new IOException("the peer closed\u001b[2J the connection")));
        Assert.StartsWith("no certificate (the peer closed", described, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', described);
    }
}

using System.Net;
using System.Net.Sockets;
using Credo.Net.Outbound;
using Credo.OAuth;
using Credo.Pop3.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Credo.Pop3.Tests;

/// <summary>
/// Failures no Dovecot shows: a closed port, destinations refused before anything is sent, and a scripted server that has
/// no UIDL, asks to wait or refuses QUIT.
/// </summary>
public sealed class Pop3SessionFailureTests : IAsyncDisposable
{
    private const string Token = "pop3-test-token-that-must-never-show";
    private readonly ServiceProvider _services;

    public Pop3SessionFailureTests() => _services = Services(_ => { });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    [Fact]
    public async Task A_closed_port_is_a_connection_error_naming_host_and_port()
    {
        var port = ClosedPort();

        var result = await OpenAsync(new Pop3Endpoint("127.0.0.1", port, Pop3Security.None, "box@credo.test", Pop3Sasl.XOAuth2));

        var error = Assert.IsType<Pop3Error>(result.Error);
        Assert.Equal(Pop3ErrorKind.Connection, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Equal($"Cannot connect to 127.0.0.1:{port}: the connection was refused.", error.Message);
        Assert.NotNull(error.Hint);
    }

    [Fact]
    public async Task A_destination_the_token_source_refuses_gets_no_connection_and_no_token_request()
    {
        await using var server = new ScriptedPop3Server(ScriptedPop3Server.SignsIn(1, _ => null));
        var tokens = new CountingTokenSource(new FixedTokenSource(Token, ResourceHosts.Parse("outlook.office365.com")));

        var result = await OpenAsync(new Pop3Endpoint("127.0.0.1", server.Port, Pop3Security.None, "box@credo.test", Pop3Sasl.XOAuth2), tokens);

        var error = Assert.IsType<Pop3Error>(result.Error);
        Assert.Equal(Pop3ErrorKind.Permanent, error.Kind);
        Assert.Contains($"127.0.0.1:{server.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Resource Hosts (outlook.office365.com)", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Hint);
        Assert.Equal(0, tokens.Requests);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task A_host_the_outbound_policy_refuses_gets_no_connection()
    {
        await using var services = Services(o => o.AllowedHosts.Add("pop3.example.test"));
        await using var server = new ScriptedPop3Server(ScriptedPop3Server.SignsIn(1, _ => null));

        var result = await OpenAsync(new Pop3Endpoint("127.0.0.1", server.Port, Pop3Security.None, "box@credo.test", Pop3Sasl.XOAuth2), guard: services.GetRequiredService<OutboundGuard>());

        var error = Assert.IsType<Pop3Error>(result.Error);
        Assert.Equal(Pop3ErrorKind.Permanent, error.Kind);
        Assert.Contains("Credo:Outbound:AllowedHosts", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task A_server_without_uidl_is_a_permanent_error_saying_so()
    {
        await using var server = new ScriptedPop3Server(ScriptedPop3Server.SignsIn(2, _ => null, capabilities: "SASL XOAUTH2\r\n"));
        await using var sut = (await OpenAsync(new Pop3Endpoint("127.0.0.1", server.Port, Pop3Security.None, "box@credo.test", Pop3Sasl.XOAuth2))).Value!;

        var result = await sut.ListAsync(Ct);

        var error = Assert.IsType<Pop3Error>(result.Error);
        Assert.Equal(Pop3ErrorKind.Permanent, error.Kind);
        Assert.Equal($"127.0.0.1:{server.Port} does not support UIDL, so a message cannot be told apart from one read before.", error.Message);
        Assert.Contains("UIDL", server.Commands);
    }

    [Theory]
    [InlineData("-ERR [IN-USE] Mailbox locked by another session")]
    [InlineData("-ERR [SYS/TEMP] Storage unavailable, try later")]
    public async Task A_server_that_asks_to_wait_at_sign_in_is_throttled_not_an_authentication_error(string answer)
    {
        await using var server = new ScriptedPop3Server(ScriptedPop3Server.SignsIn(1, line => line.Length > 20 && !line.Contains(' ', StringComparison.Ordinal) ? answer + "\r\n" : null));
        var tokens = new CountingTokenSource(new FixedTokenSource(Token));

        var result = await OpenAsync(new Pop3Endpoint("127.0.0.1", server.Port, Pop3Security.None, "box@credo.test", Pop3Sasl.XOAuth2), tokens);

        var error = Assert.IsType<Pop3Error>(result.Error);
        Assert.Equal(Pop3ErrorKind.Throttled, error.Kind);
        Assert.Contains(answer["-ERR ".Length..], error.Message, StringComparison.Ordinal);
        Assert.Contains("box@credo.test", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, tokens.Rejected);
        Assert.Equal(1, server.Connections);
    }

    [Fact]
    public async Task A_server_that_refuses_quit_keeps_the_marked_messages_and_the_error_says_so()
    {
        await using var server = new ScriptedPop3Server(ScriptedPop3Server.SignsIn(2, line => line switch
        {
            "DELE 1" or "DELE 2" => "+OK marked\r\n",
            "QUIT" => "-ERR [SYS/PERM] some deleted messages not removed\r\n",
            _ => null,
        }));
        await using var sut = (await OpenAsync(new Pop3Endpoint("127.0.0.1", server.Port, Pop3Security.None, "box@credo.test", Pop3Sasl.OAuthBearer))).Value!;
        Assert.Equal(2, (await sut.DeleteAsync([0, 1], Ct)).Value);

        var result = await sut.QuitAsync(Ct);

        var error = Assert.IsType<Pop3Error>(result.Error);
        Assert.Equal(Pop3ErrorKind.Permanent, error.Kind);
        Assert.Contains("kept the 2 message(s) marked for deletion", error.Message, StringComparison.Ordinal);
        Assert.Contains("[SYS/PERM] some deleted messages not removed", error.Message, StringComparison.Ordinal);
        Assert.Equal(["DELE", "DELE", "QUIT"], server.Commands.SkipWhile(c => c != "DELE"));
    }

    [Fact]
    public async Task A_session_takes_no_command_after_quit()
    {
        await using var server = new ScriptedPop3Server(ScriptedPop3Server.SignsIn(1, _ => null));
        await using var sut = (await OpenAsync(new Pop3Endpoint("127.0.0.1", server.Port, Pop3Security.None, "box@credo.test", Pop3Sasl.XOAuth2))).Value!;
        Assert.Equal(0, (await sut.QuitAsync(Ct)).Value);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => sut.FetchAsync(0, Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => sut.ListAsync(Ct));
    }

    private static ServiceProvider Services(Action<OutboundOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddCredoOutbound();
        services.Configure(configure);
        return services.BuildServiceProvider();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<Credo.Net.Result<Pop3Session, Pop3Error>> OpenAsync(Pop3Endpoint endpoint, IAccessTokenSource? tokens = null, OutboundGuard? guard = null) =>
        Pop3Session.OpenAsync(endpoint, tokens ?? new FixedTokenSource(Token), guard ?? _services.GetRequiredService<OutboundGuard>(), new Pop3Options(), NullLogger.Instance, Ct);
}

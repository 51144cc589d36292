using System.Net.Sockets;
using Credo.Pop3.Internal;
using MailKit;
using MailKit.Net.Pop3;

namespace Credo.Pop3.Tests.Internal;

public sealed class Pop3ErrorsTests
{
    private static readonly Pop3Endpoint Endpoint = new("pop3.example.test", 995, Pop3Security.Tls, "box@example.test", Pop3Sasl.XOAuth2);

    [Theory]
    [InlineData("[IN-USE] Do you have another POP session running?")]
    [InlineData("[SYS/TEMP] Try again later")]
    [InlineData("[LOGIN-DELAY] Minimum time between logins is 300 seconds")]
    [InlineData("[in-use] lower case")]
    public void A_refusal_that_asks_to_wait_is_throttled(string text)
    {
        var sut = Pop3Errors.Refused(Endpoint, "RETR", text, TimeSpan.FromMinutes(5));

        Assert.Equal(Pop3ErrorKind.Throttled, sut.Kind);
        Assert.Equal(TimeSpan.FromMinutes(5), sut.RetryAfter);
        Assert.Contains(text, sut.Message, StringComparison.Ordinal);
        Assert.Contains("box@example.test", sut.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[SYS/PERM] Mailbox corrupt")]
    [InlineData("no such message")]
    [InlineData(null)]
    public void Any_other_refusal_is_permanent_and_names_server_command_and_user(string? text)
    {
        var sut = Pop3Errors.Refused(Endpoint, "RETR", text);

        Assert.Equal(Pop3ErrorKind.Permanent, sut.Kind);
        Assert.False(sut.IsTransient);
        Assert.StartsWith("pop3.example.test:995 refused RETR for box@example.test: ", sut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_text_is_cleaned_of_controls_and_capped()
    {
        var sut = Pop3Errors.Refused(Endpoint, "UIDL", "bad\u001b[31m red\u202Egpj.exe" + new string('x', 1000));

        Assert.DoesNotContain('\u001b', sut.Message);
        Assert.DoesNotContain('\u202E', sut.Message);
        Assert.True(sut.Message.Length < 400);
    }

    [Fact]
    public void A_command_refused_by_the_server_maps_by_its_status_text()
    {
        var sut = Pop3Errors.Map(new Pop3CommandException("RETR failed", "[IN-USE] locked"), Endpoint, "RETR");

        Assert.Equal(Pop3ErrorKind.Throttled, sut?.Kind);
    }

    [Fact]
    public void No_uidl_is_permanent_and_says_why_it_matters()
    {
        var sut = Pop3Errors.Map(new NotSupportedException("The POP3 server does not support the UIDL extension."), Endpoint, "UIDL");

        Assert.Equal(Pop3ErrorKind.Permanent, sut?.Kind);
        Assert.Contains("does not support UIDL", sut?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, "Cannot connect to pop3.example.test:995: the connection was refused.")]
    [InlineData(SocketError.ConnectionReset, "The connection to pop3.example.test:995 was closed before the answer was complete.")]
    [InlineData(SocketError.TimedOut, "Cannot connect to pop3.example.test:995: the connection attempt timed out.")]
    public void Passing_connection_faults_are_connection_errors_worded_once_for_every_client(SocketError code, string message)
    {
        var sut = Pop3Errors.Map(new IOException("failed", new SocketException((int)code)), Endpoint, "RETR");

        Assert.Equal(Pop3ErrorKind.Connection, sut?.Kind);
        Assert.Equal(message, sut?.Message);
    }

    [Fact]
    public void A_host_that_does_not_resolve_is_permanent()
    {
        var sut = Pop3Errors.Map(new SocketException((int)SocketError.HostNotFound), Endpoint, "connect");

        Assert.Equal(Pop3ErrorKind.Permanent, sut?.Kind);
        Assert.Contains("pop3.example.test does not resolve", sut?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timeout_and_a_closed_connection_are_connection_errors()
    {
        Assert.Equal(Pop3ErrorKind.Connection, Pop3Errors.Map(new TimeoutException(), Endpoint, "RETR")?.Kind);
        Assert.Equal(Pop3ErrorKind.Connection, Pop3Errors.Map(new ServiceNotConnectedException(), Endpoint, "RETR")?.Kind);
        Assert.Equal(Pop3ErrorKind.Connection, Pop3Errors.Map(new Pop3ProtocolException("Unexpected response"), Endpoint, "RETR")?.Kind);
    }

    [Fact]
    public void An_exception_no_session_expects_is_left_to_throw()
    {
        Assert.Null(Pop3Errors.Map(new InvalidOperationException(), Endpoint, "RETR"));
        Assert.Null(Pop3Errors.Map(new NotSupportedException(), Endpoint, "RETR"));
    }
}

namespace Credo.Pop3.Tests;

public sealed class Pop3EndpointTests
{
    [Theory]
    [InlineData("pop3.example.test", 995, "pop3.example.test:995")]
    [InlineData("127.0.0.1", 110, "127.0.0.1:110")]
    [InlineData("::1", 110, "[::1]:110")]
    public void Its_text_is_host_and_port_without_the_user(string host, int port, string expected)
    {
        var sut = new Pop3Endpoint(host, port, Pop3Security.Tls, "box@credo.test", Pop3Sasl.XOAuth2);

        Assert.Equal(expected, sut.ToString());
    }

    [Theory]
    [InlineData(Pop3Security.Tls, 995)]
    [InlineData(Pop3Security.StartTls, 110)]
    [InlineData(Pop3Security.None, 110)]
    public void The_default_port_follows_the_security(Pop3Security security, int port) =>
        Assert.Equal(port, Pop3Endpoint.DefaultPort(security));
}

using System.Net;
using System.Net.Sockets;
using Credo.Net;
using Credo.Net.Outbound;
using Credo.OAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.OAuth.Tests.Outbound;

public sealed class OutboundGuardTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public OutboundGuardTests() => _listener.Start();

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose() => _listener.Dispose();

    [Theory]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[fe80::1]/token")]
    [InlineData("https://[fd00:ec2::254]/token")]
    [InlineData("https://[::ffff:169.254.169.254]/token")]
    [InlineData("https://100.100.100.200/latest/meta-data/")]
    [InlineData("https://192.0.0.192/opc/v2/instance/")]
    [InlineData("https://[64:ff9b:1::a9fe:a9fe]/token")]
    [InlineData("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/token")]
    public async Task Link_local_and_metadata_addresses_are_refused(string url)
    {
        var result = await RequestAsync(new Uri(url));

        Assert.Equal(TokenFailureKind.Blocked, result.Error?.Kind);
        Assert.Contains("blocked network", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_name_resolving_to_a_link_local_address_is_refused_before_any_byte_is_sent()
    {
        var resolver = new FixedResolver { ["rebinding.test"] = [IPAddress.Loopback, IPAddress.Parse("169.254.169.254")] };

        var result = await RequestAsync(new Uri($"http://rebinding.test:{Port}/token"), resolver);

        Assert.Equal(TokenFailureKind.Blocked, result.Error?.Kind);
        Assert.Contains("169.254.169.254", result.Error?.Message, StringComparison.Ordinal);
        Assert.False(_listener.Pending(), "A connection reached the listener although the host resolves to a blocked address.");
    }

    [Fact]
    public async Task Host_name_resolving_to_loopback_only_is_allowed_over_http()
    {
        var resolver = new FixedResolver { ["loopback.test"] = [IPAddress.Loopback] };
        await using var server = await LoopbackServer.AnsweringAsync(200, "application/json", """{"access_token":"a","token_type":"Bearer"}""");

        var result = await RequestAsync(new Uri($"http://loopback.test:{server.BaseAddress.Port}/token"), resolver);

        Assert.True(result.Succeeded, result.ToString());
    }

    [Fact]
    public async Task Configured_blocked_networks_are_refused()
    {
        var result = await RequestAsync(new Uri($"http://127.0.0.1:{Port}/token"), configure: o => o.BlockedNetworks.Add("127.0.0.0/8"));

        Assert.Equal(TokenFailureKind.Blocked, result.Error?.Kind);
        Assert.False(_listener.Pending());
    }

    [Fact]
    public async Task Hosts_outside_the_allowed_list_are_refused()
    {
        var result = await RequestAsync(new Uri($"http://127.0.0.1:{Port}/token"), configure: o => o.AllowedHosts.Add("*.microsoftonline.com"));

        Assert.Equal(TokenFailureKind.Blocked, result.Error?.Kind);
        Assert.Contains("AllowedHosts", result.Error?.Message, StringComparison.Ordinal);
        Assert.False(_listener.Pending());
    }

    [Fact]
    public async Task Host_that_does_not_resolve_is_a_name_resolution_failure()
    {
        var result = await RequestAsync(new Uri("https://no-such-host.test/token"), new FixedResolver());

        Assert.Equal(TokenFailureKind.NameResolution, result.Error?.Kind);
    }

    [Fact]
    public async Task Refused_connection_is_a_connection_failure()
    {
        _listener.Stop();

        var result = await RequestAsync(new Uri($"http://127.0.0.1:{Port}/token"));

        Assert.Equal(TokenFailureKind.Connection, result.Error?.Kind);
    }

    [Fact]
    public async Task TLS_handshake_failure_is_a_TLS_failure()
    {
        await using var server = await LoopbackServer.AnsweringAsync(200, "text/plain", "plain http");

        var result = await RequestAsync(new Uri($"https://127.0.0.1:{server.BaseAddress.Port}/token"));

        Assert.Equal(TokenFailureKind.Tls, result.Error?.Kind);
    }

    private static async Task<Result<AccessToken, TokenFailure>> RequestAsync(Uri endpoint, IHostAddressResolver? resolver = null, Action<OutboundOptions>? configure = null)
    {
        await using var services = OAuthServices.Create(s =>
        {
            if (resolver is not null)
            {
                s.AddSingleton(resolver);
            }

            s.Configure(configure ?? (_ => { }));
        });
        return await services.GetRequiredService<ITokenClient>().RequestTokenAsync(OAuthServices.Credentials(endpoint), TestContext.Current.CancellationToken);
    }

    private sealed class FixedResolver : Dictionary<string, IPAddress[]>, IHostAddressResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : throw new SocketException((int)SocketError.HostNotFound);
    }
}

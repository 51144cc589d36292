using System.Net;
using System.Net.Sockets;
using Credo.Net.Outbound;
using Credo.OAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Credo.OAuth.Tests.Outbound;

// The guard is asked directly: none of these addresses is ever connected to, blocked or not.
public sealed class EmbeddedIPv4AddressTests
{
    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("::")]
    [InlineData("::ffff:0.0.0.0")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::169.254.169.254")]
    [InlineData("::0.0.0.0")]
    [InlineData("64:ff9b::169.254.169.254")]
    [InlineData("64:ff9b::a9fe:1")]
    [InlineData("64:ff9b::0.0.0.0")]
    [InlineData("2002:a9fe:a9fe::")]
    [InlineData("2002:a9fe:1:1234:5678::1")]
    [InlineData("2002:0000:0000::1")]
    public async Task Unspecified_addresses_and_IPv6_forms_carrying_a_link_local_or_unspecified_IPv4_address_are_always_refused(string address)
    {
        var refused = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => Guard().ResolveCheckedAsync(address, "https", TestContext.Current.CancellationToken));

        Assert.Contains("blocked network", refused.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::10.1.2.3")]
    [InlineData("64:ff9b::10.1.2.3")]
    [InlineData("64:ff9b::a01:203")]
    [InlineData("2002:a01:203::1")]
    public async Task IPv6_forms_carrying_an_address_of_a_configured_IPv4_network_are_refused(string address)
    {
        var refused = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() =>
            Guard(o => o.BlockedNetworks.Add("10.0.0.0/8")).ResolveCheckedAsync(address, "https", TestContext.Current.CancellationToken));

        Assert.Contains("10.0.0.0/8", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_name_resolving_to_a_NAT64_form_of_the_metadata_address_is_refused()
    {
        var resolver = new FixedResolver { ["nat64.test"] = [IPAddress.Parse("64:ff9b::169.254.169.254")] };

        var refused = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() =>
            Guard(resolver: resolver).ResolveCheckedAsync("nat64.test", "https", TestContext.Current.CancellationToken));

        Assert.Contains("169.254.169.254", refused.Reason, StringComparison.Ordinal);
    }

    // A translated address follows the verdict of the IPv4 address it carries: a public one is allowed.
    [Theory]
    [InlineData("192.0.2.1")]
    [InlineData("::ffff:192.0.2.1")]
    [InlineData("::192.0.2.1")]
    [InlineData("64:ff9b::192.0.2.1")]
    [InlineData("2002:c000:201::1")]
    [InlineData("2002:c000:201::a9fe:a9fe")]
    [InlineData("2001:db8::169.254.169.254")]
    [InlineData("::1")]
    public async Task Look_alikes_carrying_an_allowed_IPv4_address_are_allowed(string address)
    {
        var addresses = await Guard(o => o.BlockedNetworks.Add("10.0.0.0/8")).ResolveCheckedAsync(address, "https", TestContext.Current.CancellationToken);

        Assert.Equal([IPAddress.Parse(address)], addresses);
    }

    // NAT64 local-use and Teredo are refused whole, whatever IPv4 address they carry (here public ones, and Teredo's
    // client address 192.0.2.45 inverted); the metadata addresses outside link-local are refused alone.
    [Theory]
    [InlineData("64:ff9b:1::a9fe:a9fe", "64:ff9b:1::/48", "64:ff9b:2::c000:201")]
    [InlineData("64:ff9b:1:c000:2:100::", "64:ff9b:1::/48", "64:ff9b::c000:201")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001::/32", "2001:1::c000:201")]
    [InlineData("100.100.100.200", "100.100.100.200/32", "100.100.100.201")]
    [InlineData("::ffff:100.100.100.200", "100.100.100.200/32", "::ffff:100.100.100.199")]
    [InlineData("192.0.0.192", "192.0.0.192/32", "192.0.0.193")]
    public async Task Translation_prefixes_and_metadata_addresses_outside_link_local_are_refused_but_not_their_neighbours(string address, string network, string neighbour)
    {
        var sut = Guard();

        var refused = await Assert.ThrowsAsync<OutboundRequestBlockedException>(() => sut.ResolveCheckedAsync(address, "https", TestContext.Current.CancellationToken));
        var allowed = await sut.ResolveCheckedAsync(neighbour, "https", TestContext.Current.CancellationToken);

        Assert.Contains($"blocked network {network}", refused.Reason, StringComparison.Ordinal);
        Assert.Equal([IPAddress.Parse(neighbour)], allowed);
    }

    [Fact]
    public async Task IPv6_loopback_stays_loopback_for_plain_http()
    {
        var addresses = await Guard().ResolveCheckedAsync("[::1]", "http", TestContext.Current.CancellationToken);

        Assert.Equal([IPAddress.IPv6Loopback], addresses);
    }

    [Fact]
    public async Task Token_request_to_the_unspecified_address_never_reaches_a_server_on_this_host()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var services = OAuthServices.Create(s => s.Configure<OutboundOptions>(o =>
        {
            o.AllowHttp = true;
            o.BlockedNetworks.Add("127.0.0.0/8");
        }).Configure<TokenClientOptions>(o => o.Timeout = TimeSpan.FromSeconds(2)));

        var result = await services.GetRequiredService<ITokenClient>().RequestTokenAsync(
            OAuthServices.Credentials(new Uri($"http://0.0.0.0:{port}/token")), TestContext.Current.CancellationToken);

        Assert.Equal(TokenFailureKind.Blocked, result.Error?.Kind);
        Assert.False(listener.Pending(), "A connection to 0.0.0.0 reached the loopback listener although 127.0.0.0/8 is blocked.");
    }

    private static OutboundGuard Guard(Action<OutboundOptions>? configure = null, IHostAddressResolver? resolver = null)
    {
        var options = new OutboundOptions();
        configure?.Invoke(options);
        return new OutboundGuard(Options.Create(options), resolver ?? new FixedResolver(), NullLogger<OutboundGuard>.Instance);
    }

    private sealed class FixedResolver : Dictionary<string, IPAddress[]>, IHostAddressResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : throw new SocketException((int)SocketError.HostNotFound);
    }
}

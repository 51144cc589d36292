using Credo.Server.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Credo.Server.Tests.Security;

/// <summary>The per-address sign-in throttle on its own, on a fake clock.</summary>
public sealed class SignInThrottleTests
{
    private const string Address = "192.0.2.1";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
    private readonly SignInThrottleOptions _options = new() { MaxFailuresPerAddress = 3, AddressWindow = TimeSpan.FromMinutes(15), AddressBlock = TimeSpan.FromMinutes(15) };
    private readonly SignInThrottle _sut;

    public SignInThrottleTests() => _sut = new SignInThrottle(Options.Create(_options), _time, NullLogger<SignInThrottle>.Instance);

    [Fact]
    public void Address_waits_after_its_failures_and_twice_as_long_each_further_time()
    {
        Fail(3);
        Assert.Equal(TimeSpan.FromMinutes(15), _sut.TryBegin(Address));
        Assert.Null(_sut.TryBegin("192.0.2.2"));

        _time.Advance(TimeSpan.FromMinutes(15));
        Fail(3);
        Assert.Equal(TimeSpan.FromMinutes(30), _sut.TryBegin(Address));

        _time.Advance(TimeSpan.FromMinutes(30));
        Fail(3);
        Assert.Equal(TimeSpan.FromMinutes(60), _sut.TryBegin(Address));
    }

    [Fact]
    public void Wait_is_at_most_a_day()
    {
        for (var i = 0; i < 12; i++)
        {
            Fail(3);
            var wait = _sut.TryBegin(Address);
            Assert.NotNull(wait);
            Assert.True(wait <= SignInThrottle.MaxBlock, $"{wait}");
            _time.Advance(wait.Value);
        }

        Fail(3);
        Assert.Equal(SignInThrottle.MaxBlock, _sut.TryBegin(Address));
    }

    [Fact]
    public void Concurrent_attempts_from_one_address_cannot_pass_its_limit()
    {
        var allowed = Enumerable.Range(0, 20).AsParallel().Count(_ => _sut.TryBegin(Address) is null);

        Assert.Equal(_options.MaxFailuresPerAddress, allowed);
    }

    [Fact]
    public void Failures_spread_beyond_the_window_are_not_held_against_the_address()
    {
        Fail(2);
        _time.Advance(_options.AddressWindow);
        Fail(2);

        Assert.Null(_sut.TryBegin(Address));
    }

    [Fact]
    public void Success_lets_the_address_start_afresh()
    {
        Fail(2);
        Assert.Null(_sut.TryBegin(Address));
        _sut.Succeeded(Address);

        Fail(2);
        Assert.Null(_sut.TryBegin(Address));
    }

    [Theory]
    [InlineData("2001:db8:1:2:aaaa::1", "2001:db8:1:2:bbbb::2", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1", true)]
    public void Addresses_of_one_IPv6_network_share_a_throttle(string first, string second, bool shared)
    {
        static string Key(string address) =>
            ClientAddress.ThrottleKey(System.Net.IPAddress.Parse(address) is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : System.Net.IPAddress.Parse(address));

        Assert.Equal(shared, Key(first) == Key(second));
    }

    private void Fail(int times)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.Null(_sut.TryBegin(Address));
            _sut.Failed(Address);
        }
    }
}

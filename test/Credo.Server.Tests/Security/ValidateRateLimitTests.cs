using System.Security.Claims;
using Credo.Server.Security;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Credo.Server.Tests.Security;

/// <summary>The per-user limit of Validate runs on its own, on a fake clock.</summary>
public sealed class ValidateRateLimitTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
    private readonly ValidateRateLimit _sut;

    public ValidateRateLimitTests() => _sut = new ValidateRateLimit(Options.Create(new ValidateRateLimitOptions()), _time);

    [Fact]
    public void Ten_runs_a_minute_go_ahead_and_the_eleventh_waits_for_the_end_of_the_window()
    {
        var user = Console("user-1");
        for (var i = 0; i < 10; i++)
        {
            Assert.Null(_sut.TryAcquire(user));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(TimeSpan.FromSeconds(50), _sut.TryAcquire(user));
        _time.Advance(TimeSpan.FromSeconds(50));
        Assert.Null(_sut.TryAcquire(user));
    }

    [Fact]
    public void Each_user_and_each_api_key_has_its_own_runs()
    {
        var first = Console("user-1");
        for (var i = 0; i < 10; i++)
        {
            Assert.Null(_sut.TryAcquire(first));
        }

        Assert.NotNull(_sut.TryAcquire(first));
        Assert.Null(_sut.TryAcquire(Console("user-2")));
        Assert.Null(_sut.TryAcquire(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "user-1")], CredoPolicies.ApiKeyScheme))));
    }

    [Fact]
    public void Concurrent_runs_of_one_user_cannot_pass_the_limit()
    {
        var user = Console("user-1");

        var allowed = Enumerable.Range(0, 50).AsParallel().Count(_ => _sut.TryAcquire(user) is null);

        Assert.Equal(10, allowed);
    }

    [Fact]
    public void The_refusal_says_how_many_runs_in_what_time_and_when_to_try_again() =>
        Assert.Equal("Validate was run 10 times within a minute, the most one user may; try again in 13 s.", _sut.Refusal(TimeSpan.FromSeconds(12.2)));

    private static ClaimsPrincipal Console(string id) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id)], CredoPolicies.CookieScheme));
}

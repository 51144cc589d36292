using System.Diagnostics.Metrics;
using Credo.Net;
using Credo.OAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Credo.OAuth.Tests;

public sealed class TokenCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Token_is_requested_once_for_1000_concurrent_callers_on_a_cold_key()
    {
        await using var harness = await Harness.StartAsync(_time);
        var (endpoint, sut, credentials, key) = harness;
        endpoint.Hold();

        var calls = new Task<Result<AccessToken, TokenFailure>>[1000];
        Parallel.For(0, calls.Length, i => calls[i] = sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken).AsTask());
        await endpoint.Arrived.WaitAsync(TestContext.Current.CancellationToken);
        endpoint.Release();
        var results = await Task.WhenAll(calls);

        Assert.Equal(1, endpoint.Requests);
        Assert.All(results, r => Assert.Equal("token-1", r.Value?.Value));
        Assert.Single(results.Select(r => r.Value).Distinct());
    }

    [Fact]
    public async Task Cache_hit_completes_synchronously_without_allocating()
    {
        await using var harness = await Harness.StartAsync(_time);
        var (endpoint, sut, credentials, key) = harness;
        await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
        await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            var pending = sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
            Assert.True(pending.IsCompletedSuccessfully);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Refresh_ahead_of_expiry_sends_one_request_while_every_caller_keeps_the_valid_token()
    {
        await using var harness = await Harness.StartAsync(_time);
        var (endpoint, sut, credentials, key) = harness;
        var first = await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);

        // Lifetime 3600 s, RefreshBefore 60 s: from 3540 s on the token is renewed ahead of expiry.
        _time.Advance(TimeSpan.FromSeconds(3541));
        endpoint.Hold();
        for (var i = 0; i < 100; i++)
        {
            var pending = sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
            Assert.True(pending.IsCompletedSuccessfully, "A caller waited although the cached token was still valid.");
            Assert.Same(first.Value, (await pending).Value);
        }

        await endpoint.Arrived.WaitAsync(TestContext.Current.CancellationToken);
        endpoint.Release();
        var renewed = await EventuallyAsync(sut, key, credentials, "token-2");

        Assert.Equal(2, endpoint.Requests);
        Assert.Equal("token-2", renewed.Value);
    }

    [Fact]
    public async Task Expired_token_makes_callers_wait_for_the_one_request_in_flight()
    {
        await using var harness = await Harness.StartAsync(_time);
        var (endpoint, sut, credentials, key) = harness;
        await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);

        _time.Advance(TimeSpan.FromHours(2));
        endpoint.Hold();
        var calls = Enumerable.Range(0, 50).Select(_ => sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken).AsTask()).ToArray();
        Assert.All(calls, c => Assert.False(c.IsCompleted));
        endpoint.Release();
        var results = await Task.WhenAll(calls);

        Assert.Equal(2, endpoint.Requests);
        Assert.All(results, r => Assert.Equal("token-2", r.Value?.Value));
    }

    [Fact]
    public async Task Failure_is_not_cached_as_a_token_and_is_retried_after_the_backoff()
    {
        await using var harness = await Harness.StartAsync(_time);
        var (endpoint, sut, credentials, key) = harness;
        endpoint.Failure = n => n == 1 ? (500, null) : null;

        var failed = await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
        var duringBackoff = await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(1));
        var afterBackoff = await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);

        Assert.False(failed.Succeeded);
        Assert.Same(failed, duringBackoff);
        Assert.Equal("token-2", afterBackoff.Value?.Value);
        Assert.Equal(2, endpoint.Requests);
    }

    [Fact]
    public async Task Backoff_grows_with_each_failure_and_honours_Retry_After()
    {
        await using var harness = await Harness.StartAsync(_time);
        var (endpoint, sut, credentials, key) = harness;
        endpoint.Failure = n => n switch
        {
            1 => (503, "120"),
            <= 3 => (500, null),
            _ => null,
        };

        await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(119));
        await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
        Assert.Equal(1, endpoint.Requests);

        _time.Advance(TimeSpan.FromSeconds(1));
        await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
        Assert.Equal(2, endpoint.Requests);

        // The second failure waits 1 to 2 s, the third 2 to 4 s (InitialBackoff 1 s doubling, equal jitter).
        await AdvanceAndGetAsync(TimeSpan.FromSeconds(0.9));
        Assert.Equal(2, endpoint.Requests);
        await AdvanceAndGetAsync(TimeSpan.FromSeconds(1.2));
        Assert.Equal(3, endpoint.Requests);
        await AdvanceAndGetAsync(TimeSpan.FromSeconds(1.9));
        Assert.Equal(3, endpoint.Requests);
        var result = await AdvanceAndGetAsync(TimeSpan.FromSeconds(2.2));
        Assert.Equal("token-4", result.Value?.Value);

        async Task<Result<AccessToken, TokenFailure>> AdvanceAndGetAsync(TimeSpan by)
        {
            _time.Advance(by);
            return await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Credential_version_change_forces_a_new_token()
    {
        await using var harness = await Harness.StartAsync(_time);
        var (endpoint, sut, credentials, _) = harness;

        var v1 = await sut.GetTokenAsync(TokenCacheKey.For("credential", 1, credentials), credentials, TestContext.Current.CancellationToken);
        var v2 = await sut.GetTokenAsync(TokenCacheKey.For("credential", 2, credentials), credentials, TestContext.Current.CancellationToken);
        var v2Again = await sut.GetTokenAsync(TokenCacheKey.For("credential", 2, credentials), credentials, TestContext.Current.CancellationToken);

        Assert.Equal("token-1", v1.Value?.Value);
        Assert.Equal("token-2", v2.Value?.Value);
        Assert.Same(v2.Value, v2Again.Value);
        Assert.Equal(2, endpoint.Requests);
    }

    [Fact]
    public async Task Rejected_token_is_renewed_but_rejecting_a_replaced_token_changes_nothing()
    {
        await using var harness = await Harness.StartAsync(_time);
        var (endpoint, sut, credentials, key) = harness;
        var first = await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);

        sut.Reject(key, first.Value!);
        var second = await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
        sut.Reject(key, first.Value!);
        var stillSecond = await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);

        Assert.Equal("token-2", second.Value?.Value);
        Assert.Same(second.Value, stillSecond.Value);
        Assert.Equal(2, endpoint.Requests);
    }

    [Fact]
    public async Task Removing_a_credential_drops_its_tokens()
    {
        await using var harness = await Harness.StartAsync(_time);
        var (endpoint, sut, credentials, key) = harness;
        await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);

        sut.Remove("credential");
        var after = await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);

        Assert.Equal("token-2", after.Value?.Value);
    }

    [Fact]
    public async Task Source_that_keeps_its_entry_gets_a_new_token_after_the_credential_is_removed()
    {
        await using var harness = await Harness.StartAsync(_time);
        var (endpoint, sut, credentials, _) = harness;
        var source = new CachedAccessTokenSource(sut, "credential", 1, credentials);

        var first = await source.GetTokenAsync(TestContext.Current.CancellationToken);
        var cached = await source.GetTokenAsync(TestContext.Current.CancellationToken);
        sut.Remove("credential");
        var after = await source.GetTokenAsync(TestContext.Current.CancellationToken);

        Assert.Same(first.Value, cached.Value);
        Assert.Equal("token-2", after.Value?.Value);
        Assert.Equal(2, endpoint.Requests);
    }

    [Fact]
    public async Task Metrics_count_token_requests_by_result_cache_hits_and_waits()
    {
        await using var harness = await Harness.StartAsync(_time);
        var (endpoint, sut, credentials, key) = harness;
        endpoint.Failure = n => n == 1 ? (500, null) : null;
        var meters = harness.Services.GetRequiredService<IMeterFactory>();
        using var requests = new MetricCollector<long>(meters, "Credo.OAuth", "credo.oauth.token.requests");
        using var hits = new MetricCollector<long>(meters, "Credo.OAuth", "credo.oauth.token_cache.hits");
        using var waits = new MetricCollector<long>(meters, "Credo.OAuth", "credo.oauth.token_cache.waits");

        await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromSeconds(5));
        await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
        await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
        await sut.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);

        Assert.Equal(["oauth_error", "success"], requests.GetMeasurementSnapshot().Select(m => (string)m.Tags["result"]!));
        Assert.Equal(2, hits.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(2, waits.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    /// <summary>A token cache on a fake clock in front of a scripted token endpoint, with one credential's key.</summary>
    private sealed class Harness(TokenEndpoint endpoint, ServiceProvider services) : IAsyncDisposable
    {
        public ServiceProvider Services => services;

        private readonly ClientCredentials _credentials = endpoint.Credentials();

        public static async Task<Harness> StartAsync(TimeProvider time) =>
            new(await TokenEndpoint.StartAsync(), OAuthServices.Create(s => s.AddSingleton(time)));

        public void Deconstruct(out TokenEndpoint tokenEndpoint, out ITokenCache cache, out ClientCredentials credentials, out TokenCacheKey key)
        {
            tokenEndpoint = endpoint;
            cache = services.GetRequiredService<ITokenCache>();
            credentials = _credentials;
            key = TokenCacheKey.For("credential", 1, _credentials);
        }

        public async ValueTask DisposeAsync()
        {
            await services.DisposeAsync();
            await endpoint.DisposeAsync();
        }
    }

    private static async Task<AccessToken> EventuallyAsync(ITokenCache cache, TokenCacheKey key, ClientCredentials credentials, string expected)
    {
        while (true)
        {
            var result = await cache.GetTokenAsync(key, credentials, TestContext.Current.CancellationToken);
            if (result.Value?.Value == expected)
            {
                return result.Value;
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}

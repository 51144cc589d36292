using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Net;

namespace Credo.Core.Tests.Listeners.Engine;

public sealed class RequestRetryTests
{
    private static readonly MailError Busy = new(MailErrorKind.Throttled, "busy", RetryAfter: TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Steady_throttling_of_one_request_in_six_never_spends_the_budget()
    {
        using var sut = new RequestRetry(new ListenerOptions { RetriesPerPoll = 5 }, TimeProvider.System, new PollProgress(DateTimeOffset.UnixEpoch), _ => Task.CompletedTask);
        var calls = 0;

        for (var i = 0; i < 500; i++)
        {
            var result = await sut.RunAsync(_ => Task.FromResult<Result<int, MailError>>(++calls % 6 == 0 ? Busy : i), Ct);
            Assert.True(result.Succeeded, $"request {i} failed: {result.Error?.Message}");
        }

        Assert.InRange(sut.Waits, 95, 100);
    }

    [Fact]
    public async Task A_server_refusing_every_other_request_spends_the_budget_and_says_so()
    {
        using var sut = new RequestRetry(new ListenerOptions { RetriesPerPoll = 5 }, TimeProvider.System, new PollProgress(DateTimeOffset.UnixEpoch), _ => Task.CompletedTask);
        var calls = 0;
        Result<int, MailError>? failed = null;

        for (var i = 0; i < 100 && failed is null; i++)
        {
            var result = await sut.RunAsync(_ => Task.FromResult<Result<int, MailError>>(++calls % 2 == 0 ? Busy : i), Ct);
            failed = result.Succeeded ? null : result;
        }

        Assert.NotNull(failed);
        Assert.Contains("kept asking Credo to slow down", failed.Error!.Message, StringComparison.Ordinal);
        Assert.InRange(sut.Waits, 5, 6);
    }

    [Fact]
    public async Task A_refused_connection_is_tried_twice_more_within_ten_seconds_then_ends_the_poll()
    {
        var time = new ObservedTimeProvider();
        var started = time.GetUtcNow();
        var progress = new PollProgress(started);
        using var sut = new RequestRetry(new ListenerOptions(), time, progress, _ => Task.CompletedTask);
        var refused = new MailError(MailErrorKind.Transient, "Cannot connect to mail.example.test:993: the connection was refused.");
        var calls = 0;

        var run = sut.RunAsync(_ => { calls++; return Task.FromResult<Result<int, MailError>>(refused); }, Ct);
        var waited = TimeSpan.Zero;
        for (var i = 0; i < RequestRetry.QuickRetries; i++)
        {
            var wait = await time.NextWaitAsync();
            Assert.Contains("to retry after: Cannot connect to mail.example.test:993", progress.Describe(time.GetUtcNow()), StringComparison.Ordinal);
            waited += wait;
            time.Advance(wait);
        }

        var result = await run.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Same(refused, result.Error);
        Assert.Equal(1 + RequestRetry.QuickRetries, calls);
        Assert.True(waited <= RequestRetry.QuickRetryWindow, $"waited {waited}");
        Assert.Equal(started, sut.FirstFailureAt);
    }

    [Fact]
    public async Task A_passing_fault_that_clears_lets_the_request_go_on()
    {
        var time = new ObservedTimeProvider();
        using var sut = new RequestRetry(new ListenerOptions(), time, new PollProgress(time.GetUtcNow()), _ => Task.CompletedTask);
        var calls = 0;

        var run = sut.RunAsync(_ => Task.FromResult<Result<int, MailError>>(++calls == 1 ? new MailError(MailErrorKind.Transient, "reset") : 7), Ct);
        time.Advance(await time.NextWaitAsync());

        Assert.Equal(7, (await run.WaitAsync(TimeSpan.FromSeconds(30), Ct)).Value);
    }

    [Fact]
    public async Task A_request_that_fails_slowly_is_not_retried_past_the_window()
    {
        var time = new ObservedTimeProvider();
        using var sut = new RequestRetry(new ListenerOptions(), time, new PollProgress(time.GetUtcNow()), _ => Task.CompletedTask);
        var calls = 0;

        // Each attempt takes 9 s before it fails (a connect timeout): after one retry the window of ten seconds is spent.
        var run = sut.RunAsync(_ =>
        {
            calls++;
            time.Advance(TimeSpan.FromSeconds(9));
            return Task.FromResult<Result<int, MailError>>(new MailError(MailErrorKind.Transient, "timed out"));
        }, Ct);
        time.Advance(await time.NextWaitAsync());
        var result = await run.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.False(result.Succeeded);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried()
    {
        using var sut = new RequestRetry(new ListenerOptions(), TimeProvider.System, new PollProgress(DateTimeOffset.UnixEpoch), _ => Task.CompletedTask);
        var calls = 0;

        var result = await sut.RunAsync(_ => { calls++; return Task.FromResult<Result<int, MailError>>(new MailError(MailErrorKind.Permanent, "ErrorAccessDenied")); }, Ct);

        Assert.False(result.Succeeded);
        Assert.Equal(1, calls);
        Assert.Equal(0, sut.Waits);
    }
}

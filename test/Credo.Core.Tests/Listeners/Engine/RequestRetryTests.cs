using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;

namespace Credo.Core.Tests.Listeners.Engine;

public sealed class RequestRetryTests
{
    private static readonly MailError Busy = new(MailErrorKind.Throttled, "busy", RetryAfter: TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Steady_throttling_of_one_request_in_six_never_spends_the_budget()
    {
        using var sut = new RequestRetry(new ListenerOptions { RetriesPerPoll = 5 }, TimeProvider.System, _ => Task.CompletedTask);
        var calls = 0;

        for (var i = 0; i < 500; i++)
        {
            var result = await sut.RunAsync(_ => Task.FromResult(++calls % 6 == 0 ? Busy : MailResult.Of(i)), Ct);
            Assert.True(result.Succeeded, $"request {i} failed: {result.Error?.Message}");
        }

        Assert.InRange(sut.Waits, 95, 100);
    }

    [Fact]
    public async Task A_server_refusing_every_other_request_spends_the_budget_and_says_so()
    {
        using var sut = new RequestRetry(new ListenerOptions { RetriesPerPoll = 5 }, TimeProvider.System, _ => Task.CompletedTask);
        var calls = 0;
        MailResult<int>? failed = null;

        for (var i = 0; i < 100 && failed is null; i++)
        {
            var result = await sut.RunAsync(_ => Task.FromResult(++calls % 2 == 0 ? Busy : MailResult.Of(i)), Ct);
            failed = result.Succeeded ? null : result;
        }

        Assert.NotNull(failed);
        Assert.Contains("retries of this poll are spent", failed.Error!.Message, StringComparison.Ordinal);
        Assert.InRange(sut.Waits, 5, 6);
    }
}

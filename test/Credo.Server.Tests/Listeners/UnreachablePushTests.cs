using Credo.Core.Listeners;
using Credo.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// A Credo:PublicUrl that Microsoft Graph cannot reach (nothing listens there): Graph refuses the subscription after its
/// validation request fails, and the listener is Degraded with Graph's reason while it goes on polling and recording.
/// </summary>
public sealed class UnreachablePushTests(UnreachablePushTests.Fixture server) : IClassFixture<UnreachablePushTests.Fixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_subscription_Graph_refuses_makes_the_listener_Degraded_with_the_reason_and_it_keeps_polling()
    {
        var mailbox = server.Sandbox.Mailboxes.Create($"unreachable-{Guid.NewGuid():N}@sandbox.test");
        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);

        var created = await server.GraphListenerAsync(mailbox.Address, i => i.PollIntervalSeconds = 5);

        EmailListener? listener = null;
        await ListenerServerFixture.EventuallyAsync(
            async () => ListenerHealth.Of(listener = await server.QueryAsync(db => db.EmailListeners.AsNoTracking().SingleAsync(l => l.Id == created.Id, Ct)), TimeProvider.System.GetUtcNow())
                == ListenerStatus.Degraded,
            "the refused subscription makes the listener Degraded");
        var health = ListenerHealth.Describe(listener!, TimeProvider.System.GetUtcNow());
        Assert.Contains("change notifications cannot be set up", health.Summary, StringComparison.Ordinal);
        Assert.Contains("validation", listener!.PushError, StringComparison.OrdinalIgnoreCase);
        Assert.Null(listener.PushSubscriptionId);
        Assert.DoesNotContain(server.Sandbox.Subscriptions.All, s => s.Resource.Contains(mailbox.Address, StringComparison.OrdinalIgnoreCase));

        // Polling goes on: a new mail is recorded at the interval.
        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(created.Id) == 2, "the listener keeps polling and records the new mail");
    }

    /// <summary>The listener server with a Credo:PublicUrl at which nothing listens.</summary>
    public sealed class Fixture : ListenerServerFixture
    {
        private static readonly int ClosedPort = LoopbackPort.Free();

        protected override string[] ExtraArguments => [.. base.ExtraArguments, $"--Credo:PublicUrl=http://127.0.0.1:{ClosedPort}"];
    }
}

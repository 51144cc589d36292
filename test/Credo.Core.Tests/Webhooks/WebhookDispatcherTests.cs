using System.Collections.Concurrent;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Messages;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Credo.Core.Tests.Listeners.Engine;
using Credo.Core.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Credo.Core.Tests.Webhooks;

/// <summary>
/// The webhook dispatcher on a real database of each provider, under fake time, against a Kestrel receiver on loopback:
/// deliveries go out several at a time but never beyond the limit and never one twice at once, the outcomes of a batch
/// are recorded each as its own, and a stop gives back the claims of the calls it cut short.
/// </summary>
public abstract class WebhookDispatcherTests(Func<Task<TestDatabase>> database) : IAsyncLifetime
{
    private const int Limit = 4;
    private readonly string _keys = Directory.CreateTempSubdirectory("credo-keys-").FullName;
    private TestDatabase? _database;
    private CoreServices? _core;
    private LoopbackServer? _receiver;
    private Guid _credentialId;
    private int _inFlight;
    private int _maxInFlight;

    private protected ObservedTimeProvider Time { get; } = new();

    protected CoreServices Core => _core ?? throw new InvalidOperationException("Not started.");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What the receiver does with a request before it answers; by default, nothing.</summary>
    protected Func<HttpContext, Task> Hold { get; set; } = _ => Task.CompletedTask;

    /// <summary>The status the receiver answers a body with; by default 200.</summary>
    protected Func<string, int> Answer { get; set; } = _ => 200;

    /// <summary>Every webhook-id the receiver got, in arrival order, with whether its signature verified.</summary>
    protected ConcurrentQueue<(string Id, bool Verified)> Received { get; } = new();

    protected string Secret { get; } = WebhookSignature.NewSecret();

    protected Uri ReceiverUrl => _receiver!.Url("hooks/mail");

    public async ValueTask InitializeAsync()
    {
        _receiver = await LoopbackServer.StartAsync(ReceiveAsync);
        _database = await database();
        _core = await CoreServices.StartAsync(_database.Options, _keys, services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time));
            services.AddCredoListeners(runInBackground: false);
            services.AddCredoOutboundHttpClient(WebhookDispatcher.HttpClientName);
            services.AddSingleton<WebhookDispatcher>();
            services.Configure<WebhookOptions>(o => o.MaxConcurrentDeliveries = Limit);
        });
        await using var scope = Core.Scope();
        var credential = await Core.Get<CredentialStore>(scope).CreateAsync(new CredentialInput
        {
            Name = "Webhooks", ClientId = "client", ClientSecret = "secret", TokenEndpoint = "https://login.example.test/token", Scopes = "https://outlook.office365.com/.default",
        }, "tests", Ct);
        _credentialId = credential.Value!.Id;
    }

    public async ValueTask DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }

        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task Deliveries_go_out_up_to_the_limit_at_a_time_each_once_and_are_recorded()
    {
        var listener = await ListenerAsync();
        var deliveries = new List<WebhookDelivery>();
        for (var i = 0; i < 6 * Limit; i++)
        {
            deliveries.Add(await RecordAsync(listener));
        }

        // The first calls are held until the limit is in flight at once: a dispatcher that sent one at a time never gets there.
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Hold = _ =>
        {
            if (Volatile.Read(ref _inFlight) >= Limit)
            {
                full.TrySetResult();
            }

            return full.Task.WaitAsync(TimeSpan.FromMinutes(1), Ct);
        };

        var recorded = await DrainAsync();

        Assert.Equal(deliveries.Count, recorded);
        Assert.Equal(Limit, _maxInFlight);
        Assert.Equal(deliveries.Select(d => d.MessageId.ToString()).Order(), Received.Select(r => r.Id).Order());
        Assert.All(Received, r => Assert.True(r.Verified));
        var stored = await QueryAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync(Ct));
        Assert.All(stored, d => Assert.Equal((DeliveryStatus.Delivered, 1, 200, (DateTimeOffset?)null, (DateTimeOffset?)Time.GetUtcNow()),
            (d.Status, d.Attempts, d.LastStatusCode, d.ClaimedUntil, d.DeliveredAt)));
        var attempts = await QueryAsync(db => db.DeliveryAttempts.AsNoTracking().ToListAsync(Ct));
        Assert.Equal(deliveries.Select(d => d.Id).Order(), attempts.Select(a => a.DeliveryId).Order());
        Assert.All(attempts, a => Assert.Equal(200, a.StatusCode));
    }

    [Fact]
    public async Task A_delivery_in_flight_is_claimed_by_nobody_else_and_its_retry_waits_for_its_outcome()
    {
        var listener = await ListenerAsync();
        var delivery = await RecordAsync(listener);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Hold = _ =>
        {
            arrived.TrySetResult();
            return release.Task.WaitAsync(TimeSpan.FromMinutes(1), Ct);
        };
        Answer = _ => 503;

        var draining = DrainAsync();
        await arrived.Task.WaitAsync(TimeSpan.FromMinutes(1), Ct);
        Time.Advance(TimeSpan.FromSeconds(20)); // within the call's timeout (30 s)
        var claimedMeanwhile = await ClaimAsync();
        release.SetResult();
        Assert.Equal(1, await draining);

        Assert.Empty(claimedMeanwhile);
        var stored = await QueryAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(Ct));
        Assert.Equal((DeliveryStatus.Pending, 1, 503, (DateTimeOffset?)null), (stored.Status, stored.Attempts, stored.LastStatusCode, stored.ClaimedUntil));
        Assert.True(stored.NextAttemptAt > Time.GetUtcNow());
        Assert.Empty(await ClaimAsync());
        Time.Advance(stored.NextAttemptAt - Time.GetUtcNow());
        Assert.Equal([delivery.Id], await ClaimAsync());
    }

    [Fact]
    public async Task A_stop_during_a_call_gives_its_claim_back_and_records_no_attempt()
    {
        var listener = await ListenerAsync();
        await RecordAsync(listener);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Hold = context =>
        {
            arrived.TrySetResult();
            return Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
        };
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var draining = DrainAsync(stopping.Token);
        await arrived.Task.WaitAsync(TimeSpan.FromMinutes(1), Ct);
        await stopping.CancelAsync();
        Assert.Equal(0, await draining);

        var stored = await QueryAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(Ct));
        Assert.Equal((DeliveryStatus.Pending, 0, (DateTimeOffset?)null), (stored.Status, stored.Attempts, stored.ClaimedUntil));
        Assert.Equal(0, await QueryAsync(db => db.DeliveryAttempts.CountAsync(Ct)));
    }

    [Fact]
    public async Task Outcomes_recorded_together_keep_each_their_own_status_attempt_and_the_listeners_runs_of_failures()
    {
        var a = await ListenerAsync();
        var b = await ListenerAsync();
        await QueryAsync(db => db.EmailListeners.Where(l => l.Id == b.Id).ExecuteUpdateAsync(u => u
            .SetProperty(l => l.DeliveryFailures, 1).SetProperty(l => l.DeliveryFailingSince, Time.GetUtcNow() - TimeSpan.FromMinutes(1)), Ct));
        var (failedA, deliveredA, goneA, retriedA) = (await RecordAsync(a), await RecordAsync(a), await RecordAsync(a), await RecordAsync(a));
        var (retriedB, deleted) = (await RecordAsync(b), await RecordAsync(b));
        await QueryAsync(db => db.ReceivedMessages.Where(m => m.Id == deleted.MessageId).ExecuteDeleteAsync(Ct));
        Time.Advance(TimeSpan.FromSeconds(3));
        var now = Time.GetUtcNow();
        var later = now + TimeSpan.FromSeconds(5);

        await using (var scope = Core.Scope())
        {
            await new WebhookOutbox(Core.Get<CredoDbContext>(scope)).RecordAsync(
            [
                new(failedA.Id, a.Id, DeliveryStatus.Failed, 500, "HTTP 500", "Database unavailable", now, 12, later),
                new(deliveredA.Id, a.Id, DeliveryStatus.Delivered, 200, null, null, now, 3, later),
                new(goneA.Id, a.Id, DeliveryStatus.Stopped, 410, null, "Gone", now, 4, later),
                new(retriedA.Id, a.Id, DeliveryStatus.Pending, null, "No answer within 30 s.", null, now, 30_000, later),
                new(retriedB.Id, b.Id, DeliveryStatus.Pending, 503, null, null, now, 5, later + TimeSpan.FromSeconds(1)),
                new(deleted.Id, b.Id, DeliveryStatus.Pending, 500, null, null, now, 6, later),
            ], now, Ct);
        }

        var stored = await QueryAsync(db => db.WebhookDeliveries.AsNoTracking().ToDictionaryAsync(d => d.Id, Ct));
        Assert.Equal((DeliveryStatus.Failed, 1, 500, "HTTP 500", "Database unavailable", now, (DateTimeOffset?)null),
            Row(stored[failedA.Id]));
        Assert.Equal((DeliveryStatus.Delivered, 1, 200, null, null, now, now), Row(stored[deliveredA.Id]));
        Assert.Equal((DeliveryStatus.Stopped, 1, 410, null, "Gone", now, null), Row(stored[goneA.Id]));
        Assert.Equal((DeliveryStatus.Pending, 1, null, "No answer within 30 s.", null, later, null), Row(stored[retriedA.Id]));
        Assert.Equal((DeliveryStatus.Pending, 1, 503, null, null, later + TimeSpan.FromSeconds(1), null), Row(stored[retriedB.Id]));
        Assert.False(stored.ContainsKey(deleted.Id));
        Assert.All(stored.Values, d => Assert.Equal((now, (DateTimeOffset?)null), (d.LastAttemptAt!.Value, d.ClaimedUntil)));
        var attempts = await QueryAsync(db => db.DeliveryAttempts.AsNoTracking().ToDictionaryAsync(x => x.DeliveryId, Ct));
        Assert.Equal(5, attempts.Count);
        Assert.Equal((500, "HTTP 500", "Database unavailable", 12), (attempts[failedA.Id].StatusCode, attempts[failedA.Id].Error, attempts[failedA.Id].Answer, attempts[failedA.Id].DurationMs));
        Assert.Equal((null, 30_000), (attempts[retriedA.Id].StatusCode, attempts[retriedA.Id].DurationMs));

        // A: failed, delivered, then two failures: a run of 2 that began now. B: a run of 1 goes on, now 3, since when it began.
        var listeners = await QueryAsync(db => db.EmailListeners.AsNoTracking().ToDictionaryAsync(l => l.Id, l => new { l.DeliveryFailures, l.DeliveryFailingSince }, Ct));
        Assert.Equal((2, (DateTimeOffset?)now), (listeners[a.Id].DeliveryFailures, listeners[a.Id].DeliveryFailingSince));
        Assert.Equal((3, (DateTimeOffset?)(now - TimeSpan.FromMinutes(1) - TimeSpan.FromSeconds(3))), (listeners[b.Id].DeliveryFailures, listeners[b.Id].DeliveryFailingSince));

        static (DeliveryStatus, int, int?, string?, string?, DateTimeOffset, DateTimeOffset?) Row(WebhookDelivery d) =>
            (d.Status, d.Attempts, d.LastStatusCode, d.LastError, d.LastAnswer, d.NextAttemptAt, d.DeliveredAt);
    }

    protected async Task<int> DrainAsync(CancellationToken? stoppingToken = null)
    {
        var sut = Core.Get<WebhookDispatcher>(Core.Scope());
        return await sut.DrainAsync(stoppingToken ?? Ct).WaitAsync(TimeSpan.FromMinutes(2), Ct);
    }

    /// <summary>What another node would claim now.</summary>
    protected async Task<IReadOnlyList<Guid>> ClaimAsync(int max = 10)
    {
        await using var scope = Core.Scope();
        var now = Time.GetUtcNow();
        return await new WebhookOutbox(Core.Get<CredoDbContext>(scope)).ClaimAsync(max, now, now + TimeSpan.FromMinutes(1), Ct);
    }

    protected async Task<T> QueryAsync<T>(Func<CredoDbContext, Task<T>> query)
    {
        await using var scope = Core.Scope();
        return await query(Core.Get<CredoDbContext>(scope));
    }

    protected async Task<EmailListener> ListenerAsync()
    {
        await using var scope = Core.Scope();
        var change = await Core.Get<ListenerService>(scope).CreateAsync(new ListenerInput
        {
            Name = "Listener " + Guid.NewGuid().ToString("N")[..8], Mailbox = "box@example.test", CredentialId = _credentialId, Enabled = false,
            WebhookUrl = ReceiverUrl.ToString(), WebhookSecret = Secret,
        }, "tests", Ct);
        Assert.True(change.Status == ChangeStatus.Done, string.Join("; ", change.Errors.Values));
        return change.Value!;
    }

    /// <summary>Records a mail now with its pending delivery, as the engine does.</summary>
    protected async Task<WebhookDelivery> RecordAsync(EmailListener listener)
    {
        var now = Time.GetUtcNow();
        var message = new ReceivedMessage
        {
            Id = Guid.NewGuid(), ListenerId = listener.Id, DedupeKey = $"<{Guid.NewGuid():N}@example.test>", ItemId = Guid.NewGuid().ToString("N"),
            InternetMessageId = $"<{Guid.NewGuid():N}@example.test>", From = "sender@example.test", To = "to@example.test", Subject = "Hello",
            ReceivedAt = now, Size = 10, Attachments = "[]", BodyPreview = "Hello", Mime = [1, 2, 3], RecordedAt = now,
        };
        var delivery = new WebhookDelivery
        {
            Id = Guid.NewGuid(), MessageId = message.Id, ListenerId = listener.Id, Payload = $$"""{"deliveryId":"{{message.Id}}"}""",
            Status = DeliveryStatus.Pending, CreatedAt = now, NextAttemptAt = now,
        };
        await using var scope = Core.Scope();
        var db = Core.Get<CredoDbContext>(scope);
        db.ReceivedMessages.Add(message);
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(Ct);
        return delivery;
    }

    private async Task ReceiveAsync(HttpContext context, int n)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        try
        {
            int seen;
            while ((seen = Volatile.Read(ref _maxInFlight)) < inFlight && Interlocked.CompareExchange(ref _maxInFlight, inFlight, seen) != seen)
            {
            }

            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(Ct);
            var headers = context.Request.Headers;
            var id = headers["webhook-id"].ToString();
            Received.Enqueue((id, WebhookSignature.Verify(Secret, id, headers["webhook-timestamp"].ToString(), body, headers["webhook-signature"].ToString(),
                Time.GetUtcNow(), TimeSpan.FromMinutes(5))));
            await Hold(context);
            context.Response.StatusCode = Answer(body);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}

using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Messages;
using Credo.Core.Persistence;
using Credo.Core.Retention;
using Credo.Core.Retention.Internal;
using Credo.Core.Tests.Infrastructure;
using Credo.Core.Tests.Listeners.Engine;
using Credo.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using System.Diagnostics.Metrics;

namespace Credo.Core.Tests.Retention;

/// <summary>
/// The retention purge on a real database of each provider, under fake time: what goes when, what never goes, the
/// listener's own setting, batches, metrics, the background schedule, and two purges at once.
/// </summary>
public abstract class RetentionPurgeTests : IAsyncLifetime
{
    private readonly string _keys = Directory.CreateTempSubdirectory("credo-keys-").FullName;
    private CoreServices? _core;
    private Guid _credentialId;

    private protected ObservedTimeProvider Time { get; } = new();

    protected CoreServices Core => _core ?? throw new InvalidOperationException("Not started.");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<DatabaseOptions> CreateDatabaseAsync();

    public async ValueTask InitializeAsync()
    {
        _core = await CoreServices.StartAsync(await CreateDatabaseAsync(), _keys, services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time));
            services.AddCredoRetention();
            services.Configure<RetentionOptions>(o => o.BatchSize = 500);
        });
        await using var scope = Core.Scope();
        var credential = await Core.Get<CredentialStore>(scope).CreateAsync(new CredentialInput
        {
            Name = "Retention", ClientId = "client", ClientSecret = "secret", TokenEndpoint = "https://login.example.test/token", Scopes = "https://outlook.office365.com/.default",
        }, "tests", Ct);
        _credentialId = credential.Value!.Id;
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }

        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task Mime_past_its_age_is_dropped_and_the_metadata_kept()
    {
        var listener = await ListenerAsync();
        var old = await RecordAsync(listener, subject: "Invoice 42", attachments: """[{"name":"invoice.pdf","contentType":"application/pdf","size":1234}]""");
        Time.Advance(TimeSpan.FromDays(29));
        var young = await RecordAsync(listener, subject: "Still here");
        Time.Advance(TimeSpan.FromDays(2));

        var pass = await PurgeAsync();

        Assert.Equal(1, pass.Mime);
        var expired = await MessageAsync(old.Id);
        Assert.Empty(expired.Mime);
        Assert.Equal(Time.GetUtcNow(), expired.ContentExpiredAt);
        Assert.Equal(("Invoice 42", "sender@example.test", "to@example.test", old.Size, old.Attachments, old.BodyPreview, old.InternetMessageId),
            (expired.Subject, expired.From, expired.To, expired.Size, expired.Attachments, expired.BodyPreview, expired.InternetMessageId));
        var kept = await MessageAsync(young.Id);
        Assert.Equal(young.Mime, kept.Mime);
        Assert.Null(kept.ContentExpiredAt);

        // What the console and the .eml download say about it.
        await using var scope = Core.Scope();
        var listed = Assert.Single(await Core.Get<MessageService>(scope).ListAsync(listener.Id, 10, Ct), m => m.Id == old.Id);
        Assert.True(listed.ContentExpired);
        Assert.Equal(
            $"The content of this mail was removed on {Time.GetUtcNow():yyyy-MM-dd} after 30 days (Credo:Retention:MimeDays).",
            ContentExpiry.Describe(expired, listener, new RetentionOptions()));
    }

    [Fact]
    public async Task Pending_deliveries_and_their_records_are_never_purged()
    {
        var listener = await ListenerAsync();
        var pending = await RecordAsync(listener, delivery: DeliveryStatus.Pending);
        var delivered = await RecordAsync(listener, delivery: DeliveryStatus.Delivered);
        Time.Advance(TimeSpan.FromDays(1000));

        var pass = await PurgeAsync();

        Assert.Equal((1, 1), (pass.Records, pass.Deliveries));
        var stillPending = await QueryAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(Ct));
        Assert.Equal((pending.Id, DeliveryStatus.Pending), (stillPending.MessageId, stillPending.Status));
        Assert.Equal([pending.Id], await QueryAsync(db => db.ReceivedMessages.Select(m => m.Id).ToListAsync(Ct)));
        Assert.False(await QueryAsync(db => db.ReceivedMessages.AnyAsync(m => m.Id == delivered.Id, Ct)));
    }

    [Fact]
    public async Task Records_past_their_age_are_deleted_with_their_delivery_history()
    {
        await Configure(o => o.DeliveredWebhookDays = 0);
        var listener = await ListenerAsync();
        await RecordAsync(listener, delivery: DeliveryStatus.Delivered);
        await RecordAsync(listener);
        Time.Advance(TimeSpan.FromDays(300));
        var young = await RecordAsync(listener, delivery: DeliveryStatus.Delivered);
        Time.Advance(TimeSpan.FromDays(66));

        var pass = await PurgeAsync();

        Assert.Equal((2, 0), (pass.Records, pass.Deliveries));
        Assert.Equal([young.Id], await QueryAsync(db => db.ReceivedMessages.Select(m => m.Id).ToListAsync(Ct)));

        // The delivery rule keeps history forever here: the record's delivery went with the record (ON DELETE CASCADE).
        Assert.Equal([young.Id], await QueryAsync(db => db.WebhookDeliveries.Select(d => d.MessageId).ToListAsync(Ct)));
    }

    [Fact]
    public async Task Finished_delivery_history_past_its_age_is_purged_and_the_records_kept()
    {
        var listener = await ListenerAsync();
        await RecordAsync(listener, delivery: DeliveryStatus.Delivered);
        await RecordAsync(listener, delivery: DeliveryStatus.Stopped);
        await RecordAsync(listener, delivery: DeliveryStatus.Failed);
        var pending = await RecordAsync(listener, delivery: DeliveryStatus.Pending);
        Time.Advance(TimeSpan.FromDays(60));
        var recent = await RecordAsync(listener, delivery: DeliveryStatus.Delivered);
        Time.Advance(TimeSpan.FromDays(31));

        var pass = await PurgeAsync();

        Assert.Equal((3, 0), (pass.Deliveries, pass.Records));
        Assert.Equal(
            new[] { pending.Id, recent.Id }.Order(),
            (await QueryAsync(db => db.WebhookDeliveries.Select(d => d.MessageId).ToListAsync(Ct))).Order());
        Assert.Equal(5, await QueryAsync(db => db.ReceivedMessages.CountAsync(Ct)));
    }

    [Fact]
    public async Task Listener_setting_for_keeping_content_overrides_the_default()
    {
        var week = await ListenerAsync(keepContentDays: 7);
        var forever = await ListenerAsync(keepContentDays: 0);
        var byDefault = await ListenerAsync();
        var fromWeek = await RecordAsync(week);
        var fromForever = await RecordAsync(forever);
        var fromDefault = await RecordAsync(byDefault);

        Time.Advance(TimeSpan.FromDays(8));
        Assert.Equal(1, (await PurgeAsync()).Mime);
        Assert.Equal((true, false, false), await ExpiredAsync(fromWeek, fromForever, fromDefault));

        Time.Advance(TimeSpan.FromDays(300));
        Assert.Equal(1, (await PurgeAsync()).Mime);
        Assert.Equal((true, false, true), await ExpiredAsync(fromWeek, fromForever, fromDefault));
        Assert.Equal(fromForever.Mime, (await MessageAsync(fromForever.Id)).Mime);
        Assert.Equal(
            $"The content of this mail was removed on {Time.GetUtcNow() - TimeSpan.FromDays(300):yyyy-MM-dd} after 7 days (the listener's Keep mail content (days)).",
            ContentExpiry.Describe(await MessageAsync(fromWeek.Id), week, new RetentionOptions()));
    }

    [Fact]
    public async Task Purge_works_through_more_rows_than_one_batch()
    {
        await Configure(o => o.BatchSize = 3);
        var listener = await ListenerAsync();
        for (var i = 0; i < 10; i++)
        {
            await RecordAsync(listener, delivery: DeliveryStatus.Delivered);
        }

        Time.Advance(TimeSpan.FromDays(100));
        var pass = await PurgeAsync();

        Assert.Equal((10, 10), (pass.Mime, pass.Deliveries));
        Assert.Equal(0, await QueryAsync(db => db.ReceivedMessages.CountAsync(m => m.ContentExpiredAt == null, Ct)));
    }

    [Fact]
    public async Task Rows_removed_are_counted_by_kind_and_the_database_size_is_reported()
    {
        await using var metricsScope = Core.Scope();
        var meters = Core.Get<IMeterFactory>(metricsScope);
        using var removed = new MetricCollector<long>(meters, RetentionMetrics.MeterName, "credo.retention.removed");
        using var size = new MetricCollector<long>(meters, RetentionMetrics.MeterName, "credo.database.size");
        var listener = await ListenerAsync();
        for (var i = 0; i < 3; i++)
        {
            await RecordAsync(listener, delivery: DeliveryStatus.Delivered);
        }

        await RecordAsync(listener, delivery: DeliveryStatus.Pending);
        Time.Advance(TimeSpan.FromDays(100));
        await RecordAsync(listener);
        Time.Advance(TimeSpan.FromDays(300));

        await PurgeAsync();

        // 400 days: three records with finished deliveries; the record with a pending delivery stays, its content goes, as
        // does the content of the 300-day-old one; the deliveries had gone by their own age first.
        long Sum(string kind) => removed.GetMeasurementSnapshot().Where(m => Equals(m.Tags["kind"], kind)).Sum(m => m.Value);
        Assert.Equal((3L, 3L, 2L), (Sum("delivery"), Sum("record"), Sum("mime")));

        var bytes = await Core.Get<DatabaseSize>(metricsScope).RefreshAsync(Ct);
        size.RecordObservableInstruments();
        Assert.True(bytes > 0);
        Assert.Equal(bytes, size.LastMeasurement?.Value);
    }

    [Fact]
    public async Task Purge_runs_shortly_after_start_and_then_at_each_interval()
    {
        var settings = new RetentionOptions();
        var listener = await ListenerAsync();
        var first = await RecordAsync(listener);
        Time.Advance(TimeSpan.FromDays(31) - settings.FirstRunDelay);
        await using var scope = Core.Scope();
        var sut = scope.ServiceProvider.GetServices<IHostedService>().OfType<RetentionService>().Single();
        await sut.StartAsync(Ct);
        try
        {
            Assert.Equal(settings.FirstRunDelay, await Time.NextWaitAsync());
            var second = await RecordAsync(listener);
            Time.Advance(settings.FirstRunDelay);

            // The next wait begins once the pass is done.
            Assert.Equal(settings.Interval, await Time.NextWaitAsync());
            Assert.Equal((true, false), await ExpiredAsync(first, second));

            Time.Advance(settings.Interval);
            Assert.Equal(settings.Interval, await Time.NextWaitAsync());
            Assert.Equal((true, false), await ExpiredAsync(first, second));

            Time.Advance(TimeSpan.FromDays(30));
            Assert.Equal(settings.Interval, await Time.NextWaitAsync());
            Assert.Equal((true, true), await ExpiredAsync(first, second));
        }
        finally
        {
            await sut.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Two_purges_at_once_remove_each_row_once()
    {
        var listener = await ListenerAsync();
        for (var i = 0; i < 40; i++)
        {
            await RecordAsync(listener, delivery: i % 2 == 0 ? DeliveryStatus.Delivered : null);
        }

        Time.Advance(TimeSpan.FromDays(400));
        await Configure(o => o.BatchSize = 5);

        var passes = await Task.WhenAll(PurgeAsync(), PurgeAsync());

        // Whichever node stood back, the next pass of either finds nothing left.
        var again = await PurgeAsync();
        Assert.Equal((40, 20), (passes.Sum(p => p.Records), passes.Sum(p => p.Deliveries)));
        Assert.Equal(0, again.Total);
        Assert.Equal(0, await QueryAsync(db => db.ReceivedMessages.CountAsync(Ct)));
    }

    private protected async Task<RetentionPass> PurgeAsync()
    {
        await using var scope = Core.Scope();
        return await Core.Get<RetentionPurger>(scope).PurgeAsync(Ct);
    }

    // The purge reads the monitor's current value at each pass; a test changes that instance in place.
    protected async Task Configure(Action<RetentionOptions> change)
    {
        await using var scope = Core.Scope();
        change(Core.Get<Microsoft.Extensions.Options.IOptionsMonitor<RetentionOptions>>(scope).CurrentValue);
    }

    protected async Task<T> QueryAsync<T>(Func<CredoDbContext, Task<T>> query)
    {
        await using var scope = Core.Scope();
        return await query(Core.Get<CredoDbContext>(scope));
    }

    protected Task<ReceivedMessage> MessageAsync(Guid id) => QueryAsync(db => db.ReceivedMessages.AsNoTracking().SingleAsync(m => m.Id == id, Ct));

    protected async Task<EmailListener> ListenerAsync(int? keepContentDays = null)
    {
        await using var scope = Core.Scope();
        var change = await Core.Get<ListenerService>(scope).CreateAsync(new ListenerInput
        {
            Name = "Listener " + Guid.NewGuid().ToString("N")[..8], Mailbox = "box@example.test", CredentialId = _credentialId, KeepContentDays = keepContentDays,
        }, "tests", Ct);
        Assert.True(change.Status == ChangeStatus.Done, string.Join("; ", change.Errors.Values));
        return change.Value!;
    }

    /// <summary>Records a mail now, as the engine does: the message and, with a status, its delivery in one transaction.</summary>
    protected async Task<ReceivedMessage> RecordAsync(
        EmailListener listener, string subject = "Hello", string attachments = "[]", DeliveryStatus? delivery = null, int mimeBytes = 2048)
    {
        var now = Time.GetUtcNow();
        var mime = new byte[mimeBytes];
        Random.Shared.NextBytes(mime);
        var message = new ReceivedMessage
        {
            Id = Guid.NewGuid(), ListenerId = listener.Id, DedupeKey = $"<{Guid.NewGuid():N}@example.test>", ItemId = Guid.NewGuid().ToString("N"),
            InternetMessageId = $"<{Guid.NewGuid():N}@example.test>", From = "sender@example.test", To = "to@example.test", Subject = subject,
            ReceivedAt = now, Size = mimeBytes, Attachments = attachments, BodyPreview = "The first words", Mime = mime, RecordedAt = now,
        };
        await using var scope = Core.Scope();
        var db = Core.Get<CredoDbContext>(scope);
        db.ReceivedMessages.Add(message);
        if (delivery is { } status)
        {
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                Id = Guid.NewGuid(), MessageId = message.Id, ListenerId = listener.Id, Payload = "{}", Status = status, Attempts = status == DeliveryStatus.Pending ? 0 : 1,
                CreatedAt = now, NextAttemptAt = status == DeliveryStatus.Pending ? now : now + TimeSpan.FromSeconds(5),
                DeliveredAt = status == DeliveryStatus.Delivered ? now : null,
            });
        }

        await db.SaveChangesAsync(Ct);
        return message;
    }

    private async Task<(bool, bool)> ExpiredAsync(ReceivedMessage a, ReceivedMessage b) =>
        ((await MessageAsync(a.Id)).ContentExpired, (await MessageAsync(b.Id)).ContentExpired);

    private async Task<(bool, bool, bool)> ExpiredAsync(ReceivedMessage a, ReceivedMessage b, ReceivedMessage c) =>
        ((await MessageAsync(a.Id)).ContentExpired, (await MessageAsync(b.Id)).ContentExpired, (await MessageAsync(c.Id)).ContentExpired);
}

using Credo.Core.Messages;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;

namespace Credo.Core.Tests.Messages;

/// <summary>
/// A listener's received messages a page at a time, on each database: cursor pages that neither skip nor repeat a mail
/// (also among mails recorded at the same instant), search by subject or sender, a date range, and a cursor whose mail is gone.
/// </summary>
public abstract class MessagePagingTests(Func<Task<TestDatabase>> database) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private CoreServices? _core;
    private Guid _listener;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _core = await CoreServices.StartAsync(database);
        _listener = await _core.AddListenerAsync("Paged");
        await using var scope = _core.Scope();

        // 250 mails, recorded five at a time at the same instant (as one page of a poll is), one an hour.
        var db = _core.Get<CredoDbContext>(scope);
        for (var i = 0; i < 250; i++)
        {
            db.ReceivedMessages.Add(new ReceivedMessage
            {
                Id = Guid.NewGuid(), ListenerId = _listener, DedupeKey = $"item:{Guid.NewGuid():N}", ItemId = $"item-{i}",
                Subject = Subject(i), From = i % 100 == 3 ? "Alfred Welker <alfred@contoso.com>" : "someone@example.com",
                RecordedAt = Start.AddHours(i / 5), Mime = [1],
            });
        }

        await db.SaveChangesAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }
    }

    [Fact]
    public async Task Cursor_pages_reach_every_mail_once_newest_first()
    {
        var seen = new List<ReceivedMessage>();
        Guid? before = null;
        do
        {
            // 7 a page: most pages end between mails recorded at the same instant.
            var page = await PageAsync(new MessageQuery { Before = before, Take = 7 });
            Assert.False(page.CursorGone);
            Assert.InRange(page.Messages.Count, 1, 7);
            seen.AddRange(page.Messages);
            before = page.Next;
        }
        while (before is not null);

        Assert.Equal(250, seen.Count);
        Assert.Equal(250, seen.Select(m => m.Id).Distinct().Count());
        Assert.Equal(seen.Select(m => m.RecordedAt).OrderDescending(), seen.Select(m => m.RecordedAt));
        Assert.Equal(Start, seen[^1].RecordedAt);
    }

    [Fact]
    public async Task A_page_can_start_at_one_mail()
    {
        var all = (await PageAsync(new MessageQuery { Take = 1000 })).Messages;

        var page = await PageAsync(new MessageQuery { At = all[123].Id, Take = 3 });

        Assert.Equal(all.Skip(123).Take(3).Select(m => m.Id), page.Messages.Select(m => m.Id));
        Assert.Equal(all[125].Id, page.Next);
    }

    [Theory]
    [InlineData("invoice", 5)] // the subject, regardless of case
    [InlineData("ALFRED", 3)] // the sender
    [InlineData("%", 0)] // matches itself, not everything
    [InlineData("Mail 00", 9)]
    public async Task Search_matches_subject_or_sender(string text, int count)
    {
        var page = await PageAsync(new MessageQuery { Search = text, Take = 1000 });

        Assert.Equal(count, page.Messages.Count);
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task Dates_bound_the_time_recorded_and_combine_with_the_cursor()
    {
        // Hours 10 and 11 of the range: mails 50 to 59.
        var query = new MessageQuery { RecordedFrom = Start.AddHours(10), RecordedBefore = Start.AddHours(12), Take = 6 };
        var first = await PageAsync(query);
        var second = await PageAsync(new MessageQuery { RecordedFrom = query.RecordedFrom, RecordedBefore = query.RecordedBefore, Before = first.Next, Take = 6 });

        Assert.Equal(
            Enumerable.Range(50, 10).Select(Subject).Order(),
            first.Messages.Concat(second.Messages).Select(m => m.Subject!).Order());
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task A_cursor_whose_mail_is_gone_says_so()
    {
        var page = await PageAsync(new MessageQuery { Before = Guid.NewGuid() });

        Assert.True(page.CursorGone);
        Assert.Empty(page.Messages);
    }

    private static string Subject(int i) => i % 50 == 7 ? $"Invoice {i:D3}" : $"Mail {i:D3}";

    private async Task<MessagePage> PageAsync(MessageQuery query)
    {
        await using var scope = _core!.Scope();
        return await _core.Get<MessageService>(scope).PageAsync(_listener, query, Ct);
    }
}

/// <summary>On SQLite.</summary>
public sealed class SqliteMessagePagingTests() : MessagePagingTests(TestDatabase.SqliteAsync);

/// <summary>On PostgreSQL.</summary>
public sealed class PostgreSqlMessagePagingTests() : MessagePagingTests(TestDatabase.PostgreSqlAsync);

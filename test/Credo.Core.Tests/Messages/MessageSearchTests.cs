using Credo.Core.Messages;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Tests.Messages;

/// <summary>
/// Searches that the newest mail cannot answer, so that they go through the search index (an FTS5 trigram table on SQLite,
/// a pg_trgm index on PostgreSQL): more mail than <see cref="MessageSearch.ScanFirst"/>, a few old matches. The index finds
/// them regardless of ASCII case (text beyond ASCII as typed), keeps to the listener and the dates, pages by cursor, forgets deleted mail,
/// and stays right after SQLite's VACUUM renumbers rows.
/// </summary>
public abstract class MessageSearchTests(Func<Task<TestDatabase>> database) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly int[] Rare = [3, 17, 40, 41, 900, MessageSearch.ScanFirst + 1990];
    private CoreServices? _core;
    private Guid _listener;
    private Guid _other;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _core = await CoreServices.StartAsync(database);
        _listener = await _core.AddListenerAsync("Searched");
        _other = await _core.AddListenerAsync("Other");
        await using var scope = _core.Scope();
        var db = _core.Get<CredoDbContext>(scope);
        db.ChangeTracker.AutoDetectChangesEnabled = false;

        // One mail a minute; the rare subject once among the newest ScanFirst, the other times far behind them.
        for (var i = 0; i < MessageSearch.ScanFirst + 2000; i++)
        {
            db.ReceivedMessages.Add(Mail(_listener, i, Rare.Contains(i) ? $"Ärger: Invoice {i}" : $"Order confirmation {i}"));
        }

        db.ReceivedMessages.Add(Mail(_other, 1, "Ärger: Invoice elsewhere"));
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
    public async Task Old_matches_are_found_through_the_index_regardless_of_case_and_paged_by_cursor()
    {
        var first = await PageAsync(new MessageQuery { Search = "iNVOICE", Take = 2 });
        var second = await PageAsync(new MessageQuery { Search = "iNVOICE", Take = 2, Before = first.Next });
        var third = await PageAsync(new MessageQuery { Search = "iNVOICE", Take = 2, Before = second.Next });

        Assert.Equal(
            Rare.OrderDescending().Select(i => $"Ärger: Invoice {i}"),
            first.Messages.Concat(second.Messages).Concat(third.Messages).Select(m => m.Subject));
        Assert.Null(third.Next);
    }

    [Fact]
    public async Task A_common_word_pages_through_every_match_once()
    {
        var seen = new List<ReceivedMessage>();
        Guid? before = null;
        do
        {
            var page = await PageAsync(new MessageQuery { Search = "ORDER conf", Take = 1000, Before = before });
            seen.AddRange(page.Messages);
            before = page.Next;
        }
        while (before is not null);

        Assert.Equal(MessageSearch.ScanFirst + 2000 - Rare.Length, seen.Select(m => m.Id).Distinct().Count());
        Assert.Equal(seen.Count, seen.Select(m => m.Id).Distinct().Count());
        Assert.All(seen, m => Assert.StartsWith("Order confirmation", m.Subject, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_index_keeps_to_the_dates_asked_for()
    {
        var page = await PageAsync(new MessageQuery { Search = "Ärger: inv", RecordedFrom = Start.AddMinutes(17), RecordedBefore = Start.AddMinutes(41) });

        Assert.Equal(["Ärger: Invoice 40", "Ärger: Invoice 17"], page.Messages.Select(m => m.Subject));
    }

    [Fact]
    public async Task A_phrase_with_quotes_and_a_sender_are_found_as_typed()
    {
        Assert.Equal(["Ärger: Invoice 900"], (await PageAsync(new MessageQuery { Search = "invoice 900" })).Messages.Select(m => m.Subject));
        Assert.Single((await PageAsync(new MessageQuery { Search = "sender900@" })).Messages);
        Assert.Empty((await PageAsync(new MessageQuery { Search = "\"Ärger\" OR Order" })).Messages);
    }

    [Fact]
    public async Task Deleted_mail_leaves_the_index_and_a_vacuum_keeps_it_right()
    {
        await using (var scope = _core!.Scope())
        {
            var db = _core.Get<CredoDbContext>(scope);
            await db.ReceivedMessages.Where(m => m.ListenerId == _listener && m.Subject == "Ärger: Invoice 17").ExecuteDeleteAsync(Ct);
            await db.ReceivedMessages.Where(m => m.ListenerId == _listener && m.Subject!.StartsWith("Order confirmation 1")).ExecuteDeleteAsync(Ct);
            await db.Database.ExecuteSqlRawAsync("VACUUM", Ct);
        }

        var page = await PageAsync(new MessageQuery { Search = "Ärger" });

        Assert.Equal(Rare.Where(i => i != 17).OrderDescending().Select(i => $"Ärger: Invoice {i}"), page.Messages.Select(m => m.Subject));
    }

    private static ReceivedMessage Mail(Guid listener, int i, string subject) => new()
    {
        Id = Guid.NewGuid(), ListenerId = listener, DedupeKey = $"item:{i:D6}", ItemId = $"item-{i}", Subject = subject,
        From = $"Sender {i} <sender{i}@example.test>", RecordedAt = Start.AddMinutes(i), Mime = [1],
    };

    private protected async Task<T> QueryAsync<T>(Func<CredoDbContext, Task<T>> query)
    {
        await using var scope = _core!.Scope();
        return await query(_core.Get<CredoDbContext>(scope));
    }

    private async Task<MessagePage> PageAsync(MessageQuery query)
    {
        await using var scope = _core!.Scope();
        return await _core.Get<MessageService>(scope).PageAsync(_listener, query, Ct);
    }
}

/// <summary>On SQLite, where triggers keep the index: a later migration that rebuilds the table must create them again.</summary>
public sealed class SqliteMessageSearchTests() : MessageSearchTests(TestDatabase.SqliteAsync)
{
    [Fact]
    public async Task The_triggers_that_keep_the_index_exist_after_every_migration()
    {
        var triggers = await QueryAsync(db => db.Database.SqlQuery<string>($"SELECT name AS Value FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'received_messages'")
            .OrderBy(n => n).ToListAsync(TestContext.Current.CancellationToken));

        Assert.Equal(["received_messages_search_delete", "received_messages_search_insert", "received_messages_search_update"], triggers);
    }
}

/// <summary>On PostgreSQL.</summary>
public sealed class PostgreSqlMessageSearchTests() : MessageSearchTests(TestDatabase.PostgreSqlAsync);

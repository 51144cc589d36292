using Credo.Core.Audit;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;

namespace Credo.Core.Tests.Audit;

/// <summary>The audit log read back a page at a time and filtered, on a real database of each provider.</summary>
public abstract class AuditLogQueryTests(Func<Task<TestDatabase>> database) : IAsyncLifetime
{
    private CoreServices? _core;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _core = await CoreServices.StartAsync(database);
        await using var scope = _core.Scope();
        var audit = _core.Get<AuditLog>(scope);
        audit.Record("alice", "create", "credential", "1", "Exchange Online", "scopes");
        audit.Record("alice", "update", "credential", "1", "Exchange Online", "fields: Scopes, Token Endpoint");
        audit.Record("bob", "create", "listener", "2", "Invoices_100%", null);
        audit.Record("bob", "poll", "listener", "2", "Invoices_100%", null);
        audit.Record("cli", "delete", "credential", "3", "Old one", "owner Émile");
        await _core.Get<CredoDbContext>(scope).SaveChangesAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }
    }

    [Fact]
    public async Task Filters_all_apply_and_text_matches_name_or_details_regardless_of_case_with_its_own_wildcards_literal()
    {
        Assert.Equal(["update", "create"], await ActionsAsync(new AuditQuery { Actor = "alice" }));
        Assert.Equal(["poll", "create"], await ActionsAsync(new AuditQuery { EntityType = "listener" }));
        Assert.Equal(["create"], await ActionsAsync(new AuditQuery { Actor = "bob", Action = "create" }));
        Assert.Equal(["update", "create"], await ActionsAsync(new AuditQuery { Text = "EXCHANGE" }));
        Assert.Equal(["update"], await ActionsAsync(new AuditQuery { Text = "token endpoint" }));
        Assert.Equal(["poll", "create"], await ActionsAsync(new AuditQuery { Text = "_100%" }));
        Assert.Empty(await ActionsAsync(new AuditQuery { Text = "1_0%" }));
        Assert.Empty(await ActionsAsync(new AuditQuery { Actor = "mallory" }));
        Assert.Equal(["delete"], await ActionsAsync(new AuditQuery { Text = "Émile" }));
    }

    [Fact]
    public async Task Pages_follow_each_other_without_a_gap_or_an_overlap()
    {
        var first = await ListAsync(new AuditQuery { Take = 2 });
        var second = await ListAsync(new AuditQuery { Take = 2, Before = first[^1].Id });
        var third = await ListAsync(new AuditQuery { Take = 2, Before = second[^1].Id });

        Assert.Equal(["delete", "poll", "create", "update", "create"], first.Concat(second).Concat(third).Select(e => e.Action));
        Assert.Single(third);
    }

    [Fact]
    public async Task The_choices_are_the_values_the_log_holds()
    {
        await using var scope = _core!.Scope();
        var (actors, actions, types) = await _core.Get<AuditLog>(scope).ChoicesAsync(Ct);

        Assert.Equal(["alice", "bob", "cli"], actors);
        Assert.Equal(["create", "delete", "poll", "update"], actions);
        Assert.Equal(["credential", "listener"], types);
    }

    private async Task<List<string>> ActionsAsync(AuditQuery query) => [.. (await ListAsync(query)).Select(e => e.Action)];

    private async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query)
    {
        await using var scope = _core!.Scope();
        return await _core.Get<AuditLog>(scope).ListAsync(query, Ct);
    }
}

/// <summary>On a SQLite file.</summary>
public sealed class SqliteAuditLogQueryTests() : AuditLogQueryTests(TestDatabase.SqliteAsync);

/// <summary>On a PostgreSQL database.</summary>
public sealed class PostgreSqlAuditLogQueryTests() : AuditLogQueryTests(TestDatabase.PostgreSqlAsync);

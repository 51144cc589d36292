using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Writes the status of polls that succeeded in groups (group commit): each poll hands its outcome over and waits until
/// it is committed; whatever arrives while one group is written goes into the next, as one statement and one commit.
/// An idle poll writes nothing else, so with many listeners one commit (an fsync on SQLite, through its single writer)
/// serves many polls instead of one each. There is no timer: a lone poll waits for its own write only.
/// </summary>
internal sealed class PollStatusWriter(IServiceScopeFactory scopes, IOptionsMonitor<ListenerOptions> options)
{
    // Polls in one statement: the JSON parameter stays small, and a long queue is written in a few statements.
    private const int MaxGroup = 500;

    private readonly ConcurrentQueue<Pending> _queue = new();
    private int _writing;

    /// <summary>
    /// Writes that the poll of <paramref name="listenerId"/> (at <paramref name="version"/>), started at
    /// <paramref name="startedAt"/>, succeeded at <paramref name="endedAt"/> with <paramref name="syncState"/> (kept only
    /// while this node holds the lease and the listener was not saved meanwhile, which may have reset it) and is next due
    /// at <paramref name="next"/> (unless it was made due again since the poll started). Completes once committed; not
    /// cancellable, since the write serves other polls too.
    /// </summary>
    public Task WriteAsync(Guid listenerId, long version, string? syncState, DateTimeOffset startedAt, DateTimeOffset endedAt, DateTimeOffset next)
    {
        var pending = new Pending(new Outcome(listenerId, version, syncState, startedAt.UtcTicks, endedAt.UtcTicks, next.UtcTicks));
        _queue.Enqueue(pending);

        // Whoever finds no write under way starts one, which writes every queued outcome in groups until none is left and
        // then looks at the queue once more after it stopped: an outcome queued meanwhile is never left behind.
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            _ = WriteQueuedAsync();
        }

        return pending.Completion.Task;
    }

    private async Task WriteQueuedAsync()
    {
        do
        {
            try
            {
                while (Take() is { Count: > 0 } group)
                {
                    await WriteGroupAsync(group);
                }
            }
            finally
            {
                Interlocked.Exchange(ref _writing, 0);
            }
        }
        while (!_queue.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0);
    }

    private List<Pending> Take()
    {
        var group = new List<Pending>();
        while (group.Count < MaxGroup && _queue.TryDequeue(out var pending))
        {
            group.Add(pending);
        }

        return group;
    }

    private async Task WriteGroupAsync(List<Pending> group)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            var node = options.CurrentValue.NodeName;
            var outcomes = JsonSerializer.Serialize(group.Select(p => p.Outcome), OutcomeJson.Default.IEnumerableOutcome);
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE email_listeners AS l SET
                        "SyncState" = CASE WHEN l."LeaseOwner" = {node} AND l."Version" = s.version THEN s.state ELSE l."SyncState" END,
                        "LastPollAt" = s.ended, "LastSuccessAt" = s.ended,
                        "LastError" = NULL, "LastErrorHint" = NULL, "LastErrorDetails" = NULL,
                        "ConsecutiveFailures" = 0, "FailingSince" = NULL, "PollStartedAt" = NULL, "PollActivity" = NULL,
                        "NextPollAt" = CASE WHEN l."NextPollAt" > s.started THEN l."NextPollAt" ELSE s.next END
                    FROM jsonb_to_recordset({outcomes}::jsonb) AS s(id uuid, version bigint, state text, started bigint, ended bigint, next bigint)
                    WHERE l."Id" = s.id
                    """);
            }
            else
            {
                // EF Core keeps a Guid in SQLite as upper-case text.
                await db.Database.ExecuteSqlAsync($"""
                    UPDATE email_listeners SET
                        "SyncState" = CASE WHEN email_listeners."LeaseOwner" = {node} AND email_listeners."Version" = s.version THEN s.state ELSE email_listeners."SyncState" END,
                        "LastPollAt" = s.ended, "LastSuccessAt" = s.ended,
                        "LastError" = NULL, "LastErrorHint" = NULL, "LastErrorDetails" = NULL,
                        "ConsecutiveFailures" = 0, "FailingSince" = NULL, "PollStartedAt" = NULL, "PollActivity" = NULL,
                        "NextPollAt" = CASE WHEN email_listeners."NextPollAt" > s.started THEN email_listeners."NextPollAt" ELSE s.next END
                    FROM (SELECT upper(value ->> 'id') AS id, value ->> 'version' AS version, value ->> 'state' AS state, value ->> 'started' AS started,
                                 value ->> 'ended' AS ended, value ->> 'next' AS next
                          FROM json_each({outcomes})) AS s
                    WHERE email_listeners."Id" = s.id
                    """);
            }
        }
        catch (Exception e)
        {
            foreach (var pending in group)
            {
                pending.Completion.TrySetException(e);
            }

            return;
        }

        foreach (var pending in group)
        {
            pending.Completion.TrySetResult();
        }
    }

    /// <summary>A successful poll's outcome, as the statement reads it (times in UTC ticks, as the database keeps them).</summary>
    internal sealed record Outcome(
        [property: JsonPropertyName("id")] Guid Id,
        [property: JsonPropertyName("version")] long Version,
        [property: JsonPropertyName("state")] string? State,
        [property: JsonPropertyName("started")] long Started,
        [property: JsonPropertyName("ended")] long Ended,
        [property: JsonPropertyName("next")] long Next);

    private sealed class Pending(Outcome outcome)
    {
        public Outcome Outcome { get; } = outcome;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

[JsonSerializable(typeof(IEnumerable<PollStatusWriter.Outcome>))]
internal sealed partial class OutcomeJson : JsonSerializerContext;

using System.Collections.Concurrent;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Net;

namespace Credo.Core.Tests.Listeners.Engine;

/// <summary>
/// A mail source that plays a script: pages of item ids by sync state, and answers queued per operation (a throttle, a
/// failure) before the normal ones. It records every call, so tests can see what the engine asked for.
/// </summary>
internal sealed class ScriptedMailSource(MailSourceCapabilities capabilities) : IMailSource
{
    private readonly ConcurrentQueue<MailError> _changesFaults = new();
    private readonly ConcurrentQueue<MailError> _fetchFaults = new();
    private readonly ConcurrentQueue<MailError> _applyFaults = new();

    public string Protocol => Core.Listeners.Sources.Ews.EwsProtocol.Id;

    public MailSourceCapabilities Capabilities => capabilities;

    /// <summary>The pages: from a state (null = the start) to the ids it lists, the next state and whether it is the last.</summary>
    public Dictionary<string, (string[] Ids, string Next, bool Complete)> Pages { get; } = [];

    /// <summary>States that answer "invalid sync state".</summary>
    public HashSet<string> InvalidStates { get; } = [];

    /// <summary>States whose changes always answer with a failure.</summary>
    public Dictionary<string, MailError> FailAt { get; } = [];

    public ConcurrentQueue<string?> ChangesCalls { get; } = new();

    public ConcurrentQueue<string[]> FetchCalls { get; } = new();

    public ConcurrentQueue<string[]> ApplyCalls { get; } = new();

    public void FailNextChanges(MailError error) => _changesFaults.Enqueue(error);

    public void FailNextFetch(MailError error) => _fetchFaults.Enqueue(error);

    public void FailNextApply(MailError error) => _applyFaults.Enqueue(error);

    public Task<Result<MailChanges, MailError>> ChangesAsync(MailboxTarget mailbox, string? syncState, CancellationToken cancellationToken)
    {
        ChangesCalls.Enqueue(syncState);
        if (_changesFaults.TryDequeue(out var fault) || FailAt.TryGetValue(syncState ?? "", out fault))
        {
            return Task.FromResult<Result<MailChanges, MailError>>(fault);
        }

        if (syncState is not null && InvalidStates.Contains(syncState))
        {
            return Task.FromResult<Result<MailChanges, MailError>>(new MailError(MailErrorKind.InvalidSyncState, "The sync state is no longer valid."));
        }

        var (ids, next, complete) = Pages[syncState ?? ""];
        return Task.FromResult<Result<MailChanges, MailError>>(new MailChanges([.. ids.Select(id => new MailRef(id))], next, complete));
    }

    public Task<Result<IReadOnlyList<MailItem>, MailError>> FetchAsync(MailboxTarget mailbox, IReadOnlyList<MailRef> refs, CancellationToken cancellationToken)
    {
        string[] itemIds = [.. refs.Select(r => r.ItemId)];
        Assert.InRange(itemIds.Length, 1, capabilities.FetchBatchSize);
        FetchCalls.Enqueue([.. itemIds]);
        if (_fetchFaults.TryDequeue(out var fault))
        {
            return Task.FromResult<Result<IReadOnlyList<MailItem>, MailError>>(fault);
        }

        IReadOnlyList<MailItem> items = [.. itemIds.Select(Item)];
        return Task.FromResult<Result<IReadOnlyList<MailItem>, MailError>>(Result.Success(items));
    }

    public Task<Result<bool, MailError>> ApplyAsync(MailboxTarget mailbox, IReadOnlyList<MailItem> items, CancellationToken cancellationToken)
    {
        Assert.InRange(items.Count, 1, capabilities.ApplyBatchSize);
        ApplyCalls.Enqueue([.. items.Select(i => i.ItemId)]);
        return Task.FromResult<Result<bool, MailError>>(_applyFaults.TryDequeue(out var fault) ? fault : true);
    }

    public Task<Result<string, MailError>> TestAsync(MailboxTarget mailbox, CancellationToken cancellationToken) => Task.FromResult<Result<string, MailError>>("scripted");

    private static MailItem Item(string id) => new(
        id, $"<{id}@scripted.test>", "sender@scripted.test", ["box@scripted.test"], [], $"Mail {id}", null, 100, false, false,
        System.Text.Encoding.ASCII.GetBytes($"Message-ID: <{id}@scripted.test>\r\nSubject: Mail {id}\r\n\r\nBody {id}\r\n"));
}

using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Credo.Sandbox.Ews;

/// <summary>
/// An in-memory mailbox: well-known folders, subfolders, messages and per-folder change logs. All access goes
/// through one lock, which is plenty for a sandbox.
/// </summary>
public sealed class SandboxMailbox
{
    private readonly Dictionary<string, SandboxFolder> _folders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxItem> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxItem> _itemsByImmutableId = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly RequestMeter _requests;
    private readonly MailboxChangeFeed _changes;
    private long _sequence;
    private int _graphInFlight;

    internal SandboxMailbox(string address, TimeProvider time, MailboxChangeFeed changes)
    {
        Address = address;
        UserId = UserIdOf(address);
        _time = time;
        _requests = new RequestMeter(time);
        _changes = changes;
        var root = AddFolder("Top of Information Store", null, "msgfolderroot");
        foreach (var (name, distinguished) in new[] { ("Inbox", "inbox"), ("Deleted Items", "deleteditems"), ("Sent Items", "sentitems"), ("Drafts", "drafts"), ("Junk Email", "junkemail"), ("Archive", "archive") })
        {
            AddFolder(name, root.Id, distinguished);
        }
    }

    /// <summary>The SMTP address.</summary>
    public string Address { get; }

    /// <summary>
    /// The user's object id, as Microsoft Graph names a user in the <c>resource</c> of a change notification: a GUID
    /// derived from the address, so it is the same in every run. Graph requests may name the mailbox by it.
    /// </summary>
    public string UserId { get; }

    internal Lock Gate { get; } = new();

    internal FaultQueue Faults { get; } = new();

    /// <summary>Makes the next <see cref="SandboxFault.Count"/> EWS or Graph requests for this mailbox fail as <paramref name="fault"/> says.</summary>
    public void InjectFault(SandboxFault fault) => Faults.Add(fault);

    /// <summary>
    /// Fails one EWS or Graph request in <see cref="SandboxFaultRate.OneIn"/> from now on, until changed or cleared;
    /// <see langword="null"/> or <c>OneIn</c> 0 turns it off. Setting a rate starts its numbering anew. Every request
    /// that names the mailbox counts, faulted or not; a fault from <see cref="InjectFault"/> that is due takes
    /// precedence, and the request still counts. An <see cref="SandboxFaultKind.InvalidSyncState"/> rate affects only
    /// <c>SyncFolderItems</c> with a sync state and Graph's delta with a token: when its turn falls on another request,
    /// that request is answered normally.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><c>OneIn</c> is negative.</exception>
    public void SetFaultRate(SandboxFaultRate? rate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rate?.OneIn ?? 0, nameof(rate));
        _requests.SetRate(rate);
    }

    /// <summary>The steady fault rate, or <see langword="null"/> when there is none.</summary>
    public SandboxFaultRate? FaultRate => _requests.Rate;

    /// <summary>Drops the faults waiting from <see cref="InjectFault"/> and turns the fault rate off.</summary>
    public void ClearFaults()
    {
        Faults.Clear();
        _requests.SetRate(null);
    }

    /// <summary>The EWS and Graph requests this mailbox received since it was created or <see cref="ResetRequests"/>, as a snapshot.</summary>
    public SandboxRequestCounts Requests => _requests.Snapshot();

    /// <summary>Sets the request counts to zero; the fault rate's numbering goes on.</summary>
    public void ResetRequests() => _requests.Reset();

    /// <summary>Counts a request and takes the fault to answer it with, if any: a queued one first, else the rate's.</summary>
    internal SandboxFault? Arrive(string operation, bool hasSyncState, string protocol = SandboxRequestCounts.Ews)
    {
        var steady = _requests.Arrive(operation, protocol);
        return Faults.Take(operation, hasSyncState)
            ?? (steady is not null && FaultQueue.AppliesTo(steady, operation, hasSyncState) ? steady : null);
    }

    /// <summary>
    /// Counts a request that takes no turn in the fault rate and no injected fault, such as a Graph subscription request
    /// (Graph serves <c>/subscriptions</c> outside the mailbox's throttling).
    /// </summary>
    internal void CountOutsideFaults(string operation, string protocol) => _requests.CountOutsideFaults(operation, protocol);

    /// <summary>Counts a request that was refused before its turn in the fault rate, such as one over a concurrency limit.</summary>
    internal void CountRefused(string operation, string protocol) => _requests.CountRefused(operation, protocol);

    /// <summary>Counts an EWS request of <paramref name="operation"/> as in flight until <see cref="LeaveEws"/>.</summary>
    internal void EnterEws(string operation) => _requests.Enter(operation);

    /// <summary>Ends what <see cref="EnterEws"/> began.</summary>
    internal void LeaveEws() => _requests.Leave();

    /// <summary>Counts a request that was answered with an injected fault.</summary>
    internal void CountFaulted() => _requests.CountFaulted();

    /// <summary>The Graph requests being answered now, as Exchange Online counts them for its <c>MailboxConcurrency</c> limit.</summary>
    internal int GraphRequestsInFlight => Volatile.Read(ref _graphInFlight);

    /// <summary>Takes one of <paramref name="limit"/> places for a Graph request; <see langword="false"/> when all are taken.</summary>
    internal bool TryEnterGraph(int limit)
    {
        if (Interlocked.Increment(ref _graphInFlight) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _graphInFlight);
        return false;
    }

    /// <summary>Gives back the place <see cref="TryEnterGraph"/> took.</summary>
    internal void ExitGraph() => Interlocked.Decrement(ref _graphInFlight);

    /// <summary>The folder with a well-known name, such as <c>inbox</c>.</summary>
    public SandboxFolder WellKnown(string name)
    {
        lock (Gate)
        {
            return _folders.Values.Single(f => f.DistinguishedName == name);
        }
    }

    /// <summary>Creates (or returns) the folder <paramref name="name"/> under <paramref name="parentId"/>.</summary>
    public SandboxFolder CreateFolder(string parentId, string name)
    {
        lock (Gate)
        {
            return _folders.Values.FirstOrDefault(f => f.ParentId == parentId && string.Equals(f.DisplayName, name, StringComparison.OrdinalIgnoreCase))
                ?? AddFolder(name, parentId, null);
        }
    }

    /// <summary>Delivers a message (RFC 5322 bytes) into <paramref name="folderId"/>.</summary>
    public SandboxItem Deliver(byte[] mime, string folderId)
    {
        ArgumentNullException.ThrowIfNull(mime);
        MimeMessage message;
        using (var stream = new MemoryStream(mime, writable: false))
        {
            message = MimeMessage.Load(stream);
        }

        var item = new SandboxItem
        {
            Id = NewId(),
            ImmutableId = NewId(),
            ChangeKey = NewId(),
            FolderId = folderId,
            Mime = mime,
            Subject = message.Subject,
            InternetMessageId = message.MessageId is { Length: > 0 } id ? "<" + id + ">" : null,
            From = message.From.Mailboxes.FirstOrDefault() is { } from ? (from.Name, from.Address) : null,
            To = [.. message.To.Mailboxes.Select(m => ((string?)m.Name, m.Address))],
            Cc = [.. message.Cc.Mailboxes.Select(m => ((string?)m.Name, m.Address))],
            DateTimeReceived = _time.GetUtcNow(),
            HasAttachments = message.Attachments.Any(),
            BodyPreview = Preview(message.TextBody),
        };
        lock (Gate)
        {
            RequireFolder(folderId);
            _items.Add(item.Id, item);
            _itemsByImmutableId.Add(item.ImmutableId, item);
            Log(folderId, SandboxChangeKind.Create, item);
        }

        return item;
    }

    /// <summary>The messages of a folder, oldest first.</summary>
    public IReadOnlyList<SandboxItem> ItemsIn(string folderId)
    {
        lock (Gate)
        {
            return [.. _items.Values.Where(i => i.FolderId == folderId).OrderBy(i => i.DateTimeReceived).ThenBy(i => i.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>The folders, as a snapshot.</summary>
    public IReadOnlyList<SandboxFolder> Folders
    {
        get
        {
            lock (Gate)
            {
                return [.. _folders.Values];
            }
        }
    }

    internal SandboxFolder? FindFolder(string id) => _folders.GetValueOrDefault(id);

    internal SandboxItem? FindItem(string id) => _items.GetValueOrDefault(id);

    /// <summary>The folder with a well-known name, in any case; call under <see cref="Gate"/>.</summary>
    internal SandboxFolder? FindWellKnown(string name) =>
        _folders.Values.FirstOrDefault(f => string.Equals(f.DistinguishedName, name, StringComparison.OrdinalIgnoreCase));

    internal SandboxItem? FindItemByImmutableId(string id) => _itemsByImmutableId.GetValueOrDefault(id);

    internal IEnumerable<SandboxFolder> ChildrenOf(string id) => _folders.Values.Where(f => f.ParentId == id);

    internal int Count(string folderId, bool unreadOnly) => _items.Values.Count(i => i.FolderId == folderId && (!unreadOnly || !i.IsRead));

    internal long Sequence => _sequence;

    internal void SetRead(SandboxItem item, bool isRead)
    {
        if (item.IsRead == isRead)
        {
            return;
        }

        item.IsRead = isRead;
        item.ChangeKey = NewId();
        Log(item.FolderId, SandboxChangeKind.ReadFlagChange, item);
    }

    /// <summary>Moves an item; it gets a new id, as in Exchange.</summary>
    internal SandboxItem Move(SandboxItem item, string targetFolderId)
    {
        Log(item.FolderId, SandboxChangeKind.Delete, item);
        _items.Remove(item.Id);
        item.Id = NewId();
        item.ChangeKey = NewId();
        item.FolderId = targetFolderId;
        _items.Add(item.Id, item);
        Log(targetFolderId, SandboxChangeKind.Create, item);
        return item;
    }

    /// <summary>Deletes an item for good.</summary>
    internal void Remove(SandboxItem item)
    {
        Log(item.FolderId, SandboxChangeKind.Delete, item);
        _items.Remove(item.Id);
        _itemsByImmutableId.Remove(item.ImmutableId);
    }

    private void Log(string folderId, SandboxChangeKind kind, SandboxItem item)
    {
        _folders[folderId].Changes.Add(new SandboxChange(++_sequence, kind, item.Id, item.IsRead));
        _changes.Publish(this, folderId, kind, item);
    }

    private static string UserIdOf(string address)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(address.ToUpperInvariant()));
        // A version 8 (custom) GUID: it looks like Entra's object ids and says it was made here.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    private SandboxFolder AddFolder(string name, string? parentId, string? distinguished)
    {
        var folder = new SandboxFolder(NewId(), name, parentId, distinguished);
        _folders.Add(folder.Id, folder);
        return folder;
    }

    private void RequireFolder(string folderId)
    {
        if (!_folders.ContainsKey(folderId))
        {
            throw new ArgumentException($"Mailbox {Address} has no folder {folderId}.", nameof(folderId));
        }
    }

    private static string Preview(string? text)
    {
        var collapsed = string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= 255 ? collapsed : collapsed[..255];
    }

    // Ids look like Exchange's: long base64 strings.
    private static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    /// <summary>Describes the mailbox.</summary>
    public override string ToString()
    {
        lock (Gate)
        {
            var text = new StringBuilder(Address);
            foreach (var folder in _folders.Values.Where(f => f.ParentId is not null))
            {
                text.Append($"; {folder.DisplayName}: {Count(folder.Id, false)}");
            }

            return text.ToString();
        }
    }
}

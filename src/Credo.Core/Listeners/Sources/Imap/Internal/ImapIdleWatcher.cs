using System.Collections.Concurrent;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners.Sources.Imap.Internal;

/// <summary>
/// One IDLE connection per listener, started after a poll on this node has caught up and kept beside the pooled one:
/// when the server announces new mail, the engine is asked to poll now. It stops when the listener is disabled, changed
/// or deleted, when another node holds it, when its token expires (the next poll starts a new one), when IDLE fails, and
/// on shutdown; the poll interval stays the fallback throughout.
/// </summary>
internal sealed class ImapIdleWatcher(
    Func<MailboxTarget, CancellationToken, Task<ImapSession>> open,
    IListenerWakeup wakeup,
    IOptionsMonitor<ImapOptions> options,
    TimeProvider time,
    ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, Watcher> _watches = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>IDLE connections open now.</summary>
    public int Count => _watches.Values.Count(w => w.Connected);

    /// <summary>Starts watching the listener unless a watch with the same settings runs already.</summary>
    public void Watch(MailboxTarget mailbox, uint uidValidity, uint listedUpTo)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var key = (ImapEndpoint.Of(mailbox), mailbox.Folder, mailbox.Version);
        if (_watches.TryGetValue(mailbox.ListenerId, out var running) && running.Key == key && !running.Done.IsCancellationRequested)
        {
            return;
        }

        running?.Done.Cancel();
        var watch = new Watcher(key, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
        _watches[mailbox.ListenerId] = watch;
        // The watch outlives the poll that starts it: it must not run inside that poll's trace.
        using (ExecutionContext.SuppressFlow())
        {
            watch.Task = Task.Run(() => RunAsync(mailbox, watch, uidValidity, listedUpTo));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_watches.Values.Select(w => w.Task ?? Task.CompletedTask));
        _stopping.Dispose();
    }

    private async Task RunAsync(MailboxTarget mailbox, Watcher watch, uint uidValidity, uint listedUpTo)
    {
        var stop = watch.Done.Token;
        var reason = "shutdown";
        try
        {
            using var session = await open(mailbox, stop);
            if (!session.Client.Capabilities.HasFlag(ImapCapabilities.Idle))
            {
                reason = "the server does not offer IDLE";
                return;
            }

            var folder = await session.FolderAsync(mailbox.Folder, stop);
            await folder.OpenAsync(FolderAccess.ReadOnly, stop);
            watch.Connected = true;
            var known = folder.Count;
            using var arrived = new SemaphoreSlim(0);
            CancellationTokenSource? idling = null;
            folder.CountChanged += (_, _) =>
            {
                if (folder.Count > known)
                {
                    arrived.Release();
                    idling?.Cancel();
                }

                known = folder.Count;
            };

            // Mail that came between the poll's search and this SELECT would otherwise wait for the interval.
            if (folder.UidValidity != uidValidity || folder.UidNext is { } next && next.Id > listedUpTo + 1)
            {
                arrived.Release();
            }

            while (!stop.IsCancellationRequested)
            {
                if (arrived.CurrentCount > 0)
                {
                    while (arrived.CurrentCount > 0)
                    {
                        await arrived.WaitAsync(stop);
                    }

                    Log.IdleNewMail(logger, mailbox.Name);
                    if (!await wakeup.PollNowAsync(mailbox.ListenerId, mailbox.Version, stop))
                    {
                        reason = "the listener is disabled, changed, deleted or held by another node";
                        return;
                    }
                }

                var left = session.Token.ExpiresAt - time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    reason = "its token expired; the next poll starts a new one";
                    return;
                }

                using (idling = CancellationTokenSource.CreateLinkedTokenSource(stop))
                {
                    idling.CancelAfter(left < options.CurrentValue.IdleRestart ? left : options.CurrentValue.IdleRestart);
                    if (arrived.CurrentCount == 0)
                    {
                        await session.Client.IdleAsync(idling.Token, stop);
                    }
                }

                idling = null;
                if (arrived.CurrentCount == 0 && !await wakeup.StillWatchedAsync(mailbox.ListenerId, mailbox.Version, stop))
                {
                    reason = "the listener is disabled, changed, deleted or held by another node";
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (ImapErrors.Map(e, ImapEndpoint.Of(mailbox)) is { } error)
        {
            reason = "failed";
            Log.IdleFailed(logger, mailbox.Name, error.Message);
        }
        finally
        {
            watch.Connected = false;
            await watch.Done.CancelAsync();
            _watches.TryRemove(new KeyValuePair<Guid, Watcher>(mailbox.ListenerId, watch));
            Log.IdleStopped(logger, mailbox.Name, reason);
        }
    }

    private sealed class Watcher((ImapEndpoint, string, long) key, CancellationTokenSource done)
    {
        public (ImapEndpoint Endpoint, string Folder, long Version) Key { get; } = key;

        public CancellationTokenSource Done { get; } = done;

        public Task? Task { get; set; }

        public bool Connected { get; set; }
    }
}

using System.Collections.Concurrent;
using Credo.Imap.Internal;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Imap;

/// <summary>
/// One IDLE connection per key, kept beside the pooled one: when the server announces new mail, the watch's
/// <see cref="ImapWatch.NewMail"/> is called. A watch stops when its owner answers that it is no longer wanted, when its
/// token expires (the owner starts a new one), when IDLE fails, and on shutdown; the owner's polling stays the fallback.
/// </summary>
public sealed class ImapIdleWatcher(ImapConnectionPool connections, IOptionsMonitor<ImapOptions> options, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, Watcher> _watches = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    /// <summary>IDLE connections open now.</summary>
    public int Count => _watches.Values.Count(w => w.Connected);

    /// <summary>Starts <paramref name="watch"/> unless one with the same endpoint, folder and version runs already for its key.</summary>
    public void Watch(ImapWatch watch)
    {
        ArgumentNullException.ThrowIfNull(watch);
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        var key = (watch.Endpoint, watch.Folder, watch.Version);
        if (_watches.TryGetValue(watch.Key, out var running) && running.Key == key && !running.Done.IsCancellationRequested)
        {
            return;
        }

        running?.Done.Cancel();
        var watcher = new Watcher(key, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
        _watches[watch.Key] = watcher;
        // The watch outlives the call that starts it: it must not run inside that call's trace.
        using (ExecutionContext.SuppressFlow())
        {
            watcher.Task = Task.Run(() => RunAsync(watch, watcher));
        }
    }

    /// <summary>Stops every watch and waits for them to close.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(_watches.Values.Select(w => w.Task ?? Task.CompletedTask));
        _stopping.Dispose();
    }

    private async Task RunAsync(ImapWatch watch, Watcher watcher)
    {
        var stop = watcher.Done.Token;
        var reason = "shutdown";
        ImapSession? session = null;
        try
        {
            session = await connections.OpenAsync(watch.Endpoint, watch.Tokens, stop);
            if (!session.Client.Capabilities.HasFlag(ImapCapabilities.Idle))
            {
                reason = "the server does not offer IDLE";
                return;
            }

            var folder = await session.FolderAsync(watch.Folder, stop);
            await folder.OpenAsync(FolderAccess.ReadOnly, stop);
            watcher.Connected = true;
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

            // Mail that came between the last read and this SELECT would otherwise wait for the next poll.
            if (folder.UidValidity != watch.UidValidity || folder.UidNext is { } next && next.Id > watch.ListedUpTo + 1)
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

                    Log.IdleNewMail(logger, watch.Name);
                    if (!await watch.NewMail(stop))
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
                stop.ThrowIfCancellationRequested();
                if (arrived.CurrentCount == 0 && !await watch.StillWanted(stop))
                {
                    reason = "the listener is disabled, changed, deleted or held by another node";
                    return;
                }
            }
        }
        catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException)
        {
            // Stopped: on shutdown the services a last check needs may already be gone.
        }
        catch (Exception e) when (ImapErrors.Map(e, watch.Endpoint) is { } error)
        {
            reason = "failed";
            Log.IdleFailed(logger, watch.Name, error.Message);
        }
        finally
        {
            session?.Close();
            watcher.Connected = false;
            await watcher.Done.CancelAsync();
            _watches.TryRemove(new KeyValuePair<Guid, Watcher>(watch.Key, watcher));
            Log.IdleStopped(logger, watch.Name, reason);
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

using System.Collections.Concurrent;
using Credo.Imap.Internal;
using Credo.Net;
using Credo.Net.Outbound;
using Credo.OAuth;
using MailKit.Net.Imap;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Imap;

/// <summary>
/// Keeps one authenticated IMAP session per key (a mailbox reader, such as a listener) between calls, and runs each call
/// on it, one at a time per key. A session is replaced when the endpoint changes or the token it logged in with expires
/// or is no longer the current one, closed on any failure (a pooled session the server closed meanwhile is retried once
/// on a new one), and closed after <see cref="ImapOptions.PooledConnectionIdleTimeout"/> unused.
/// <para>
/// Between calls the same session can idle (<see cref="Rest"/>): one connection per reader, never a second one. A call
/// ends the IDLE with <c>DONE</c> and runs; new mail (<c>EXISTS</c>) ends it and tells the reader. IDLE is issued again
/// every <see cref="ImapOptions.IdleRestart"/>, the session is reopened with a fresh token before its token expires, and a
/// connection that breaks while idling is reopened with back-off. At most <see cref="ImapOptions.MaxIdleConnections"/>
/// sessions idle at once; the readers beyond wait for their next call.
/// </para>
/// </summary>
public sealed class ImapConnectionPool : IAsyncDisposable, IDisposable
{
    // A session that breaks while idling is reopened after 1 s, doubling up to 5 min (the listeners' own longest back-off).
    private static readonly TimeSpan FirstReconnect = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestReconnect = TimeSpan.FromMinutes(5);

    // The shortest IDLE: one on a session whose token has expired ends at once, and the session is opened again.
    private static readonly TimeSpan MinimumIdle = TimeSpan.FromSeconds(1);

    // The cap's warning is repeated at most this often while it turns listeners away.
    private static readonly TimeSpan CapWarningEvery = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<Guid, PooledConnection> _pool = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly OutboundGuard _guard;
    private readonly IOptionsMonitor<ImapOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _sweeper;
    private readonly Lock _places = new();
    private int _idlePlaces;
    private DateTimeOffset? _capWarnedAt;
    private int _disposed;

    /// <summary>Creates a pool whose sessions connect through <paramref name="guard"/> and log to <paramref name="logger"/>.</summary>
    public ImapConnectionPool(OutboundGuard guard, IOptionsMonitor<ImapOptions> options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _guard = guard;
        _options = options;
        _time = time;
        _logger = logger;
        var sweep = TimeSpan.FromSeconds(Math.Clamp(options.CurrentValue.PooledConnectionIdleTimeout.TotalSeconds / 2, 1, 60));
        _sweeper = time.CreateTimer(_ => _ = SweepAsync(), null, sweep, sweep);
    }

    /// <summary>Sessions open now, idling or not.</summary>
    public int OpenConnections => _pool.Values.Count(p => p.Session is not null);

    /// <summary>Sessions in IDLE now.</summary>
    public int IdleConnections => _pool.Values.Count(p => p.Idling);

    /// <summary>Readers that asked to idle when every IDLE place (<see cref="ImapOptions.MaxIdleConnections"/>) was taken, and poll at their interval.</summary>
    public int OverIdleCap => _pool.Values.Count(p => p.OverCap);

    /// <summary>
    /// Runs <paramref name="call"/> on the session kept for <paramref name="key"/>, opening one if needed, as a span named
    /// after its IMAP <paramref name="command"/>; a session in IDLE leaves it first. What MailKit throws for an expected
    /// failure becomes an <see cref="ImapError"/>; anything else (a bug) is thrown.
    /// </summary>
    public async Task<Result<T, ImapError>> UseAsync<T>(
        Guid key, string command, ImapEndpoint endpoint, IAccessTokenSource tokens, Func<ImapSession, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(call);
        using var activity = ImapActivities.Start(command);
        var pooled = _pool.GetOrAdd(key, _ => new PooledConnection());
        pooled.Waiting(1);
        try
        {
            await StopIdleAsync(pooled);
            await pooled.Lock.WaitAsync(cancellationToken);
        }
        finally
        {
            pooled.Waiting(-1);
        }

        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var reused = false;
                try
                {
                    if (pooled.Session is { } existing && !await UsableAsync(existing, endpoint, tokens, cancellationToken))
                    {
                        pooled.Close();
                    }

                    reused = pooled.Session is not null;
                    pooled.Session ??= await ImapSession.OpenAsync(endpoint, tokens, _guard, _options.CurrentValue, _logger, cancellationToken);
                    var result = await call(pooled.Session, cancellationToken);
                    pooled.Session.LastUsed = _time.GetUtcNow();
                    if (_disposed == 1)
                    {
                        pooled.Close();
                    }

                    return result;
                }
                catch (Exception e) when (ImapErrors.Map(e, endpoint) is { } error && !cancellationToken.IsCancellationRequested)
                {
                    pooled.Close();

                    // A pooled connection the server has closed meanwhile fails at its first command: once more on a new one.
                    if (reused && attempt == 0 && error.Kind == ImapErrorKind.Connection)
                    {
                        continue;
                    }

                    ImapActivities.Failed(activity, error);
                    return error;
                }
                catch
                {
                    pooled.Close();
                    throw;
                }
            }
        }
        finally
        {
            pooled.Lock.Release();
        }
    }

    /// <summary>
    /// The calls of <paramref name="key"/> are over for now (a poll ended). With a <paramref name="watch"/> (the poll caught
    /// up) its session idles on the watch's folder until the next call, if an IDLE place is free; without one, or when the
    /// last call failed (the session is closed), it does not, and a failed reader gives its IDLE place back.
    /// </summary>
    public void Rest(Guid key, ImapWatch? watch)
    {
        if (_disposed == 1 || !_pool.TryGetValue(key, out var pooled))
        {
            return;
        }

        lock (pooled)
        {
            if (pooled.Session is null)
            {
                pooled.OverCap = false;
                GiveBackPlace(pooled);
                return;
            }

            if (watch is null)
            {
                return;
            }

            if (pooled.Idle is { } previous)
            {
                if (!previous.Task.IsCompleted)
                {
                    previous.Watch = watch;
                    return;
                }

                pooled.Idle = null;
                previous.Stop.Dispose();
            }

            if (!TakePlace(pooled, watch))
            {
                return;
            }

            var run = new IdleRun(watch, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
            pooled.Idle = run;

            // The IDLE outlives the poll that starts it: it must not run inside that poll's trace.
            using (ExecutionContext.SuppressFlow())
            {
                run.Task = Task.Run(() => IdleAsync(pooled, run));
            }
        }
    }

    /// <summary>Runs <paramref name="call"/> on a session of its own, closed afterwards (a connection test).</summary>
    public async Task<Result<T, ImapError>> UseOnceAsync<T>(ImapEndpoint endpoint, IAccessTokenSource tokens, Func<ImapSession, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(call);
        ImapSession? session = null;
        try
        {
            session = await ImapSession.OpenAsync(endpoint, tokens, _guard, _options.CurrentValue, _logger, cancellationToken);
            return await call(session, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && ImapErrors.Map(e, endpoint) is { } error)
        {
            return error;
        }
        finally
        {
            session?.Close();
        }
    }

    /// <summary>Closes every session; a container disposed synchronously (a command-line run) must still close them.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Ends every IDLE and closes every session, after the call running on it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _sweeper.DisposeAsync();
        await _stopping.CancelAsync();
        foreach (var pooled in _pool.Values)
        {
            await StopIdleAsync(pooled);
            await pooled.Lock.WaitAsync();
            try
            {
                pooled.Close();
            }
            finally
            {
                pooled.Lock.Release();
            }
        }
    }

    private static async Task StopIdleAsync(PooledConnection pooled)
    {
        if (pooled.Idle is not { } run)
        {
            return;
        }

        try
        {
            await run.Stop.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // Another caller stopped and disposed it meanwhile (shutdown beside a call).
        }

        // A bug in the IDLE is logged where it happens; the call goes on regardless.
        await run.Task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (pooled)
        {
            if (ReferenceEquals(pooled.Idle, run))
            {
                // Linked to the pool's stopping token: one left undisposed would stay registered there for good.
                pooled.Idle = null;
                run.Stop.Dispose();
            }
        }
    }

    // A session serves while it is connected, logged in with the same settings, and its token is still the current one.
    private async Task<bool> UsableAsync(ImapSession session, ImapEndpoint endpoint, IAccessTokenSource tokens, CancellationToken cancellationToken)
    {
        if (!session.Client.IsConnected || !session.Client.IsAuthenticated || session.Endpoint != endpoint || session.Token.ExpiresAt <= _time.GetUtcNow())
        {
            return false;
        }

        var current = await tokens.GetTokenAsync(cancellationToken);
        return current.Succeeded && current.Value.Value == session.Token.Value;
    }

    // A place among the node's IDLE connections: kept by a reader across its polls, so that the cap does not change hands
    // at every poll. Beyond the cap the reader polls at its interval, and an operator learns of it once (then hourly).
    private bool TakePlace(PooledConnection pooled, ImapWatch watch)
    {
        var max = _options.CurrentValue.MaxIdleConnections;
        if (pooled.HasIdlePlace && max > 0)
        {
            return true;
        }

        lock (_places)
        {
            if (max > 0 && _idlePlaces < max)
            {
                _idlePlaces++;
                pooled.HasIdlePlace = true;
                pooled.OverCap = false;
                return true;
            }

            GiveBackPlace(pooled);
            if (max == 0)
            {
                // IDLE is off: polling at the interval is what the operator asked for.
                return false;
            }

            pooled.OverCap = true;
            var now = _time.GetUtcNow();
            if (_capWarnedAt is not { } warned || now - warned >= CapWarningEvery)
            {
                _capWarnedAt = now;
                Log.IdleCapReached(_logger, max, watch.Name);
            }

            Log.IdleOverCap(_logger, watch.Name);
            return false;
        }
    }

    private void GiveBackPlace(PooledConnection pooled)
    {
        lock (_places)
        {
            if (pooled.HasIdlePlace)
            {
                pooled.HasIdlePlace = false;
                _idlePlaces--;
            }
        }
    }

    // IDLE on the pooled session until a call needs it, announcing new mail; reopened with back-off when it breaks.
    private async Task IdleAsync(PooledConnection pooled, IdleRun run)
    {
        var stop = run.Stop.Token;
        var failures = 0;
        var reason = "a poll needs the connection";
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var watch = run.Watch;
                var (outcome, error) = await IdleOnceAsync(pooled, run, stop);
                switch (outcome)
                {
                    case IdleOutcome.Yielded:
                        return;
                    case IdleOutcome.NoIdle:
                        reason = "the server does not offer IDLE; the poll interval stays in force";
                        await GiveUpAsync(pooled, close: false);
                        return;
                    case IdleOutcome.NewMail:
                        failures = 0;
                        Log.IdleNewMail(_logger, watch.Name);
                        if (!await watch.NewMail(_stopping.Token))
                        {
                            reason = "the listener is disabled, changed, deleted or held by another node";
                            await GiveUpAsync(pooled, close: true);
                            return;
                        }

                        break;
                    case IdleOutcome.Restart:
                        failures = 0;
                        if (!await watch.StillWanted(_stopping.Token))
                        {
                            reason = "the listener is disabled, changed, deleted or held by another node";
                            await GiveUpAsync(pooled, close: true);
                            return;
                        }

                        break;
                    case IdleOutcome.Failed when error!.Kind == ImapErrorKind.Permanent:
                        // A refused login or a folder that is gone: the next poll says why; idling again would only hammer the server.
                        reason = "failed: " + error.Message;
                        await GiveUpAsync(pooled, close: false);
                        return;
                    case IdleOutcome.Failed:
                        failures++;
                        var wait = Backoff.Delay(failures, FirstReconnect, LongestReconnect, error!.RetryAfter);
                        Log.IdleFailed(_logger, watch.Name, error.Message, wait);
                        await Task.Delay(wait, _time, stop);
                        break;
                }
            }
        }
        catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException)
        {
            // Stopped for a call or on shutdown: on shutdown the services a last check needs may already be gone.
        }
        catch (ObjectDisposedException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A bug: the reader polls at its interval, as without IDLE.
            reason = "failed unexpectedly";
            Log.IdleBroken(_logger, run.Watch.Name, e);
            await GiveUpAsync(pooled, close: true);
        }
        finally
        {
            pooled.Idling = false;
            Log.IdleStopped(_logger, run.Watch.Name, _stopping.IsCancellationRequested ? "shutdown" : reason);
        }
    }

    // Stops idling for good: the reader gives its place back (and, when it is gone, its connection).
    private async Task GiveUpAsync(PooledConnection pooled, bool close)
    {
        GiveBackPlace(pooled);
        if (close && await pooled.Lock.WaitAsync(0))
        {
            try
            {
                pooled.Close();
            }
            finally
            {
                pooled.Lock.Release();
            }
        }
    }

    // One IDLE command, under the key's lock: (re)opens the session if it is gone, broken or its token is about to expire.
    private async Task<(IdleOutcome Outcome, ImapError? Error)> IdleOnceAsync(PooledConnection pooled, IdleRun run, CancellationToken stop)
    {
        var watch = run.Watch;
        var options = _options.CurrentValue;
        await pooled.Lock.WaitAsync(stop);
        try
        {
            if (pooled.CallsWaiting || stop.IsCancellationRequested)
            {
                return (IdleOutcome.Yielded, null);
            }

            var session = pooled.Session;
            if (session is not null && (!session.Client.IsConnected || !session.Client.IsAuthenticated || session.Endpoint != watch.Endpoint || TokenEnding(session, run)))
            {
                Log.IdleReopening(_logger, watch.Name, session.Client.IsConnected ? "its token is about to expire" : "the server closed it");
                pooled.Close();
                session = null;
            }

            var reopened = session is null;
            if (session is null)
            {
                session = await ImapSession.OpenAsync(watch.Endpoint, watch.Tokens, _guard, options, _logger, stop);
                pooled.Session = session;
                run.Opened = session;
            }

            if (!session.Client.Capabilities.HasFlag(ImapCapabilities.Idle))
            {
                return (IdleOutcome.NoIdle, null);
            }

            var folder = await session.SelectAsync(watch.Folder, refresh: false, stop);
            session.LastUsed = _time.GetUtcNow();

            // Mail that came after the poll listed the folder (or, on a reopened connection, above what it listed) would
            // otherwise wait for the next poll.
            if (session.Arrived > 0
                || (reopened && (folder.UidValidity != watch.UidValidity || folder.UidNext is { } next && next.Id > watch.ListedUpTo + 1)))
            {
                session.Arrived = 0;
                return (IdleOutcome.NewMail, null);
            }

            // A token source may hand out its current token once more while it fetches the next one: a session just opened
            // with a token that is about to expire idles until the token expires, then is opened again.
            var renewIn = RenewIn(session);
            if (renewIn <= TimeSpan.Zero)
            {
                renewIn = session.Token.ExpiresAt - _time.GetUtcNow();
            }

            var wait = renewIn < options.IdleRestart ? renewIn : options.IdleRestart;
            using var restart = new CancellationTokenSource(wait > MinimumIdle ? wait : MinimumIdle, _time);
            using var idling = CancellationTokenSource.CreateLinkedTokenSource(stop, restart.Token);

            // A server that does not answer DONE must not hold the connection (and the calls waiting for it) forever.
            using var abort = new CancellationTokenSource();
            using var ending = idling.Token.Register(() => abort.CancelAfter(options.CommandTimeout));
            session.OnArrival = () => idling.Cancel();
            pooled.Idling = true;
            try
            {
                if (session.Arrived == 0)
                {
                    await session.Client.IdleAsync(idling.Token, abort.Token);
                }
            }
            finally
            {
                pooled.Idling = false;
                session.OnArrival = null;
            }

            session.LastUsed = _time.GetUtcNow();
            if (session.Arrived > 0)
            {
                session.Arrived = 0;
                return (IdleOutcome.NewMail, null);
            }

            return (stop.IsCancellationRequested ? IdleOutcome.Yielded : IdleOutcome.Restart, null);
        }
        catch (Exception e) when (!stop.IsCancellationRequested && ImapErrors.Map(e, watch.Endpoint) is { } error)
        {
            pooled.Close();
            return (IdleOutcome.Failed, error);
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Cancelled while opening or in IDLE: the session's state is unknown, so the call opens a new one.
            pooled.Close();
            return (IdleOutcome.Yielded, null);
        }
        finally
        {
            pooled.Lock.Release();
        }
    }

    // How long the session's token serves before the session is reopened with a fresh one: a server may drop a session
    // whose token has expired. The token cache renews tokens a minute (at most half their life) before they expire, so
    // a session reopened half a minute (at most a quarter of the life) before logs in with the next token.
    private TimeSpan RenewIn(ImapSession session)
    {
        var token = session.Token;
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, Math.Max(token.Lifetime.Ticks / 4, 0)));
        return token.ExpiresAt - margin - _time.GetUtcNow();
    }

    // Time to open the session again with a fresh token; not yet for one this run has just opened with the token the source
    // still hands out, until that token has expired.
    private bool TokenEnding(ImapSession session, IdleRun run) =>
        RenewIn(session) <= TimeSpan.Zero && (!ReferenceEquals(run.Opened, session) || session.Token.ExpiresAt <= _time.GetUtcNow());

    private async Task SweepAsync()
    {
        var cutoff = _time.GetUtcNow() - _options.CurrentValue.PooledConnectionIdleTimeout;
        foreach (var pooled in _pool.Values)
        {
            // A session in IDLE holds its lock, so only one that neither idles nor served a call lately is closed.
            if (pooled.Session is { } session && session.LastUsed < cutoff && await pooled.Lock.WaitAsync(0))
            {
                try
                {
                    if (pooled.Session is not null && pooled.Session.LastUsed < cutoff)
                    {
                        // A reader that no longer calls (deleted, or polled elsewhere) counts neither as idling nor over the cap.
                        pooled.Close();
                        GiveBackPlace(pooled);
                        pooled.OverCap = false;
                    }
                }
                finally
                {
                    pooled.Lock.Release();
                }
            }
        }
    }

    private enum IdleOutcome
    {
        Yielded,
        NewMail,
        Restart,
        NoIdle,
        Failed,
    }
}

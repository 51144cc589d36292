using System.Collections.Concurrent;
using Credo.Imap.Internal;
using Credo.Net;
using Credo.Net.Outbound;
using Credo.OAuth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.Imap;

/// <summary>
/// Keeps one authenticated IMAP session per key (a mailbox reader, such as a listener) between calls, and runs each call
/// on it, one at a time per key. A session is replaced when the endpoint changes or the token it logged in with expires
/// or is no longer the current one, closed on any failure (a pooled session the server closed meanwhile is retried once
/// on a new one), and closed after <see cref="ImapOptions.PooledConnectionIdleTimeout"/> unused.
/// </summary>
public sealed class ImapConnectionPool : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<Guid, Pooled> _pool = new();
    private readonly OutboundGuard _guard;
    private readonly IOptionsMonitor<ImapOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _sweeper;
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

    /// <summary>Sessions open now.</summary>
    public int OpenConnections => _pool.Values.Count(p => p.Session is not null);

    /// <summary>
    /// Runs <paramref name="call"/> on the session kept for <paramref name="key"/>, opening one if needed, as a span named
    /// after its IMAP <paramref name="command"/>. What MailKit throws for an expected failure becomes an <see cref="ImapError"/>;
    /// anything else (a bug) is thrown.
    /// </summary>
    public async Task<Result<T, ImapError>> UseAsync<T>(
        Guid key, string command, ImapEndpoint endpoint, IAccessTokenSource tokens, Func<ImapSession, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(call);
        using var activity = ImapActivities.Start(command);
        var pooled = _pool.GetOrAdd(key, _ => new Pooled());
        await pooled.Lock.WaitAsync(cancellationToken);
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

    /// <summary>Opens a session outside the pool, which its caller keeps and closes (an IDLE watch); every expected failure is an <see cref="ImapFailure"/>.</summary>
    internal Task<ImapSession> OpenAsync(ImapEndpoint endpoint, IAccessTokenSource tokens, CancellationToken cancellationToken) =>
        ImapSession.OpenAsync(endpoint, tokens, _guard, _options.CurrentValue, _logger, cancellationToken);

    /// <summary>Closes every session; a container disposed synchronously (a command-line run) must still close them.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Closes every session, after the call running on it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _sweeper.DisposeAsync();
        foreach (var pooled in _pool.Values)
        {
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

    private async Task SweepAsync()
    {
        var cutoff = _time.GetUtcNow() - _options.CurrentValue.PooledConnectionIdleTimeout;
        foreach (var pooled in _pool.Values)
        {
            if (pooled.Session is { } session && session.LastUsed < cutoff && await pooled.Lock.WaitAsync(0))
            {
                try
                {
                    if (pooled.Session is not null && pooled.Session.LastUsed < cutoff)
                    {
                        pooled.Close();
                    }
                }
                finally
                {
                    pooled.Lock.Release();
                }
            }
        }
    }

    // One key's pooled session and the lock that keeps its calls one at a time.
    private sealed class Pooled
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public ImapSession? Session { get; set; }

        public void Close()
        {
            Session?.Close();
            Session = null;
        }
    }
}

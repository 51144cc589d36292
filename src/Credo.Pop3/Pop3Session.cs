using System.Net;
using System.Net.Sockets;
using Credo.Net;
using Credo.Net.Outbound;
using Credo.OAuth;
using Credo.Pop3.Internal;
using Microsoft.Extensions.Logging;

namespace Credo.Pop3;

/// <summary>
/// One signed-in POP3 session (RFC 1939) over MailKit: connected through the outbound guard, signed in with a bearer token
/// by <c>AUTH XOAUTH2</c> or <c>AUTH OAUTHBEARER</c>. It lists the mailbox by <c>UIDL</c>, fetches whole messages with
/// <c>RETR</c> and marks them for deletion with <c>DELE</c>.
/// </summary>
/// <remarks>
/// <para>
/// Deletions take effect only when <see cref="QuitAsync"/> sends <c>QUIT</c>. Disposing a session without it (or losing the
/// connection, or a process that dies) closes the connection without <c>QUIT</c>, and the server deletes nothing: a caller
/// that records the mail it fetched before it quits never loses a message it has not recorded. A failed
/// <see cref="DeleteAsync"/> closes the connection the same way.
/// </para>
/// <para>
/// Expected failures are <see cref="Pop3Error"/> values; arguments out of range and calls after the session ended throw.
/// A session is not thread-safe: one call at a time. POP3 servers may allow one session per mailbox at a time, so keep
/// it short.
/// </para>
/// </remarks>
public sealed class Pop3Session : IAsyncDisposable
{
    private readonly Pop3Connection _connection;
    private readonly ILogger _logger;
    private readonly HashSet<int> _marked = [];
    private bool _ended;

    private Pop3Session(Pop3Connection connection, ILogger logger)
    {
        _connection = connection;
        _logger = logger;
        Count = connection.Client.Count;
    }

    /// <summary>Where and as whom the session is signed in.</summary>
    public Pop3Endpoint Endpoint => _connection.Endpoint;

    /// <summary>How many messages the mailbox held when the session signed in (<c>STAT</c>); POP3 shows no later mail in the same session.</summary>
    public int Count { get; }

    /// <summary>
    /// Connects to <paramref name="endpoint"/> and signs in with a token of <paramref name="tokens"/>. Nothing is sent to a
    /// host the token source refuses (not among its credential's Resource Hosts) or the outbound guard refuses; without TLS,
    /// only loopback hosts are allowed unless the outbound policy allows plain text. A token the server refuses is renewed
    /// once (on a new connection) before the refusal is returned.
    /// </summary>
    /// <param name="endpoint">Where and as whom to sign in.</param>
    /// <param name="tokens">Where the bearer token comes from; told when the server refuses one.</param>
    /// <param name="guard">The outbound policy, checked on the addresses the host resolves to.</param>
    /// <param name="options">Timeouts and certificate validation.</param>
    /// <param name="logger">Where the session logs (servers, users and counts; never a token or mail content).</param>
    /// <param name="cancellationToken">Cancels connecting and signing in.</param>
    /// <returns>The session, or why there is none.</returns>
    public static async Task<Result<Pop3Session, Pop3Error>> OpenAsync(
        Pop3Endpoint endpoint, IAccessTokenSource tokens, OutboundGuard guard, Pop3Options options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint.Host, nameof(endpoint));
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint.User, nameof(endpoint));
        ArgumentOutOfRangeException.ThrowIfLessThan(endpoint.Port, IPEndPoint.MinPort + 1, nameof(endpoint));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(endpoint.Port, IPEndPoint.MaxPort, nameof(endpoint));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ConnectTimeout, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.CommandTimeout, TimeSpan.Zero, nameof(options));

        using var activity = Pop3Activities.Start("AUTH");
        var result = await SignInAsync(endpoint, tokens, guard, options, logger, cancellationToken);
        if (result.Error is { } error)
        {
            Pop3Activities.Failed(activity, error);
            Log.Failed(logger, endpoint.ToString(), "AUTH", endpoint.User, error.Kind, error.Message);
        }

        return result;
    }

    /// <summary>Every message of the mailbox with its <c>UIDL</c> and size (<c>UIDL</c>, <c>LIST</c>), in the server's order.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The messages, or why they could not be listed (a server without <c>UIDL</c> is a <see cref="Pop3ErrorKind.Permanent"/> error).</returns>
    public Task<Result<IReadOnlyList<Pop3MessageInfo>, Pop3Error>> ListAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Pop3MessageInfo>>("UIDL", async ct =>
        {
            var uids = await _connection.Client.GetMessageUidsAsync(ct);
            var sizes = await _connection.Client.GetMessageSizesAsync(ct);
            return Result.Success<IReadOnlyList<Pop3MessageInfo>>([.. uids.Zip(sizes, (uid, size) => (uid, size)).Select((m, i) => new Pop3MessageInfo(i, m.uid, m.size))]);
        }, cancellationToken);

    /// <summary>The whole message at <paramref name="index"/> as the server holds it, MIME octets (<c>RETR</c>).</summary>
    /// <param name="index">The message's <see cref="Pop3MessageInfo.Index"/> in this session.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The message, or why it could not be fetched.</returns>
    public Task<Result<byte[], Pop3Error>> FetchAsync(int index, CancellationToken cancellationToken)
    {
        CheckIndex(index);
        return RunAsync<byte[]>("RETR", async ct =>
        {
            await using var stream = await _connection.Client.GetStreamAsync(index, headersOnly: false, ct);
            using var copy = new MemoryStream(stream.CanSeek ? (int)stream.Length : 0);
            await stream.CopyToAsync(copy, ct);
            return copy.ToArray();
        }, cancellationToken);
    }

    /// <summary>
    /// Marks the messages at <paramref name="indexes"/> for deletion (<c>DELE</c>): the server deletes them only when
    /// <see cref="QuitAsync"/> succeeds. Indexes marked before are skipped. When it fails, the connection is closed without
    /// <c>QUIT</c>, so that no deletion of this session takes effect.
    /// </summary>
    /// <param name="indexes">The messages' <see cref="Pop3MessageInfo.Index"/> in this session.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>How many messages this call marked, or why it could not.</returns>
    public Task<Result<int, Pop3Error>> DeleteAsync(IReadOnlyCollection<int> indexes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        foreach (var index in indexes)
        {
            CheckIndex(index);
        }

        List<int> unmarked = [.. indexes.Distinct().Where(i => !_marked.Contains(i))];
        return RunAsync<int>("DELE", async ct =>
        {
            if (unmarked.Count > 0)
            {
                await _connection.Client.DeleteMessagesAsync(unmarked, ct);
                _marked.UnionWith(unmarked);
            }

            return unmarked.Count;
        }, cancellationToken);
    }

    /// <summary>
    /// Ends the session with <c>QUIT</c>, on which the server deletes the messages marked by <see cref="DeleteAsync"/>,
    /// and closes the connection. A session that has quit takes no further command.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for the answer.</param>
    /// <returns>
    /// How many messages were deleted; or a <see cref="Pop3ErrorKind.Permanent"/> error when the server kept them
    /// (<c>-ERR</c>), a <see cref="Pop3ErrorKind.Connection"/> error when the connection was lost before it answered (so
    /// whether they were deleted is unknown) or had been closed by an earlier failure (so none was).
    /// </returns>
    public Task<Result<int, Pop3Error>> QuitAsync(CancellationToken cancellationToken) =>
        RunAsync<int>("QUIT", async ct =>
        {
            _ended = true;
            var marked = _marked.Count;
            if (!_connection.IsConnected)
            {
                return new Pop3Error(Pop3ErrorKind.Connection,
                    $"QUIT was not sent to {Endpoint} for {Endpoint.User}: an earlier failure closed the connection, so none of the {marked} message(s) marked for deletion was deleted.",
                    "They are listed again in the next session.");
            }

            var answer = await _connection.QuitAsync(ct);
            if (answer?.StartsWith("+OK", StringComparison.Ordinal) == true)
            {
                Log.Quit(_logger, Endpoint.ToString(), Endpoint.User, marked);
                return marked;
            }

            return answer is null
                ? new Pop3Error(Pop3ErrorKind.Connection,
                    $"{Endpoint} did not answer QUIT for {Endpoint.User}: whether the {marked} message(s) marked for deletion were deleted is unknown.",
                    "The next session lists those still there; recognise mail already read by its UIDL.")
                : new Pop3Error(Pop3ErrorKind.Permanent,
                    $"{Endpoint} refused QUIT for {Endpoint.User} and kept the {marked} message(s) marked for deletion: {Pop3Errors.Clean(answer["-ERR".Length..])}",
                    "They are listed again in the next session; if this lasts, check the server's logs for this mailbox.");
        }, cancellationToken);

    /// <summary>Closes the connection without <c>QUIT</c> (if <see cref="QuitAsync"/> did not): no message marked for deletion is deleted.</summary>
    public ValueTask DisposeAsync()
    {
        if (!_ended)
        {
            _ended = true;
            if (_connection.IsConnected)
            {
                Log.ClosedWithoutQuit(_logger, Endpoint.ToString(), Endpoint.User, _marked.Count);
            }
        }

        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<Result<Pop3Session, Pop3Error>> SignInAsync(
        Pop3Endpoint endpoint, IAccessTokenSource tokens, OutboundGuard guard, Pop3Options options, ILogger logger, CancellationToken cancellationToken)
    {
        // AUTH carries the token: only to a host among the credential's Resource Hosts, checked before anything is sent.
        if (tokens.RefuseDestination(new UriBuilder("pop3", endpoint.UrlHost, endpoint.Port).Uri) is { } refused)
        {
            return new Pop3Error(Pop3ErrorKind.Permanent, refused.Message, refused.Hint);
        }

        var addresses = await ResolveAsync(endpoint, guard, cancellationToken);
        if (!addresses.Succeeded)
        {
            return addresses.Error;
        }

        Pop3Error? refusal = null;
        AccessToken? refusedToken = null;
        while (true)
        {
            var token = await TokenAsync(endpoint, tokens, cancellationToken);
            if (!token.Succeeded)
            {
                return token.Error;
            }

            // The same token again would be refused again.
            if (refusal is not null && token.Value.Value == refusedToken!.Value)
            {
                return refusal;
            }

            var opened = await Pop3Connection.OpenAsync(endpoint, addresses.Value, options, cancellationToken);
            if (!opened.Succeeded)
            {
                return opened.Error;
            }

            var connection = opened.Value;
            Pop3Error? failed;
            try
            {
                failed = await connection.AuthenticateAsync(token.Value, cancellationToken);
            }
            catch
            {
                connection.Dispose();
                throw;
            }

            if (failed is null)
            {
                Log.SignedIn(logger, endpoint.ToString(), endpoint.User, connection.Mechanism, connection.Client.Count);
                return new Pop3Session(connection, logger);
            }

            connection.Dispose();
            if (failed.Kind != Pop3ErrorKind.Authentication)
            {
                return failed;
            }

            // A token the server refuses may have been revoked or replaced: renewed once before giving up.
            tokens.Reject(token.Value);
            if (refusal is not null)
            {
                return failed;
            }

            Log.TokenRefused(logger, endpoint.ToString(), endpoint.User);
            refusal = failed;
            refusedToken = token.Value;
        }
    }

    private static async Task<Result<IPAddress[], Pop3Error>> ResolveAsync(Pop3Endpoint endpoint, OutboundGuard guard, CancellationToken cancellationToken)
    {
        try
        {
            // The guard's http rule is the plain-text rule: without TLS only to loopback, unless an operator allows more.
            return await guard.ResolveCheckedAsync(endpoint.Host, endpoint.Security == Pop3Security.None ? Uri.UriSchemeHttp : "pop3s", cancellationToken);
        }
        catch (OutboundRequestBlockedException e)
        {
            return new Pop3Error(Pop3ErrorKind.Permanent, e.Message, "Use a host the outbound policy allows (Credo:Outbound), or Tls or StartTls for a host that is not loopback.");
        }
        catch (SocketException e) when (ConnectionFailure.Of(e, endpoint.Host, endpoint.Port) is { } failure)
        {
            return Pop3Errors.Connection(failure, failure.Kind == ConnectionFailureKind.HostNotFound ? $"{failure.Hint} Exchange Online's POP3 host is outlook.office365.com." : null);
        }
    }

    private static async Task<Result<AccessToken, Pop3Error>> TokenAsync(Pop3Endpoint endpoint, IAccessTokenSource tokens, CancellationToken cancellationToken)
    {
        var result = await tokens.GetTokenAsync(cancellationToken);
        if (result.Succeeded)
        {
            return result.Value;
        }

        var failure = result.Error;
        var kind = failure.RetryAfter is not null ? Pop3ErrorKind.Throttled
            : failure.Kind is TokenFailureKind.OAuthError or TokenFailureKind.Blocked or TokenFailureKind.InvalidTokenResponse or TokenFailureKind.SecretSource ? Pop3ErrorKind.Permanent
            : Pop3ErrorKind.Connection;
        return new Pop3Error(kind, $"No access token to sign in to {endpoint} as {endpoint.User}: {failure.Message}", failure.Hint, failure.RetryAfter);
    }

    private void CheckIndex(int index)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
    }

    /// <summary>Runs one command as a span named after it; an error other than the server's <c>-ERR</c> to a read closes the connection without <c>QUIT</c>.</summary>
    private async Task<Result<T, Pop3Error>> RunAsync<T>(string command, Func<CancellationToken, Task<Result<T, Pop3Error>>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_ended, this);
        using var activity = Pop3Activities.Start(command);
        Result<T, Pop3Error> result;
        try
        {
            result = await work(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Pop3Errors.Map(e, Endpoint, command) is { } error)
        {
            if (e is not MailKit.Net.Pop3.Pop3CommandException || command == "DELE")
            {
                _connection.Dispose();
            }

            result = error;
        }
        catch
        {
            _connection.Dispose();
            throw;
        }

        if (result.Error is { } failed)
        {
            Pop3Activities.Failed(activity, failed);
            Log.Failed(_logger, Endpoint.ToString(), command, Endpoint.User, failed.Kind, failed.Message);
        }

        return result;
    }
}

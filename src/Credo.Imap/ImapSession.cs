using System.Net.Sockets;
using Credo.Imap.Internal;
using Credo.Net.Outbound;
using Credo.OAuth;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.Logging;

namespace Credo.Imap;

/// <summary>
/// One authenticated IMAP connection: connected through the outbound guard, logged in with a bearer token, with the
/// folders it has resolved. <see cref="ImapConnectionPool"/> opens, lends and closes it, and idles on it between calls;
/// a call borrows it for its duration. Not thread-safe: its owner runs one call (or one IDLE) at a time.
/// </summary>
public sealed class ImapSession
{
    private readonly Dictionary<string, IMailFolder> _folders = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _logger;
    private int _known;

    private ImapSession(ImapClient client, ImapEndpoint endpoint, AccessToken token, ILogger logger)
    {
        Client = client;
        Endpoint = endpoint;
        Token = token;
        _logger = logger;
    }

    /// <summary>The MailKit client, connected and authenticated.</summary>
    public ImapClient Client { get; }

    /// <summary>Where and as whom the session is logged in.</summary>
    public ImapEndpoint Endpoint { get; }

    /// <summary>The token it logged in with; once it expires the session is replaced.</summary>
    internal AccessToken Token { get; private set; }

    /// <summary>The folder selected, if any.</summary>
    internal IMailFolder? Selected { get; private set; }

    internal DateTimeOffset LastUsed { get; set; }

    /// <summary>
    /// How often the selected folder announced more mail (<c>EXISTS</c>) since a caller last listed it
    /// (<see cref="SelectAsync"/> with <c>refresh</c>): mail that came after the listing, which IDLE must not wait for.
    /// </summary>
    internal int Arrived { get; set; }

    /// <summary>Called (on MailKit's reading thread) when the selected folder announces more mail: ends an IDLE.</summary>
    internal Action? OnArrival { get; set; }

    /// <summary>Connects, secures and logs in; every expected failure is a <see cref="ImapFailure"/>.</summary>
    internal static async Task<ImapSession> OpenAsync(ImapEndpoint endpoint, IAccessTokenSource tokens, OutboundGuard guard, ImapOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        // AUTHENTICATE carries the token: only to a host among the credential's Resource Hosts.
        if (tokens.RefuseDestination(new UriBuilder("imap", endpoint.UrlHost, endpoint.Port).Uri) is { } refused)
        {
            throw new ImapFailure(ImapErrorKind.Permanent, refused.Message, refused.Hint);
        }

        var token = await TokenAsync(tokens, cancellationToken);
        var security = endpoint.Security;

        // The guard's http rule is the plain-text rule: without TLS only to loopback, unless an operator allows more.
        System.Net.IPAddress[] addresses;
        try
        {
            addresses = await guard.ResolveCheckedAsync(endpoint.Host, security == ImapSecurity.None ? Uri.UriSchemeHttp : "imaps", cancellationToken);
        }
        catch (OutboundRequestBlockedException e)
        {
            throw new ImapFailure(ImapErrorKind.Permanent, e.Message, "Use a host the outbound policy allows (Credo:Outbound), or Tls/StartTls for a host that is not loopback.");
        }
        catch (SocketException e) when (ConnectionFailure.Of(e, endpoint.Host, endpoint.Port) is { } failure)
        {
            throw new ImapFailure(
                failure.IsPassing ? ImapErrorKind.Connection : ImapErrorKind.Permanent,
                failure.Message,
                failure.Kind == ConnectionFailureKind.HostNotFound ? $"{failure.Hint} Exchange Online's IMAP host is outlook.office365.com." : failure.Hint);
        }

        var client = new ImapClient { Timeout = (int)options.CommandTimeout.TotalMilliseconds };
        var presented = new PresentedCertificate();
        client.ServerCertificateValidationCallback = presented.Validate(options.CertificateValidation);
        var connected = await OutboundSocket.ConnectAsync(addresses, endpoint.UrlHost, endpoint.Port, options.ConnectTimeout, cancellationToken);
        if (!connected.Succeeded)
        {
            client.Dispose();
            throw new ImapFailure(connected.Error.IsPassing ? ImapErrorKind.Connection : ImapErrorKind.Permanent, connected.Error.Message, connected.Error.Hint);
        }

        var socket = connected.Value;
        try
        {
            try
            {
                await client.ConnectAsync(socket, endpoint.Host, endpoint.Port, security switch
                {
                    ImapSecurity.Tls => SecureSocketOptions.SslOnConnect,
                    ImapSecurity.StartTls => SecureSocketOptions.StartTls,
                    _ => SecureSocketOptions.None,
                }, cancellationToken);
            }
            catch (SslHandshakeException e)
            {
                var stage = security == ImapSecurity.StartTls ? "STARTTLS" : "implicit TLS";
                throw new ImapFailure(
                    ImapErrorKind.Permanent,
                    $"The TLS handshake ({stage}) with {endpoint} failed: {presented.Describe(e)}.",
                    security == ImapSecurity.Tls
                        ? "Check that the port speaks implicit TLS (993; use StartTls for 143) and that the certificate is valid for the host and trusted by this machine."
                        : "Check that the certificate is valid for the host and trusted by this machine.");
            }
            catch (NotSupportedException) when (security == ImapSecurity.StartTls)
            {
                throw new ImapFailure(ImapErrorKind.Permanent, $"{endpoint} does not offer STARTTLS.", "Use Tls (port 993) if the server offers implicit TLS.");
            }

            var session = new ImapSession(client, endpoint, token, logger);
            await session.AuthenticateAsync(tokens, cancellationToken);
            return session;
        }
        catch
        {
            client.Dispose();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Names the span of the current pooled call after the IMAP command it turned out to need, such as <c>UID EXPUNGE</c>.</summary>
    public static void NameCall(string command) => ImapActivities.Command(command);

    /// <summary>
    /// Opens (selects) the folder at <paramref name="path"/> read-write; when it is open already, <paramref name="refresh"/> asks the
    /// server for news first. <paramref name="refresh"/> says that the caller is about to list the folder: mail the folder
    /// announces from then on counts as arrived after the listing (<see cref="Arrived"/>).
    /// </summary>
    public async Task<IMailFolder> SelectAsync(string path, bool refresh, CancellationToken cancellationToken)
    {
        var folder = await FolderAsync(path, cancellationToken);
        if (ReferenceEquals(folder, Selected) && folder.IsOpen)
        {
            // A session that stays selected learns of new mail (and a new UIDVALIDITY) from the server's next answer.
            if (refresh)
            {
                await Client.NoOpAsync(cancellationToken);
                Arrived = 0;
            }

            return folder;
        }

        if (Selected is not null)
        {
            Selected.CountChanged -= CountChanged;
        }

        Selected = null;
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        Selected = folder;
        _known = folder.Count;
        Arrived = 0;
        folder.CountChanged += CountChanged;
        return folder;
    }

    /// <summary>
    /// The folder at <paramref name="path"/>: <c>Inbox</c>, a special-use folder by its Exchange or common name (Deleted
    /// Items, Trash, Sent Items, Junk Email, Drafts, Archive), or levels separated by <c>/</c> resolved with the server's
    /// own hierarchy delimiter.
    /// </summary>
    public async Task<IMailFolder> FolderAsync(string path, CancellationToken cancellationToken)
    {
        if (_folders.TryGetValue(path, out var cached))
        {
            return cached;
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0)
        {
            throw new ImapFailure(ImapErrorKind.Permanent, "No folder is set.", "Enter a folder such as Inbox or Inbox/Invoices.");
        }

        IMailFolder? folder = null;
        if (parts.Length == 1 && SpecialUse(parts[0]) is { } special && (Client.Capabilities & (ImapCapabilities.SpecialUse | ImapCapabilities.XList)) != 0)
        {
            folder = Client.GetFolder(special);
        }

        if (folder is null)
        {
            folder = parts[0].Equals("Inbox", StringComparison.OrdinalIgnoreCase) ? Client.Inbox : null;
            var rest = folder is null ? parts : parts[1..];
            folder ??= Client.GetFolder(Client.PersonalNamespaces[0]);
            foreach (var name in rest)
            {
                try
                {
                    folder = await folder.GetSubfolderAsync(name, cancellationToken);
                }
                catch (FolderNotFoundException)
                {
                    throw new ImapFailure(
                        ImapErrorKind.Permanent,
                        $"The folder {path} does not exist in the mailbox of {Endpoint.User} on {Endpoint.Host}.",
                        "Check the folder's name and levels: separate levels with /, as in Inbox/Invoices (Credo uses the server's own delimiter).");
                }
            }
        }

        _folders[path] = folder;
        return folder;
    }

    /// <summary>Logs out (bounded by 2 s) and closes the connection.</summary>
    internal void Close()
    {
        if (Client.IsConnected)
        {
            // A polite LOGOUT, bounded: a dead peer must not hold the caller up.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                Client.Disconnect(quit: true, timeout.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ImapProtocolException or SocketException or ObjectDisposedException)
            {
            }
        }

        Client.Dispose();
        Log.Closed(_logger, Endpoint.Host, "disposed");
    }

    // EXISTS raises the count, EXPUNGE lowers it: only a count above the last one seen is new mail.
    private void CountChanged(object? sender, EventArgs e)
    {
        if (sender is not IMailFolder folder)
        {
            return;
        }

        if (folder.Count > _known)
        {
            Arrived++;
            OnArrival?.Invoke();
        }

        _known = folder.Count;
    }

    private static SpecialFolder? SpecialUse(string name) => name.ToUpperInvariant() switch
    {
        "DELETED ITEMS" or "DELETEDITEMS" or "TRASH" => SpecialFolder.Trash,
        "SENT ITEMS" or "SENTITEMS" or "SENT" => SpecialFolder.Sent,
        "JUNK EMAIL" or "JUNKEMAIL" or "JUNK" => SpecialFolder.Junk,
        "DRAFTS" => SpecialFolder.Drafts,
        "ARCHIVE" => SpecialFolder.Archive,
        _ => null,
    };

    private async Task AuthenticateAsync(IAccessTokenSource tokens, CancellationToken cancellationToken)
    {
        var token = Token;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await Client.AuthenticateAsync(Mechanism(token), cancellationToken);
                Log.LoggedIn(_logger, Endpoint.Host, Endpoint.Port, Endpoint.User, Endpoint.Sasl == ImapSasl.OAuthBearer ? "OAUTHBEARER" : "XOAUTH2");
                Token = token;
                return;
            }
            catch (AuthenticationException e) when (ImapErrors.IsThrottling(e.Message))
            {
                throw new ImapFailure(ImapErrorKind.Throttled, $"{Endpoint} refused the login for now: {ImapErrors.Clean(e.Message)}");
            }
            catch (AuthenticationException e)
            {
                // A token the server refuses may have been revoked or replaced: renew it once before giving up.
                tokens.Reject(token);
                if (attempt == 0)
                {
                    Log.TokenRefused(_logger, Endpoint.Host, Endpoint.User);
                    var renewed = await TokenAsync(tokens, cancellationToken);
                    if (renewed.Value != token.Value)
                    {
                        token = renewed;
                        continue;
                    }
                }

                throw new ImapFailure(
                    ImapErrorKind.Permanent,
                    $"AUTHENTICATE failed: the IMAP server refused the token for {Endpoint.User} ({ImapErrors.Clean(e.Message)}).",
                    $"The IMAP server refused the token for {Endpoint.User}. In Exchange Online the app needs the IMAP.AccessAsApp permission and a mailbox permission (Add-MailboxPermission); the user name must be the mailbox.");
            }
        }
    }

    private SaslMechanism Mechanism(AccessToken token) => Endpoint.Sasl == ImapSasl.OAuthBearer
        ? new SaslMechanismOAuthBearer(Endpoint.User, token.Value)
        : new SaslMechanismOAuth2(Endpoint.User, token.Value);

    private static async Task<AccessToken> TokenAsync(IAccessTokenSource tokens, CancellationToken cancellationToken)
    {
        var result = await tokens.GetTokenAsync(cancellationToken);
        if (result.Succeeded)
        {
            return result.Value;
        }

        var failure = result.Error;
        throw new ImapFailure(
            failure.RetryAfter is not null ? ImapErrorKind.Throttled
            : failure.Kind is TokenFailureKind.OAuthError or TokenFailureKind.Blocked or TokenFailureKind.InvalidTokenResponse or TokenFailureKind.SecretSource ? ImapErrorKind.Permanent
            : ImapErrorKind.Connection,
            $"No access token: {failure.Message}",
            failure.Hint,
            failure.RetryAfter);
    }
}

using System.Net;
using System.Net.Sockets;
using Credo.Net;
using Credo.Net.Outbound;
using Credo.OAuth;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace Credo.Pop3.Internal;

/// <summary>
/// One MailKit <see cref="Pop3Client"/> on a socket to checked addresses, with the server's status lines at hand for the
/// commands whose answers MailKit does not surface (<c>AUTH</c>, <c>QUIT</c>). Closing it never sends <c>QUIT</c>.
/// </summary>
internal sealed class Pop3Connection : IDisposable
{
    private readonly ServerReplies _replies;

    private Pop3Connection(Pop3Client client, ServerReplies replies, Pop3Endpoint endpoint)
    {
        Client = client;
        _replies = replies;
        Endpoint = endpoint;
    }

    public Pop3Client Client { get; }

    public Pop3Endpoint Endpoint { get; }

    public bool IsConnected => Client.IsConnected;

    /// <summary>The SASL mechanism's name as POP3 writes it.</summary>
    public string Mechanism => Endpoint.Sasl == Pop3Sasl.OAuthBearer ? "OAUTHBEARER" : "XOAUTH2";

    /// <summary>Connects to <paramref name="addresses"/> (checked by the outbound guard) and secures the connection as the endpoint says.</summary>
    public static async Task<Result<Pop3Connection, Pop3Error>> OpenAsync(Pop3Endpoint endpoint, IPAddress[] addresses, Pop3Options options, CancellationToken cancellationToken)
    {
        var replies = new ServerReplies();
        var client = new Pop3Client(replies) { Timeout = (int)options.CommandTimeout.TotalMilliseconds };
        var presented = new PresentedCertificate();
        client.ServerCertificateValidationCallback = presented.Validate(options.CertificateValidation);
        var connected = await OutboundSocket.ConnectAsync(addresses, endpoint.UrlHost, endpoint.Port, options.ConnectTimeout, cancellationToken);
        if (!connected.Succeeded)
        {
            client.Dispose();
            return Pop3Errors.Connection(connected.Error);
        }

        var socket = connected.Value;
        try
        {
            await client.ConnectAsync(socket, endpoint.Host, endpoint.Port, endpoint.Security switch
            {
                Pop3Security.Tls => SecureSocketOptions.SslOnConnect,
                Pop3Security.StartTls => SecureSocketOptions.StartTls,
                _ => SecureSocketOptions.None,
            }, cancellationToken);
            return new Pop3Connection(client, replies, endpoint);
        }
        catch (SslHandshakeException e)
        {
            Close(client, socket);
            var stage = endpoint.Security == Pop3Security.StartTls ? "STLS" : "implicit TLS";
            return new Pop3Error(
                Pop3ErrorKind.Connection,
                $"The TLS handshake ({stage}) with {endpoint} failed: {presented.Describe(e)}.",
                endpoint.Security == Pop3Security.Tls
                    ? "Check that the port speaks implicit TLS (995; use StartTls for 110) and that the certificate is valid for the host and trusted by this machine."
                    : "Check that the certificate is valid for the host and trusted by this machine.");
        }
        catch (NotSupportedException) when (endpoint.Security == Pop3Security.StartTls)
        {
            Close(client, socket);
            return new Pop3Error(Pop3ErrorKind.Permanent, $"{endpoint} does not offer STLS.", "Use Tls (port 995) if the server offers implicit TLS.");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Pop3Errors.Map(e, endpoint, "connect") is { } error)
        {
            Close(client, socket);
            return error;
        }
        catch
        {
            Close(client, socket);
            throw;
        }
    }

    /// <summary>
    /// Signs in with <paramref name="token"/>: null when the server accepts it, else why not (<see cref="Pop3ErrorKind.Authentication"/>
    /// when it refused the token). After a refusal the connection is not used again.
    /// </summary>
    public async Task<Pop3Error?> AuthenticateAsync(AccessToken token, CancellationToken cancellationToken)
    {
        if (Client.AuthenticationMechanisms.Count > 0 && !Client.AuthenticationMechanisms.Contains(Mechanism, StringComparer.OrdinalIgnoreCase))
        {
            return new Pop3Error(
                Pop3ErrorKind.Permanent,
                $"{Endpoint} does not offer AUTH {Mechanism} (it offers {string.Join(' ', Client.AuthenticationMechanisms.Select(Pop3Errors.Clean))}).",
                Endpoint.Security == Pop3Security.None
                    ? "Choose the other SASL mechanism if the server offers it; some servers offer it only after TLS (use Tls or StartTls)."
                    : "Choose the other SASL mechanism if the server offers it.");
        }

        _replies.Listen();
        try
        {
            await Client.AuthenticateAsync(
                Endpoint.Sasl == Pop3Sasl.OAuthBearer ? new SaslMechanismOAuthBearer(Endpoint.User, token.Value) : new SaslMechanismOAuth2(Endpoint.User, token.Value),
                cancellationToken);
            return null;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Refusal(e, _replies.Stop()) is var (text, refused) && refused)
        {
            text = text?.Replace(token.Value, "[token]", StringComparison.Ordinal);

            // LOGIN-DELAY in CAPA (RFC 2449) says how long the server wants between two sign-ins.
            TimeSpan? loginDelay = text?.Contains("[LOGIN-DELAY]", StringComparison.OrdinalIgnoreCase) == true && Client.LoginDelay > 0 ? TimeSpan.FromSeconds(Client.LoginDelay) : null;
            return Pop3Errors.IsThrottling(text)
                ? Pop3Errors.Refused(Endpoint, "AUTH", text, loginDelay)
                : new Pop3Error(
                    Pop3ErrorKind.Authentication,
                    $"AUTH {Mechanism} failed: {Endpoint} refused the token for {Endpoint.User} ({Pop3Errors.Clean(text)}).",
                    $"The POP3 server refused the token for {Endpoint.User}. In Exchange Online the app needs the POP.AccessAsApp permission and a mailbox permission (Add-MailboxPermission), and the mailbox must allow POP (Set-CASMailbox -PopEnabled $true); check that the user name is the mailbox's address.");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Pop3Errors.Map(e, Endpoint, "AUTH") is { } error)
        {
            return error;
        }
        finally
        {
            _replies.Stop();
        }
    }

    /// <summary>
    /// Sends <c>QUIT</c>, which applies the deletions, and closes: the server's answer (<c>+OK ...</c> or <c>-ERR ...</c>),
    /// or null when none came (the connection broke, or was already closed).
    /// </summary>
    public async Task<string?> QuitAsync(CancellationToken cancellationToken)
    {
        _replies.Listen();
        try
        {
            await Client.DisconnectAsync(quit: true, cancellationToken);
            return First(_replies.Stop());
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return First(_replies.Stop());
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Closes the connection without <c>QUIT</c>: the server applies none of the session's deletions.</summary>
    public void Dispose() => Close(Client, null);

    /// <summary>
    /// Whether <paramref name="exception"/> thrown by <c>AUTH</c> is the server's refusal, and its text. MailKit keeps no
    /// text: the server's first <c>-ERR</c> line since <c>AUTH</c> is it. A server that refuses with an error challenge
    /// instead (RFC 7628; Dovecot does, for both mechanisms) waits for an answer MailKit does not send, so the challenge
    /// (JSON) is the text and the connection is not fit to use again.
    /// </summary>
    private static (string? Text, bool Refused) Refusal(Exception exception, IReadOnlyList<string> replies)
    {
        if (replies.FirstOrDefault(r => r.StartsWith("-ERR", StringComparison.Ordinal)) is { } error)
        {
            return (error["-ERR".Length..], true);
        }

        // A mechanism of one step gets a challenge after the token only to say why it was refused.
        if (exception is Pop3ProtocolException && replies.LastOrDefault(r => r.StartsWith("+ ", StringComparison.Ordinal) && r.Length > 2) is { } challenge)
        {
            return (ErrorChallenge(challenge[2..]), true);
        }

        return (null, exception is AuthenticationException or SaslException);
    }

    private static string ErrorChallenge(string base64)
    {
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64.Trim(), bytes, out var length)
            ? System.Text.Encoding.UTF8.GetString(bytes, 0, length)
            : "an error challenge that is not base64";
    }

    private static string? First(IReadOnlyList<string> replies) =>
        replies.FirstOrDefault(r => r.StartsWith("+OK", StringComparison.Ordinal) || r.StartsWith("-ERR", StringComparison.Ordinal));

    private static void Close(Pop3Client client, Socket? socket)
    {
        // Disconnect without QUIT only closes the stream; it cannot hang on a dead peer.
        if (client.IsConnected)
        {
            try
            {
                client.Disconnect(quit: false);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
            }
        }

        client.Dispose();
        socket?.Dispose();
    }
}

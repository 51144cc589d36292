using System.Security.Cryptography.X509Certificates;
using Credo.Net.Outbound;
using Credo.OAuth;
using Credo.Sandbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MimeKit;

namespace Credo.Pop3.Tests.Infrastructure;

/// <summary>
/// The sandbox as the authorization server and a private Dovecot that serves POP3 and validates the sandbox's tokens by
/// introspection (the token's <c>sub</c> is <see cref="Mailbox"/>, the user Dovecot signs in), with Credo.OAuth's own token
/// client and cache, the outbound guard, and logs captured.
/// </summary>
public sealed class Pop3TestServers : IAsyncDisposable
{
    public const string Mailbox = "box@credo.test";
    public const string ClientId = "pop3-client";
    public const string ClientSecret = "pop3-secret";

    private readonly ServiceProvider _services;

    private Pop3TestServers(SandboxServer sandbox, DovecotServer dovecot, ServiceProvider services)
    {
        Sandbox = sandbox;
        Dovecot = dovecot;
        _services = services;
    }

    public SandboxServer Sandbox { get; }

    internal DovecotServer Dovecot { get; }

    public FakeLogCollector Logs => _services.GetFakeLogCollector();

    public ILogger Logger => _services.GetRequiredService<ILoggerFactory>().CreateLogger("Credo.Pop3");

    public OutboundGuard Guard => _services.GetRequiredService<OutboundGuard>();

    /// <summary>Trusts Dovecot's self-signed certificate, and only it.</summary>
    public Pop3Options Options
    {
        get
        {
            var thumbprint = Dovecot.Certificate.Thumbprint;
            return new Pop3Options { CertificateValidation = (_, certificate, _, _) => certificate is not null && X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()).Thumbprint == thumbprint };
        }
    }

    public static async Task<Pop3TestServers> StartAsync(CancellationToken cancellationToken)
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 };
        options.Clients.Add(new SandboxClient
        {
            ClientId = ClientId, ClientSecret = ClientSecret, Roles = ["POP.AccessAsApp"], Claims = new Dictionary<string, string> { ["sub"] = Mailbox },
        });
        var sandbox = await SandboxServer.StartAsync(options, cancellationToken: cancellationToken);
        try
        {
            var introspection = new UriBuilder(sandbox.IntrospectionEndpoint) { UserName = ClientId, Password = ClientSecret }.Uri;
            var dovecot = await DovecotServer.StartAsync(introspection, "sub", cancellationToken);
            var services = new ServiceCollection().AddLogging(logging => logging.AddFakeLogging().SetMinimumLevel(LogLevel.Trace));
            services.AddCredoOAuth();
            return new Pop3TestServers(sandbox, dovecot, services.BuildServiceProvider());
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>A token source of the sandbox's client through Credo's token cache, whose tokens go only to <paramref name="resourceHosts"/>.</summary>
    internal CountingTokenSource Tokens(string resourceHosts = "127.0.0.1")
    {
        var credentials = new ClientCredentials(Sandbox.TokenEndpoint, ClientId, new Secret(ClientSecret), ScopeSet.Parse(SandboxClient.ExchangeOnlineScope));
        return new CountingTokenSource(new CachedAccessTokenSource(
            _services.GetRequiredService<ITokenCache>(), Guid.NewGuid().ToString(), 1, credentials, ResourceHosts.Parse(resourceHosts)));
    }

    public Pop3Endpoint Endpoint(Pop3Security security = Pop3Security.None, Pop3Sasl sasl = Pop3Sasl.XOAuth2, string user = Mailbox) =>
        new("127.0.0.1", security == Pop3Security.Tls ? Dovecot.Pop3TlsPort : Dovecot.Pop3PlainPort, security, user, sasl);

    /// <summary>Opens a session with a new token source (or <paramref name="tokens"/>); fails the test when it does not open.</summary>
    public async Task<Pop3Session> SessionAsync(Pop3Endpoint? endpoint = null, IAccessTokenSource? tokens = null)
    {
        var opened = await Pop3Session.OpenAsync(endpoint ?? Endpoint(), tokens ?? Tokens(), Guard, Options, Logger, TestContext.Current.CancellationToken);
        Assert.True(opened.Succeeded, opened.Error?.ToString());
        return opened.Value;
    }

    /// <summary>Delivers <paramref name="count"/> mails (<see cref="Mail"/> 0 to count - 1) to the mailbox.</summary>
    public async Task DeliverAsync(int count, int first = 0)
    {
        for (var i = first; i < first + count; i++)
        {
            await Dovecot.DeliverAsync(Mailbox, Mail(i), cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A mail with the subject <c>Mail {i}</c>, in CRLF lines as POP3 sends it, so that fetched bytes equal delivered bytes.</summary>
    public static byte[] Mail(int i)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Sender " + i, $"sender{i}@example.test"));
        message.To.Add(new MailboxAddress("Box", Mailbox));
        message.Subject = $"Mail {i}";
        message.MessageId = $"mail-{i}@pop3.credo.test";
        message.Date = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddMinutes(i);
        message.Body = new TextPart("plain") { Text = $"Body of mail {i}.\r\n.A line that starts with a dot.\r\n" };
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        using var stream = new MemoryStream();
        message.WriteTo(format, stream);
        return stream.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Dovecot.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Imap;
using Credo.Imap;
using Credo.Sandbox;

namespace Credo.Core.Tests.Listeners.Sources.Imap;

/// <summary>
/// The sandbox as the authorization server and a private Dovecot that validates its tokens by introspection: the client
/// <see cref="ClientId"/> gets tokens whose subject (<c>sub</c>, which OpenIddict's introspection answers to any caller) is <see cref="Mailbox"/>, the user Dovecot logs in.
/// </summary>
public sealed class ImapTestServers : IAsyncDisposable
{
    public const string Mailbox = "box@credo.test";
    public const string ClientId = "imap-client";
    public const string ClientSecret = "imap-secret";
    public const string Scope = SandboxClient.ExchangeOnlineScope;

    private ImapTestServers(SandboxServer sandbox, DovecotServer dovecot)
    {
        Sandbox = sandbox;
        Dovecot = dovecot;
    }

    public SandboxServer Sandbox { get; }

    internal DovecotServer Dovecot { get; }

    /// <summary>Starts both; the sandbox's tokens live <paramref name="tokenLifetime"/> (default an hour).</summary>
    public static async Task<ImapTestServers> StartAsync(CancellationToken cancellationToken, TimeSpan? tokenLifetime = null)
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 };
        options.AccessTokenLifetime = tokenLifetime ?? options.AccessTokenLifetime;
        options.Clients.Add(new SandboxClient
        {
            ClientId = ClientId, ClientSecret = ClientSecret, Roles = ["IMAP.AccessAsApp"], Claims = new Dictionary<string, string> { ["sub"] = Mailbox },
        });
        var sandbox = await SandboxServer.StartAsync(options, cancellationToken: cancellationToken);
        try
        {
            var introspection = new UriBuilder(sandbox.IntrospectionEndpoint) { UserName = ClientId, Password = ClientSecret }.Uri;
            return new ImapTestServers(sandbox, await DovecotServer.StartAsync(introspection, "sub", cancellationToken));
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    /// <summary>The IMAP settings of a listener that reads Dovecot at <paramref name="port"/> over <paramref name="security"/>.</summary>
    public static ListenerSettings Settings(int port, ImapSecurity security = ImapSecurity.None) =>
        new ListenerSettings().Set(ImapProtocol.Id, "host", "127.0.0.1").Set(ImapProtocol.Id, "port", port).Set(ImapProtocol.Id, "security", security);

    /// <summary>A fresh access token of <see cref="ClientId"/>.</summary>
    public async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = ClientId, ["client_secret"] = ClientSecret, ["scope"] = Scope,
        });
        using var response = await http.PostAsync(Sandbox.TokenEndpoint, form, cancellationToken);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return json.GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await Dovecot.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}

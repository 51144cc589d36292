using System.Net.Http.Json;
using System.Text.Json;
using Credo.Core.Credentials;
using Credo.Core.Persistence;
using Credo.Sandbox;
using Credo.Tests;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Benchmarks;

/// <summary>
/// What the IMAP benches share: the sandbox's authorization server with a client for one mailbox, a private Dovecot that
/// takes that client's tokens (as many sessions as asked, or its default), and Credo's core and listener services over a
/// fresh SQLite data folder, migrated, with a credential for the client. Disposing it removes the folder.
/// </summary>
internal sealed class ImapBench : IAsyncDisposable
{
    private readonly string _folder;

    private ImapBench(string folder, SandboxClient client, SandboxServer sandbox, DovecotServer dovecot, ServiceProvider services, Guid credentialId) =>
        (_folder, Client, Sandbox, Dovecot, Services, CredentialId) = (folder, client, sandbox, dovecot, services, credentialId);

    public SandboxClient Client { get; }

    public SandboxServer Sandbox { get; }

    public DovecotServer Dovecot { get; }

    public ServiceProvider Services { get; }

    /// <summary>The credential listeners use: the sandbox's client, its token for 127.0.0.1.</summary>
    public Guid CredentialId { get; }

    /// <summary>Starts it all; <paramref name="configure"/> adds to Credo's services (after the core and listeners).</summary>
    public static async Task<ImapBench> StartAsync(
        string name, string mailbox, bool runInBackground = false, int? maxSessions = null, Action<IServiceCollection>? configure = null)
    {
        var client = new SandboxClient
        {
            ClientId = name, ClientSecret = name + "-secret", Roles = ["IMAP.AccessAsApp"], Claims = new Dictionary<string, string> { ["sub"] = mailbox },
        };
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 0 };
        options.Clients.Add(client);
        var sandbox = await SandboxServer.StartAsync(options);
        var introspection = new UriBuilder(sandbox.IntrospectionEndpoint) { UserName = client.ClientId, Password = client.ClientSecret }.Uri;
        var dovecot = maxSessions is { } sessions ? await DovecotServer.StartAsync(introspection, "sub", sessions) : await DovecotServer.StartAsync(introspection, "sub");
        var folder = Directory.CreateTempSubdirectory($"credo-{name}-").FullName;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("Credo").PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(folder, "keys")));
        services.AddCredoCore(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(folder, "credo.db")}" });
        services.AddCredoListeners(runInBackground);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(CancellationToken.None);
        var credentialId = (await scope.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
        {
            Name = "Sandbox", ClientId = client.ClientId, ClientSecret = client.ClientSecret, TokenEndpoint = sandbox.TokenEndpoint.ToString(), Scopes = SandboxClient.ExchangeOnlineScope, ResourceHosts = "127.0.0.1",
        }, "bench", CancellationToken.None)).Value!.Id;
        return new ImapBench(folder, client, sandbox, dovecot, provider, credentialId);
    }

    /// <summary>An access token of the client, as Dovecot takes it (for the bench's own MailKit connections).</summary>
    public async Task<string> TokenAsync()
    {
        using var http = new HttpClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = Client.ClientId, ["client_secret"] = Client.ClientSecret!, ["scope"] = SandboxClient.ExchangeOnlineScope,
        });
        using var response = await http.PostAsync(Sandbox.TokenEndpoint, form);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Dovecot.DisposeAsync();
        await Sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

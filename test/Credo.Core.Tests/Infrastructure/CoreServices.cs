using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Core.Tests.Infrastructure;

/// <summary>Credo.Core as the server composes it, over a given database, with a key ring in a temporary folder.</summary>
public sealed class CoreServices : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private TestDatabase? _database;
    private string? _ownedKeys;

    private CoreServices(ServiceProvider provider, string keys)
    {
        _provider = provider;
        KeysFolder = keys;
    }

    public string KeysFolder { get; }

    public static async Task<CoreServices> StartAsync(DatabaseOptions database, string keysFolder, Action<IServiceCollection>? configure = null, bool migrate = true)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("Credo").PersistKeysToFileSystem(new DirectoryInfo(keysFolder));
        services.AddCredoCore(database);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var core = new CoreServices(provider, keysFolder);
        if (migrate)
        {
            await using var scope = core.Scope();
            await scope.ServiceProvider.GetRequiredService<CredoDatabase>().MigrateAsync(TestContext.Current.CancellationToken);
        }

        return core;
    }

    /// <summary>
    /// Credo.Core over a new database that <paramref name="database"/> makes (SQLite or PostgreSQL), migrated, with a key
    /// ring of its own; the database and the key ring are removed when it is disposed.
    /// </summary>
    public static async Task<CoreServices> StartAsync(Func<Task<TestDatabase>> database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var created = await database();
        var keys = Directory.CreateTempSubdirectory("credo-keys-").FullName;
        var core = await StartAsync(created.Options, keys);
        core._database = created;
        core._ownedKeys = keys;
        return core;
    }

    /// <summary>A scope, as one web request or one command has.</summary>
    public AsyncServiceScope Scope() => _provider.CreateAsyncScope();

    public T Get<T>(AsyncServiceScope scope)
        where T : notnull => scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>A disabled EWS listener with a credential of its own, for tests that record mail into it by hand.</summary>
    public async Task<Guid> AddListenerAsync(string name)
    {
        await using var scope = Scope();
        var credential = await Get<CredentialStore>(scope).CreateAsync(new CredentialInput
        {
            Name = name, ClientId = "client", ClientSecret = "secret", TokenEndpoint = "https://login.example.test/token",
            Scopes = "https://outlook.office365.com/.default",
        }, "tests", TestContext.Current.CancellationToken);
        var listener = await Get<ListenerService>(scope).CreateAsync(new ListenerInput
        {
            Name = name, Mailbox = "box@contoso.com", CredentialId = credential.Value!.Id, Enabled = false,
        }, "tests", TestContext.Current.CancellationToken);
        return listener.Value!.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        if (_ownedKeys is not null)
        {
            Directory.Delete(_ownedKeys, recursive: true);
        }
    }
}

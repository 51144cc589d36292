using Credo.Core.ApiKeys;
using Credo.Core.Users;
using Credo.Sandbox;
using Credo.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Credo.Server.Tests.Infrastructure;

/// <summary>
/// The Credo server in-process on Kestrel (127.0.0.1, free port) over a fresh data folder, with its logs captured,
/// and the sandbox authorization server beside it with one client per authentication method.
/// </summary>
public class CredoServerFixture : IAsyncLifetime
{
    public const string AdminPassword = "admin-password-for-tests";
    public const string Scope = SandboxClient.ExchangeOnlineScope;

    public static readonly SandboxClient BasicClient = new() { ClientId = "console basic", ClientSecret = "Basic-S3cret+%:/=&ü", AuthenticationMethods = [SandboxClient.ClientSecretBasic] };
    public static readonly SandboxClient PostClient = new() { ClientId = "console post", ClientSecret = "Post-S3cret+%:/=&é", AuthenticationMethods = [SandboxClient.ClientSecretPost] };

    private readonly string _data = Directory.CreateTempSubdirectory("credo-server-").FullName;
    private WebApplication? _app;
    private SandboxServer? _sandbox;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The server's data folder, for CLI commands run beside it.</summary>
    public string DataFolder => _data;

    public Uri TokenEndpoint => _sandbox!.TokenEndpoint;

    public SandboxServer Sandbox => _sandbox!;

    /// <summary>Where the server listens; a free port by default.</summary>
    protected virtual string Urls => "http://127.0.0.1:0";

    /// <summary>More configuration arguments for the server, as on its command line.</summary>
    protected virtual string[] ExtraArguments => [];

    public IServiceProvider Services => _app!.Services;

    /// <summary>Adds to the server's builder before it is built (an exporter, a service).</summary>
    protected virtual void ConfigureServer(WebApplicationBuilder builder)
    {
    }

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public virtual async ValueTask InitializeAsync()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0" };
        options.Clients.Add(BasicClient);
        options.Clients.Add(PostClient);
        ConfigureSandbox(options);
        _sandbox = await SandboxServer.StartAsync(options, cancellationToken: TestContext.Current.CancellationToken);

        _app = CredoServer.Build(
            new ServeSettings(false, _data, Urls, [$"--CREDO_ADMIN_PASSWORD={AdminPassword}", "--Logging:LogLevel:Default=Debug", .. ExtraArguments]),
            builder =>
            {
                builder.Logging.AddFakeLogging();
                ConfigureServer(builder);
            });
        await _app.StartAsync(TestContext.Current.CancellationToken);
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    public async Task AddUserAsync(string userName, string password, UserRole role)
    {
        await using var scope = Services.CreateAsyncScope();
        var error = await scope.ServiceProvider.GetRequiredService<UserService>().AddAsync(userName, password, role, "tests", TestContext.Current.CancellationToken);
        Assert.Null(error);
    }

    public async Task<string> CreateApiKeyAsync(UserRole role)
    {
        await using var scope = Services.CreateAsyncScope();
        var (_, value) = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync($"{role} key {Guid.NewGuid():N}", role, "tests", TestContext.Current.CancellationToken);
        return value;
    }

    /// <summary>Adds to the sandbox's settings before it starts.</summary>
    protected virtual void ConfigureSandbox(SandboxOptions options)
    {
    }

    /// <summary>The bytes of the database files (with any write-ahead log), for scanning.</summary>
    public async Task<byte[]> ReadDatabaseAsync()
    {
        var bytes = new List<byte>();
        foreach (var file in Directory.GetFiles(_data, "credo.db*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, TestContext.Current.CancellationToken);
            bytes.AddRange(buffer.ToArray());
        }

        return [.. bytes];
    }

    /// <summary>Asserts that no captured log line holds any of <paramref name="secrets"/>.</summary>
    public void AssertLogsHoldNone(params string[] secrets) => LogAssert.NoRecordHolds(Logs, secrets);
}

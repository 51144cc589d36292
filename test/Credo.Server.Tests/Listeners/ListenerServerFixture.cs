using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Listeners.Sources.Graph;
using Credo.Core.Listeners.Sources.Imap;
using Credo.Core.Persistence;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Server.Tests.Listeners;

/// <summary>The server with a fast engine tick and short back-offs, the sandbox beside it, and helpers to set listeners up.</summary>
public class ListenerServerFixture : CredoServerFixture
{
    protected override string[] ExtraArguments =>
    [
        "--Credo:Listeners:Tick=00:00:00.100",
        "--Credo:Listeners:InitialBackoff=00:00:00.200",
        "--Credo:Listeners:MaxBackoff=00:00:02",
        "--Credo:Listeners:MaxAttachmentMessageBytes=65536",
        "--Credo:Listeners:WebhookTimeout=00:00:05",
    ];

    /// <summary>
    /// Where the tests' credentials may send tokens: the sandbox on loopback, and the names tests use for servers that
    /// do not exist (so that those tests meet the failure they are about, not the Resource Hosts rule).
    /// </summary>
    public const string TestResourceHosts = "127.0.0.1 localhost *.example.test mail.credo-test.invalid";

    /// <summary>The environment that the CLI needs beside <c>--data</c> to open the server's database (SQLite: none).</summary>
    public virtual Dictionary<string, string> CliEnvironment => [];

    public async Task<Guid> CredentialAsync(string scope = SandboxClient.ExchangeOnlineScope, SandboxClient? client = null) =>
        (await AddCredentialAsync("Sandbox", scope: scope, client: client)).Id;

    /// <summary>
    /// A credential of the sandbox's client named after <paramref name="name"/> (made unique), whose tokens may go to
    /// <paramref name="resourceHosts"/> (null: the hosts its scope names), from the fixture's sandbox unless
    /// <paramref name="tokenEndpoint"/> names another.
    /// </summary>
    public async Task<Credential> AddCredentialAsync(
        string name, string? resourceHosts = TestResourceHosts, string scope = SandboxClient.ExchangeOnlineScope, Uri? tokenEndpoint = null, SandboxClient? client = null)
    {
        await using var services = Services.CreateAsyncScope();
        client ??= SandboxClient.Default();
        var change = await services.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
        {
            Name = $"{name} {Guid.NewGuid().ToString("N")[..8]}", ClientId = client.ClientId, ClientSecret = client.ClientSecret,
            TokenEndpoint = (tokenEndpoint ?? TokenEndpoint).ToString(), Scopes = scope, ResourceHosts = resourceHosts,
        }, "tests", TestContext.Current.CancellationToken);
        Assert.Equal(ChangeStatus.Done, change.Status);
        return change.Value!;
    }

    public async Task<EmailListener> ListenerAsync(string mailbox, Action<ListenerInput>? configure = null)
    {
        var input = new ListenerInput
        {
            Name = "Listener " + Guid.NewGuid().ToString("N")[..8],
            Settings = new ListenerSettings().Set(EwsProtocol.Id, "url", Sandbox.EwsEndpoint),
            Mailbox = mailbox,
            CredentialId = await CredentialAsync(),
            PollIntervalSeconds = 5,
        };
        configure?.Invoke(input);
        await using var scope = Services.CreateAsyncScope();
        var change = await scope.ServiceProvider.GetRequiredService<ListenerService>().CreateAsync(input, "tests", TestContext.Current.CancellationToken);
        Assert.True(change.Status == ChangeStatus.Done, string.Join("; ", change.Errors.Values));
        return change.Value!;
    }

    /// <summary>A listener over the sandbox's Microsoft Graph, with a credential for Graph's scope (of <paramref name="client"/>, default the sandbox's).</summary>
    public async Task<EmailListener> GraphListenerAsync(string mailbox, Action<ListenerInput>? configure = null, SandboxClient? client = null)
    {
        var credential = await CredentialAsync(SandboxClient.GraphScope, client);
        return await ListenerAsync(mailbox, input =>
        {
            input.Protocol = GraphProtocol.Id;
            input.Settings.Set(GraphProtocol.Id, "url", Sandbox.GraphEndpoint);
            input.CredentialId = credential;
            configure?.Invoke(input);
        });
    }

    public async Task<T> QueryAsync<T>(Func<CredoDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CredoDbContext>());
    }

    public Task<int> RecordedAsync(Guid listenerId) => QueryAsync(db => db.ReceivedMessages.CountAsync(m => m.ListenerId == listenerId));

    /// <summary>Waits (bounded, two minutes) until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 1200; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"Timed out waiting until {what}.");
    }
}

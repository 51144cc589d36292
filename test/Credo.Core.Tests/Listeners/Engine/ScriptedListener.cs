using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Credo.Core.Tests.Listeners.Engine;

/// <summary>
/// Credo.Core on a SQLite file in a test's folder, on the test's fake clock, with a scripted source as the only mail
/// source (the engine's services registered, not running), and one listener (EWS, 30 s) with a credential of its own.
/// </summary>
internal static class ScriptedListener
{
    public static async Task<(CoreServices Core, Guid CredentialId, Guid ListenerId)> StartAsync(
        string folder, TimeProvider time, ScriptedMailSource source, string name, Action<ListenerOptions> options)
    {
        var core = await CoreServices.StartAsync(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(folder, "credo.db")}" },
            Path.Combine(folder, "keys"),
            services =>
            {
                services.Replace(ServiceDescriptor.Singleton(time));
                services.AddCredoListeners(runInBackground: false);
                services.Configure(options);
                services.RemoveAll<IMailSource>();
                services.AddSingleton<IMailSource>(source);
            });

        await using var scope = core.Scope();
        var credential = await core.Get<CredentialStore>(scope).CreateAsync(new CredentialInput
        {
            Name = "Scripted", ClientId = "client", ClientSecret = "secret", TokenEndpoint = "https://login.example.test/token", Scopes = "https://outlook.office365.com/.default",
        }, "tests", TestContext.Current.CancellationToken);
        var listener = await core.Get<ListenerService>(scope).CreateAsync(new ListenerInput
        {
            Name = name, Mailbox = "box@scripted.test", CredentialId = credential.Value!.Id, PollIntervalSeconds = 30,
        }, "tests", TestContext.Current.CancellationToken);
        return (core, credential.Value.Id, listener.Value!.Id);
    }
}

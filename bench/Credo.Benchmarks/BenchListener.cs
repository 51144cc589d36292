using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Benchmarks;

/// <summary>A listener (and its credential) to record mail for, in runs that read or purge what listeners recorded.</summary>
internal static class BenchListener
{
    /// <summary>Adds a credential and a listener named <paramref name="name"/>, disabled unless <paramref name="enabled"/>; returns the listener's id.</summary>
    public static async Task<Guid> CreateAsync(IServiceProvider provider, string name, bool enabled)
    {
        await using var scope = provider.CreateAsyncScope();
        var credential = await scope.ServiceProvider.GetRequiredService<CredentialStore>().CreateAsync(new CredentialInput
        {
            Name = name, ClientId = "client", ClientSecret = "secret", TokenEndpoint = "https://login.example.test/token", Scopes = "https://outlook.office365.com/.default",
        }, "bench", CancellationToken.None);
        var change = await scope.ServiceProvider.GetRequiredService<ListenerService>().CreateAsync(new ListenerInput
        {
            Name = name, Mailbox = "box@example.test", CredentialId = credential.Value!.Id, Enabled = enabled,
        }, "bench", CancellationToken.None);
        return change.Value?.Id ?? throw new InvalidOperationException("The listener was refused: " + string.Join("; ", change.Errors.Values));
    }
}

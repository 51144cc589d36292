using Credo.Core.Credentials;
using Credo.Core.Listeners.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Ends the push subscriptions <see cref="PushEndings"/> hands over, one at a time, each with its listener's credential as it
/// was and within <see cref="EndTime"/>; a failure is logged and the server ends the subscription at its expiry.
/// </summary>
internal sealed class PushEndingService(PushEndings endings, MailSources sources, CredentialTokenSources tokenSources, IServiceScopeFactory scopes) : BackgroundService
{
    private static readonly TimeSpan EndTime = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var listener in endings.Pending.ReadAllAsync(stoppingToken))
            {
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                bounded.CancelAfter(EndTime);
                try
                {
                    await EndAsync(listener, bounded.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Bounded: the server ends it at its expiry.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is left expires at the server.
        }
    }

    private async Task EndAsync(EmailListener listener, CancellationToken cancellationToken)
    {
        if (listener.PushSubscriptionId is not { } subscriptionId || !sources.For(listener.Protocol).Succeeded)
        {
            return;
        }

        var (protocol, source) = sources.For(listener.Protocol).Value;
        if (source is not IPushSource push)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var credentials = scope.ServiceProvider.GetRequiredService<CredentialStore>();
        if (await credentials.GetAsync(listener.CredentialId, cancellationToken) is not { } credential
            || await tokenSources.GetAsync(credential.Id, credential.Version, credentials, scope.ServiceProvider.GetRequiredService<CredentialSecrets>(), cancellationToken) is not { } tokens)
        {
            return;
        }

        var mailbox = MailboxTarget.Of(listener, protocol, tokens.Source);
        await scope.ServiceProvider.GetRequiredService<PushKeeper>().EndAsync(push, mailbox, subscriptionId, cancellationToken);
    }
}

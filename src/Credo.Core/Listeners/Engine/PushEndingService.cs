using Credo.Core.Credentials;
using Credo.Core.Listeners.Sources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// Ends the push subscriptions <see cref="PushEndings"/> hands over, one at a time, each with its listener's credential as it
/// was and within <see cref="EndTime"/>; a failure is logged and the server ends the subscription at its expiry.
/// </summary>
internal sealed class PushEndingService(
    PushEndings endings, MailSources sources, CredentialTokenSources tokenSources, IServiceScopeFactory scopes, ILogger<PushEndingService> logger) : BackgroundService
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
                    Log.PushNotEnded(logger, listener.Name, listener.PushSubscriptionId ?? "", $"no answer within {EndTime.TotalSeconds:N0} s");
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
        if (listener.PushSubscriptionId is not { } subscriptionId)
        {
            return;
        }

        var found = sources.For(listener.Protocol);
        if (!found.Succeeded || found.Value.Source is not IPushSource push)
        {
            Log.PushNotEnded(logger, listener.Name, subscriptionId, $"the protocol {listener.Protocol} has no push");
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var credentials = scope.ServiceProvider.GetRequiredService<CredentialStore>();
        if (await credentials.GetAsync(listener.CredentialId, cancellationToken) is not { } credential
            || await tokenSources.GetAsync(credential.Id, credential.Version, credentials, scope.ServiceProvider.GetRequiredService<CredentialSecrets>(), cancellationToken) is not { } tokens)
        {
            Log.PushNotEnded(logger, listener.Name, subscriptionId, "its credential no longer exists");
            return;
        }

        var protocol = found.Value.Protocol;

        var mailbox = MailboxTarget.Of(listener, protocol, tokens.Source);
        await scope.ServiceProvider.GetRequiredService<PushKeeper>().EndAsync(push, mailbox, subscriptionId, cancellationToken);
    }
}

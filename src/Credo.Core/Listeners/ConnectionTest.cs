using Credo.Core.Audit;
using Credo.Core.Credentials;
using Credo.Core.Listeners.Sources;
using Credo.Core.Persistence;
using Credo.Net;
using Credo.OAuth;

namespace Credo.Core.Listeners;

/// <summary>One step of a connection test.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Succeeded">Whether it worked.</param>
/// <param name="Detail">What came of it.</param>
/// <param name="Hint">What to try, when it failed.</param>
public sealed record ConnectionStep(string Name, bool Succeeded, string Detail, string? Hint = null);

/// <summary>
/// "Test connection": with a listener's values as saved (a typed, unsaved address never receives a token), gets a
/// token with its credential, then opens the mailbox folder through the listener's mail source, and reports each step
/// as Validate does. Nothing in the mailbox is changed; the test is written to the audit log.
/// </summary>
public sealed class ConnectionTest(ListenerService listeners, CredentialStore credentials, CredentialSecrets secrets, ITokenClient tokens, MailSources sources, AuditLog audit, CredoDbContext db)
{
    /// <summary>Runs the steps until one fails; null when there is no such listener.</summary>
    public async Task<IReadOnlyList<ConnectionStep>?> RunAsync(Guid listenerId, string actor, CancellationToken cancellationToken)
    {
        if (await listeners.FindAsync(listenerId.ToString(), cancellationToken) is not { } listener)
        {
            return null;
        }

        var steps = await StepsAsync(listener, cancellationToken);
        var last = steps[^1];
        audit.Record(actor, "test", "listener", listener.Id.ToString(), listener.Name,
            last.Succeeded ? "connection test succeeded" : $"connection test failed at {last.Name}: {Truncate(last.Detail, 1000)}");
        await db.SaveChangesAsync(cancellationToken);
        return steps;
    }

    private async Task<List<ConnectionStep>> StepsAsync(EmailListener listener, CancellationToken cancellationToken)
    {
        var steps = new List<ConnectionStep>();
        var source = sources.For(listener.Protocol);
        if (!source.Succeeded)
        {
            steps.Add(new ConnectionStep("Protocol", false, source.Error.Message, source.Error.Hint));
            return steps;
        }

        if (await credentials.GetAsync(listener.CredentialId, cancellationToken) is not { } credential)
        {
            steps.Add(new ConnectionStep("Credential", false, "The listener's credential no longer exists.", "Choose a credential in the listener's settings."));
            return steps;
        }

        if (TokenDestination.Refuse(source.Value.Protocol, TokenDestination.Of(listener), credential) is { } refused)
        {
            steps.Add(new ConnectionStep("Token destination", false, refused.Message, TokenDestination.RefusedHint));
            return steps;
        }

        // A Secret Reference is read now, as Validate reads it: the test checks the vault as it is.
        var clientCredentials = await secrets.ClientCredentialsAsync(credential, fresh: true, cancellationToken);
        using var certificate = clientCredentials.Value.Credentials?.Certificate;
        var token = clientCredentials.Succeeded ? await tokens.RequestTokenAsync(clientCredentials.Value.Credentials!, cancellationToken) : clientCredentials.Error;
        var origin = clientCredentials.Value.Read is { } read ? $" (secret {read.Origin})" : "";
        if (!token.Succeeded)
        {
            steps.Add(new ConnectionStep("Token", false, $"{token.Error.Stage}: {token.Error.Message}{origin}", token.Error.Hint));
            return steps;
        }

        var claims = token.Value.ReadJwtClaims();
        steps.Add(new ConnectionStep("Token", true,
            $"\"{credential.Name}\" obtained a Bearer token valid for {token.Value.Lifetime:g}{origin}" +
            (claims is null ? "." : $"; audience {string.Join(", ", claims.Audiences)}; roles {(claims.Roles.Count == 0 ? "none" : string.Join(", ", claims.Roles))}.")));

        var folder = await source.Value.Source.TestAsync(MailboxTarget.Of(listener, source.Value.Protocol, new FixedTokenSource(token.Value)), cancellationToken);
        steps.Add(folder.Succeeded
            ? new ConnectionStep("Mailbox and folder", true, folder.Value)
            : new ConnectionStep("Mailbox and folder", false, folder.Error.Message, folder.Error.Hint));
        return steps;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    private sealed class FixedTokenSource(AccessToken token) : IAccessTokenSource
    {
        public ValueTask<Result<AccessToken, TokenFailure>> GetTokenAsync(CancellationToken cancellationToken) => new(Result.Success(token));

        public void Reject(AccessToken token)
        {
        }
    }
}

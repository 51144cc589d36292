using Credo.Core.Credentials;
using Credo.Ews;
using Credo.OAuth;
using Credo.OAuth.Outbound;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners;

/// <summary>One step of a connection test.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Succeeded">Whether it worked.</param>
/// <param name="Detail">What came of it.</param>
/// <param name="Hint">What to try, when it failed.</param>
public sealed record ConnectionStep(string Name, bool Succeeded, string Detail, string? Hint = null);

/// <summary>
/// "Test connection": with a listener's values as typed, gets a token with its credential, then opens the mailbox
/// folder over EWS, and reports each step as Validate does. Nothing is recorded or changed.
/// </summary>
public sealed class ConnectionTest(CredentialService credentials, ITokenClient tokens, IEwsClient ews, IOptionsMonitor<OutboundOptions> outbound)
{
    /// <summary>Runs the steps until one fails.</summary>
    public async Task<IReadOnlyList<ConnectionStep>> RunAsync(ListenerInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var steps = new List<ConnectionStep>();
        if (input.CredentialId is not { } credentialId || await credentials.GetAsync(credentialId, cancellationToken) is not { } credential)
        {
            steps.Add(new ConnectionStep("Credential", false, "No credential is chosen.", "Choose an OAuth2 Client Credentials credential."));
            return steps;
        }

        var token = await tokens.RequestTokenAsync(credentials.ToClientCredentials(credential), cancellationToken);
        if (!token.Succeeded)
        {
            steps.Add(new ConnectionStep("Token", false, $"{token.Failure.Stage}: {token.Failure.Message}", token.Failure.Hint));
            return steps;
        }

        var claims = token.Token.ReadJwtClaims();
        steps.Add(new ConnectionStep("Token", true,
            $"\"{credential.Name}\" obtained a Bearer token valid for {token.Token.Lifetime:g}" +
            (claims is null ? "." : $"; audience {string.Join(", ", claims.Audiences)}; roles {(claims.Roles.Count == 0 ? "none" : string.Join(", ", claims.Roles))}.")));

        if (!OutboundAddress.TryParse(input.EwsUrl, outbound.CurrentValue.AllowHttp, "EWS URL", out var ewsUrl, out var urlError))
        {
            steps.Add(new ConnectionStep("Mailbox and folder", false, urlError));
            return steps;
        }

        var mailbox = new EwsMailbox(ewsUrl, input.Mailbox?.Trim() ?? "", new FixedTokenSource(token.Token));
        var folder = await ews.ResolveFolderAsync(mailbox, input.Folder ?? "Inbox", cancellationToken);
        steps.Add(folder.Succeeded
            ? new ConnectionStep("Mailbox and folder", true, $"{mailbox.SmtpAddress} › {input.Folder}: {folder.Value.TotalCount} item(s), {folder.Value.UnreadCount} unread.")
            : new ConnectionStep("Mailbox and folder", false, folder.Error.ToString(), folder.Error.Hint));
        return steps;
    }

    private sealed class FixedTokenSource(AccessToken token) : IAccessTokenSource
    {
        public ValueTask<TokenResult> GetTokenAsync(CancellationToken cancellationToken) => new(TokenResult.Success(token));

        public void Reject(AccessToken token)
        {
        }
    }
}

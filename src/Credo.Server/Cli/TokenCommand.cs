using System.CommandLine;
using System.Text.Json;
using Credo.OAuth;
using Credo.OAuth.Outbound;
using Microsoft.Extensions.Options;

namespace Credo.Server.Cli;

/// <summary><c>credo token</c>: one client credentials token request, printed as JSON.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var endpoint = new Option<string>("--token-endpoint") { Description = "Token endpoint URL (https, or http to loopback).", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "Client identifier.", Required = true };
        var clientSecret = new Option<string?>("--client-secret") { Description = "Client secret. Prefer --client-secret-stdin: a flag is visible to other users of this machine." };
        var secretStdin = new Option<bool>("--client-secret-stdin") { Description = "Read the client secret from standard input (or prompt for it without echo)." };
        var scope = new Option<string>("--scope") { Description = "Scopes separated by spaces, for example \"https://outlook.office365.com/.default\".", Required = true };
        var auth = new Option<string>("--auth") { Description = "Client authentication: basic (HTTP Basic, default) or body (in the request body, recommended for Microsoft Entra).", DefaultValueFactory = _ => "basic" };
        auth.AcceptOnlyFromAmong("basic", "body");
        var json = new Option<bool>("--json") { Description = "On failure, print the error as JSON on standard output." };

        var command = new Command("token", "Request an access token with the client credentials grant and print {access_token, token_type, expires_in, scope} as JSON.")
        {
            endpoint, clientId, clientSecret, secretStdin, scope, auth, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var secret = parse.GetValue(clientSecret);
            var fromStdin = parse.GetValue(secretStdin);
            if (secret is not null && fromStdin)
            {
                return await CommandOutput.BadInputAsync("token", ["Give the client secret either with --client-secret or with --client-secret-stdin, not both."]);
            }

            if (secret is null && !fromStdin)
            {
                return await CommandOutput.BadInputAsync("token", ["Give the client secret with --client-secret-stdin (recommended) or --client-secret."]);
            }

            secret ??= await SecretInput.ReadAsync("Client secret: ", cancellationToken);
            ServiceProvider services;
            try
            {
                services = CliServices.Build();
            }
            catch (OptionsValidationException e)
            {
                return await CommandOutput.BadInputAsync("token", e.Failures);
            }

            await using var _ = services;
            return await RunAsync(
                services,
                parse.GetRequiredValue(endpoint),
                parse.GetRequiredValue(clientId),
                secret,
                parse.GetRequiredValue(scope),
                parse.GetRequiredValue(auth) == "body" ? ClientAuthenticationMethod.ClientSecretPost : ClientAuthenticationMethod.ClientSecretBasic,
                parse.GetValue(json),
                cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        IServiceProvider services,
        string endpointText,
        string clientId,
        string secret,
        string scopeText,
        ClientAuthenticationMethod method,
        bool json,
        CancellationToken cancellationToken)
    {
        var outbound = services.GetRequiredService<IOptions<OutboundOptions>>().Value;
        var errors = new List<string>();
        if (!OutboundAddress.TryParse(endpointText, outbound.AllowHttp, "token endpoint", out var tokenEndpoint, out var endpointError))
        {
            errors.Add(endpointError);
        }

        errors.AddRange(new[] { ClientCredentialsRules.CheckClientId(clientId), ClientCredentialsRules.CheckClientSecret(secret) }.OfType<string>());
        if (!ScopeSet.TryParse(scopeText, out var scopes, out var scopeError))
        {
            errors.Add(scopeError);
        }

        if (errors.Count > 0 || tokenEndpoint is null || scopes is null)
        {
            return await CommandOutput.BadInputAsync("token", errors);
        }

        var credentials = new ClientCredentials(tokenEndpoint, clientId, new Secret(secret), scopes, method);
        var result = await services.GetRequiredService<ITokenClient>().RequestTokenAsync(credentials, cancellationToken);
        if (!result.Succeeded)
        {
            return await CommandOutput.FailureAsync("token", result.Failure, json);
        }

        var token = result.Token;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var output = new TokenOutput(
            token.Value,
            token.TokenType,
            (long)Math.Max(0, Math.Round((token.ExpiresAt - now).TotalSeconds)),
            token.GrantedScope ?? scopes.Value);
        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(output, CliJson.Relaxed.TokenOutput));
        return ExitCodes.Success;
    }
}

using System.CommandLine;
using System.Text.Json;
using Credo.Net.Outbound;
using Credo.OAuth;
using Microsoft.Extensions.Options;

namespace Credo.Server.Cli;

/// <summary><c>credo token</c>: one client credentials token request, with a secret or a certificate, printed as JSON.</summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var endpoint = new Option<string>("--token-endpoint") { Description = "Token endpoint URL (https, or http to loopback).", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "Client identifier.", Required = true };
        var clientSecret = new Option<string?>("--client-secret") { Description = "Client secret. Prefer --client-secret-stdin: a flag is visible to other users of this machine." };
        var secretStdin = new Option<bool>("--client-secret-stdin") { Description = "Read the client secret from standard input (or prompt for it without echo)." };
        var certificate = new Option<FileInfo?>("--certificate") { Description = "Authenticate with a client assertion signed by this certificate's key instead of a secret: PEM (certificate and private key) or .pfx/.p12." };
        var passwordStdin = new Option<bool>("--certificate-password-stdin") { Description = "Read the password of the certificate file (an encrypted key or .pfx) from standard input (or prompt for it without echo)." };
        var algorithm = new Option<string?>("--signing-algorithm") { Description = "How the client assertion is signed: PS256 (default for RSA keys), RS256, or ES256 (EC P-256 keys)." };
        algorithm.AcceptOnlyFromAmong(Enum.GetNames<SigningAlgorithm>());
        var scope = new Option<string>("--scope") { Description = "Scopes separated by spaces, for example \"https://outlook.office365.com/.default\".", Required = true };
        var auth = new Option<string>("--auth") { Description = "Client authentication with a secret: basic (HTTP Basic, default) or body (in the request body, recommended for Microsoft Entra).", DefaultValueFactory = _ => "basic" };
        auth.AcceptOnlyFromAmong("basic", "body");
        var json = new Option<bool>("--json") { Description = "On failure, print the error as JSON on standard output." };

        var command = new Command("token", "Request an access token with the client credentials grant and print {access_token, token_type, expires_in, scope} as JSON.")
        {
            endpoint, clientId, clientSecret, secretStdin, certificate, passwordStdin, algorithm, scope, auth, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var secret = parse.GetValue(clientSecret);
            var fromStdin = parse.GetValue(secretStdin);
            var certificateFile = parse.GetValue(certificate);
            if (certificateFile is not null)
            {
                if (secret is not null || fromStdin)
                {
                    return await CommandOutput.BadInputAsync("token", ["Give either a client secret or --certificate, not both."]);
                }

                if (parse.GetResult(auth) is { Implicit: false })
                {
                    return await CommandOutput.BadInputAsync("token", ["--auth chooses how a secret is sent; with --certificate the client sends a signed client assertion in the body. Leave --auth out."]);
                }

                var (loaded, loadError) = await LoadCertificateAsync(certificateFile, parse.GetValue(passwordStdin), cancellationToken);
                if (loaded is null)
                {
                    return await CommandOutput.BadInputAsync("token", [loadError!]);
                }

                using (loaded)
                {
                    var chosen = parse.GetValue(algorithm) is { } name ? Enum.Parse<SigningAlgorithm>(name) : loaded.DefaultAlgorithm;
                    if (loaded.CheckAlgorithm(chosen) is { } algorithmError)
                    {
                        return await CommandOutput.BadInputAsync("token", [algorithmError]);
                    }

                    return await WithServicesAsync(services => RunAsync(
                        services,
                        parse.GetRequiredValue(endpoint),
                        parse.GetRequiredValue(clientId),
                        parse.GetRequiredValue(scope),
                        [],
                        (tokenEndpoint, scopes) => new ClientCredentials(tokenEndpoint, parse.GetRequiredValue(clientId), loaded, scopes, chosen),
                        parse.GetValue(json),
                        cancellationToken));
                }
            }

            if (parse.GetValue(passwordStdin) || parse.GetValue(algorithm) is not null)
            {
                return await CommandOutput.BadInputAsync("token", ["--certificate-password-stdin and --signing-algorithm go with --certificate."]);
            }

            if (secret is not null && fromStdin)
            {
                return await CommandOutput.BadInputAsync("token", ["Give the client secret either with --client-secret or with --client-secret-stdin, not both."]);
            }

            if (secret is null && !fromStdin)
            {
                return await CommandOutput.BadInputAsync("token", ["Give the client secret with --client-secret-stdin (recommended) or --client-secret, or a certificate with --certificate."]);
            }

            secret ??= await SecretInput.ReadAsync("Client secret: ", cancellationToken);
            var method = parse.GetRequiredValue(auth) == "body" ? ClientAuthenticationMethod.ClientSecretPost : ClientAuthenticationMethod.ClientSecretBasic;
            return await WithServicesAsync(services => RunAsync(
                services,
                parse.GetRequiredValue(endpoint),
                parse.GetRequiredValue(clientId),
                parse.GetRequiredValue(scope),
                [ClientCredentialsRules.CheckClientSecret(secret)],
                (tokenEndpoint, scopes) => new ClientCredentials(tokenEndpoint, parse.GetRequiredValue(clientId), new Secret(secret), scopes, method),
                parse.GetValue(json),
                cancellationToken));
        });
        return command;
    }

    private static async Task<(ClientCertificate? Certificate, string? Error)> LoadCertificateAsync(FileInfo file, bool passwordFromStdin, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            if (file.Exists && file.Length > ClientCertificate.MaxFileBytes)
            {
                return (null, $"The certificate file {file.FullName} is {file.Length} bytes long; at most {ClientCertificate.MaxFileBytes} are accepted.");
            }

            bytes = await File.ReadAllBytesAsync(file.FullName, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"The certificate file {file.FullName} cannot be read: {e.Message}");
        }

        var password = passwordFromStdin ? await SecretInput.ReadAsync("Certificate password: ", cancellationToken) : null;
        try
        {
            var load = ClientCertificate.Load(bytes, password);
            return load.Succeeded ? (load.Value, null) : (null, $"{file.Name}: {load.Error}");
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static async Task<int> WithServicesAsync(Func<IServiceProvider, Task<int>> run)
    {
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
        return await run(services);
    }

    private static async Task<int> RunAsync(
        IServiceProvider services,
        string endpointText,
        string clientId,
        string scopeText,
        IEnumerable<string?> authenticationErrors,
        Func<Uri, ScopeSet, ClientCredentials> credentialsFor,
        bool json,
        CancellationToken cancellationToken)
    {
        var outbound = services.GetRequiredService<IOptions<OutboundOptions>>().Value;
        var errors = new List<string>();
        if (!OutboundAddress.TryParse(endpointText, outbound.AllowHttp, "token endpoint", out var tokenEndpoint, out var endpointError))
        {
            errors.Add(endpointError);
        }

        errors.AddRange(authenticationErrors.Prepend(ClientCredentialsRules.CheckClientId(clientId)).OfType<string>());
        if (!ScopeSet.TryParse(scopeText, out var scopes, out var scopeError))
        {
            errors.Add(scopeError);
        }

        if (errors.Count > 0 || tokenEndpoint is null || scopes is null)
        {
            return await CommandOutput.BadInputAsync("token", errors);
        }

        var credentials = credentialsFor(tokenEndpoint, scopes);
        var result = await services.GetRequiredService<ITokenClient>().RequestTokenAsync(credentials, cancellationToken);
        if (!result.Succeeded)
        {
            return await CommandOutput.FailureAsync("token", result.Error, json);
        }

        var token = result.Value;
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

using System.CommandLine;
using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Text;
using Credo.Net.Text;
using Credo.OAuth;
using Credo.Server.Api;

namespace Credo.Server.Cli;

/// <summary><c>credo credentials list|show|add|update|delete|validate</c>: the console's credential operations.</summary>
internal static class CredentialsCommand
{
    public static Command Create()
    {
        var command = new Command("credentials", "OAuth2 Client Credentials (secret or certificate): list, show, add, update, delete, validate.");
        command.Add(List());
        command.Add(Show());
        command.Add(Add());
        command.Add(Update());
        command.Add(Delete());
        command.Add(Validate());
        return command;
    }

    private static Command List()
    {
        var json = JsonOption();
        var command = new Command("list", "List the credentials.") { json };
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "credentials list", async services =>
        {
            var all = await services.GetRequiredService<CredentialStore>().ListAsync(ct);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            await CommandOutput.WriteAsync(parse.GetValue(json), all.Select(c => CredentialDto.From(c, now)).ToList(), _ => all.Count == 0
                ? "No credentials.\n"
                : CommandOutput.Table(
                    ["NAME", "CLIENT IDENTIFIER", "METHOD", "EXPIRY", "LAST VALIDATION", "TOKEN ENDPOINT"],
                    all.Select(c => new[] { c.Name, c.ClientId, Method(c), Expiry(c, now), LastValidation(c), c.TokenEndpoint })));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Show()
    {
        var name = NameArgument();
        var json = JsonOption();
        var command = new Command("show", "Show one credential (never its secret).") { name, json };
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "credentials show", async services =>
        {
            if (await FindAsync(services, parse.GetRequiredValue(name), "credentials show", ct) is not { } c)
            {
                return ExitCodes.BadInput;
            }

            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var key = c.SecretReference is not null
                ? $"Secret Reference       {DisplayText.Clean(c.SecretReference)} ({(c.Type == CredentialType.OAuth2ClientCertificate ? "certificate" : "client secret")} read from it, never stored)"
                : c.Type == CredentialType.OAuth2ClientCertificate
                ? $"""
                   Certificate            {DisplayText.Clean(c.CertificateSubject)} (stored, write-only key)
                   SHA-256 thumbprint     {c.CertificateThumbprint}
                   Signing Algorithm      {c.SigningAlgorithm}
                   """
                : "Client Secret          (stored, write-only)";
            await CommandOutput.WriteAsync(parse.GetValue(json), CredentialDto.From(c, now), _ => $"""
                   Name                   {DisplayText.Clean(c.Name)}
                   Id                     {c.Id}
                   Type                   {c.Type}
                   Client Identifier      {DisplayText.Clean(c.ClientId)}
                   {key}
                   Expiry                 {Expiry(c, now)}
                   Token Endpoint         {DisplayText.Clean(c.TokenEndpoint)}
                   Scopes                 {DisplayText.Clean(c.Scopes)}
                   Resource Hosts         {DisplayText.Clean(CredentialResources.Describe(CredentialResources.HostsOf(c)))}
                   Authentication Method  {c.AuthenticationMethod}
                   Version                {c.Version}
                   Last validation        {LastValidation(c)}{(c.LastValidationSummary is null ? "" : " — " + DisplayText.Clean(c.LastValidationSummary))}

                   """);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Add()
    {
        var options = new FieldOptions(required: true);
        var command = new Command("add", "Add an OAuth2 Client Credentials credential, with a client secret or (--certificate) a certificate.");
        options.AddTo(command);
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "credentials add", async services =>
        {
            var input = await options.ReadAsync(parse, null, ct);
            if (input is null)
            {
                return ExitCodes.BadInput;
            }

            var change = await services.GetRequiredService<CredentialStore>().CreateAsync(input, DataCommand.Actor, ct);
            return await ReportAsync("credentials add", change, "Added");
        }, ct));
        return command;
    }

    private static Command Update()
    {
        var name = NameArgument();
        var options = new FieldOptions(required: false);
        var command = new Command("update", "Change a credential; only the flags given change, and the secret is kept unless a new one is given (changing --token-endpoint or --client-id needs it given again).") { name };
        options.AddTo(command);
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "credentials update", async services =>
        {
            var credentials = services.GetRequiredService<CredentialStore>();
            if (await FindAsync(services, parse.GetRequiredValue(name), "credentials update", ct) is not { } current)
            {
                return ExitCodes.BadInput;
            }

            var input = await options.ReadAsync(parse, current, ct);
            if (input is null)
            {
                return ExitCodes.BadInput;
            }

            var change = await credentials.UpdateAsync(current.Id, current.Version, input, DataCommand.Actor, ct);
            return await ReportAsync("credentials update", change, "Updated");
        }, ct));
        return command;
    }

    private static Command Delete()
    {
        var name = NameArgument();
        var command = new Command("delete", "Delete a credential and its stored secret.") { name };
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "credentials delete", async services =>
        {
            if (await FindAsync(services, parse.GetRequiredValue(name), "credentials delete", ct) is not { } current)
            {
                return ExitCodes.BadInput;
            }

            var change = await services.GetRequiredService<CredentialStore>().DeleteAsync(current.Id, DataCommand.Actor, ct);
            return await ReportAsync("credentials delete", change, "Deleted");
        }, ct));
        return command;
    }

    private static Command Validate()
    {
        var name = NameArgument();
        var json = JsonOption();
        var command = new Command("validate", "Run a token request with the stored values and report the outcome (never the token).") { name, json };
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "credentials validate", async services =>
        {
            if (await FindAsync(services, parse.GetRequiredValue(name), "credentials validate", ct) is not { } current)
            {
                return ExitCodes.BadInput;
            }

            var validation = await services.GetRequiredService<CredentialValidator>().ValidateAsync(CredentialInputs.From(current), current.Id, DataCommand.Actor, ct);
            if (validation.Errors.Count > 0)
            {
                return await CommandOutput.BadInputAsync("credentials validate", validation.Errors.Select(e => $"{CredentialFields.Label(e.Key)}: {e.Value}"));
            }

            if (parse.GetValue(json))
            {
                await CommandOutput.WriteJsonAsync(ValidationReportDto.From(validation));
            }
            else if (validation.Succeeded)
            {
                await Console.Out.WriteLineAsync(DisplayText.Clean(validation.Summary));
            }
            else
            {
                await Console.Error.WriteLineAsync($"credo credentials validate: {DisplayText.Clean(validation.Failure!.Message)}");
                if (validation.Failure.Hint is not null)
                {
                    await Console.Error.WriteLineAsync($"hint: {DisplayText.Clean(validation.Failure.Hint)}");
                }

                if (validation.LikelyCause is not null)
                {
                    await Console.Error.WriteLineAsync($"likely cause: {DisplayText.Clean(validation.LikelyCause)}");
                }
            }

            return validation.Succeeded ? ExitCodes.Success : CommandOutput.ExitCodeOf(validation.Failure!);
        }, ct));
        return command;
    }

    private static async Task<Credential?> FindAsync(IServiceProvider services, string nameOrId, string command, CancellationToken ct)
    {
        var credential = await services.GetRequiredService<CredentialStore>().FindAsync(nameOrId, ct);
        if (credential is null)
        {
            await CommandOutput.BadInputAsync(command, [$"There is no credential named \"{nameOrId}\"; 'credo credentials list' shows the names."]);
        }

        return credential;
    }

    private static async Task<int> ReportAsync(string command, Change<Credential> change, string done)
    {
        switch (change.Status)
        {
            case ChangeStatus.Done:
                await Console.Out.WriteLineAsync($"{done} \"{DisplayText.Clean(change.Value!.Name)}\" ({change.Value.Id}, version {change.Value.Version}).");
                return ExitCodes.Success;
            case ChangeStatus.Invalid:
                return await CommandOutput.BadInputAsync(command, change.Errors.Select(e => $"{CredentialFields.Label(e.Key)}: {e.Value}"));
            default:
                return await CommandOutput.BadInputAsync(command, [change.Message ?? change.Status.ToString()]);
        }
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The credential's name (any case) or id." };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON." };

    private static string Method(Credential c) => c.AuthenticationMethod switch
    {
        ClientAuthenticationMethod.ClientSecretBasic => "basic",
        ClientAuthenticationMethod.ClientSecretPost => "body",
        _ => $"cert {c.SigningAlgorithm}",
    };

    private static string Expiry(Credential c, DateTimeOffset now) => CredentialExpiry.Of(c, now) is { } expiry
        ? (expiry.Soon ? "! " : expiry.Expired ? "!! " : "") + expiry.Text
        : "-";

    private static string LastValidation(Credential c) =>
        c.LastValidatedAt is not { } at ? "Not validated" : $"{(c.LastValidationSucceeded == true ? "Valid" : "Failed")} {at:yyyy-MM-dd HH:mm}";

    /// <summary>The flags of add and update; on update each is optional and an absent one keeps the stored value.</summary>
    private sealed class FieldOptions(bool required)
    {
        private readonly Option<string?> _name = new("--name") { Description = "Name (1–100 characters, unique regardless of case).", Required = required };
        private readonly Option<string?> _clientId = new("--client-id") { Description = "Client identifier.", Required = required };
        private readonly Option<string?> _secret = new("--client-secret") { Description = "Client secret. Prefer --client-secret-stdin: a flag is visible to other users of this machine." };
        private readonly Option<bool> _secretStdin = new("--client-secret-stdin") { Description = "Read the client secret from standard input (or type it without echo)." };
        private readonly Option<string?> _endpoint = new("--token-endpoint") { Description = "Token endpoint URL.", Required = required };
        private readonly Option<string?> _scope = new("--scope") { Description = "Scopes separated by spaces.", Required = required };
        private readonly Option<string?> _auth = CreateAuth();
        private readonly Option<string?> _resourceHosts = new("--resource-hosts")
        {
            Description = "The hosts its tokens may be sent to, separated by spaces (host, host:port or *.domain); default: the hosts the scopes name. \"\" returns to those on update. Changing them needs the secret or certificate again.",
        };
        private readonly Option<string?> _secretExpires = new("--secret-expires") { Description = "The day the client secret expires (YYYY-MM-DD); the list then warns 30 days ahead. \"none\" clears it on update." };
        private readonly Option<FileInfo?> _certificate = new("--certificate") { Description = "Authenticate with a certificate instead of a secret: a PEM file (certificate and private key) or a .pfx/.p12 file." };
        private readonly Option<bool> _certificatePasswordStdin = new("--certificate-password-stdin") { Description = "Read the password of an encrypted key or PKCS#12 file from standard input (or type it without echo); it is not stored." };
        private readonly Option<string?> _algorithm = CreateAlgorithm();
        private readonly Option<string?> _secretRef = new("--secret-ref")
        {
            Description = "Read the client secret from a secret source instead of storing it: keyvault://NAME/SECRET[/VERSION], vault://NAME/MOUNT/PATH#KEY, env:VARIABLE or file:/PATH (README, \"Secret sources\").",
        };
        private readonly Option<string?> _certificateRef = new("--certificate-ref")
        {
            Description = "Read the certificate (PEM with its key, or a PFX without password) from a secret source instead of storing it; the same references as --secret-ref.",
        };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _name, _clientId, _secret, _secretStdin, _secretRef, _endpoint, _scope, _resourceHosts, _auth, _secretExpires, _certificate, _certificateRef, _certificatePasswordStdin, _algorithm })
            {
                command.Add(option);
            }
        }

        /// <summary>The input, or <see langword="null"/> after reporting a usage error.</summary>
        public async Task<CredentialInput?> ReadAsync(ParseResult parse, Credential? current, CancellationToken ct)
        {
            var command = parse.CommandResult.Command.Name;
            var certificateFile = parse.GetValue(_certificate);
            var secretRef = parse.GetValue(_secretRef);
            if (current?.Type == CredentialType.OAuth2ClientCertificate || (current is null && (certificateFile is not null || parse.GetValue(_certificateRef) is not null)))
            {
                if (secretRef is not null)
                {
                    await CommandOutput.BadInputAsync(command, ["A certificate credential reads its certificate with --certificate-ref, not --secret-ref."]);
                    return null;
                }

                return await ReadCertificateAsync(parse, current, certificateFile, ct);
            }

            if (certificateFile is not null || parse.GetValue(_certificateRef) is not null || parse.GetValue(_certificatePasswordStdin) || parse.GetValue(_algorithm) is not null)
            {
                await CommandOutput.BadInputAsync(command, [$"\"{current!.Name}\" authenticates with a client secret; a credential's type cannot change. Add a new credential with --certificate instead."]);
                return null;
            }

            var secret = parse.GetValue(_secret);
            var fromStdin = parse.GetValue(_secretStdin);
            if ((secret is not null ? 1 : 0) + (fromStdin ? 1 : 0) + (secretRef is not null ? 1 : 0) > 1)
            {
                await CommandOutput.BadInputAsync(command, ["Give the client secret one way: --client-secret, --client-secret-stdin or --secret-ref."]);
                return null;
            }

            if (current is null && secret is null && !fromStdin && secretRef is null)
            {
                await CommandOutput.BadInputAsync(parse.CommandResult.Command.Name, ["Give the client secret with --client-secret-stdin (recommended) or --client-secret, or where to read it with --secret-ref."]);
                return null;
            }

            if (fromStdin)
            {
                secret = await SecretInput.ReadAsync("Client secret: ", ct);
            }

            if (!TryExpiry(parse.GetValue(_secretExpires), current?.SecretExpiresOn, out var expires))
            {
                await CommandOutput.BadInputAsync(command, ["--secret-expires takes a date as YYYY-MM-DD (or \"none\" to clear it)."]);
                return null;
            }

            var auth = parse.GetValue(_auth);
            var input = new CredentialInput
            {
                SecretExpiresOn = expires,
                Name = parse.GetValue(_name) ?? current?.Name,
                ClientId = parse.GetValue(_clientId) ?? current?.ClientId,
                ClientSecret = secret,
                SecretReference = secretRef,
                TokenEndpoint = parse.GetValue(_endpoint) ?? current?.TokenEndpoint,
                Scopes = parse.GetValue(_scope) ?? current?.Scopes,
                ResourceHosts = parse.GetValue(_resourceHosts) ?? current?.ResourceHosts,
                AuthenticationMethod = auth is null
                    ? current?.AuthenticationMethod ?? ClientAuthenticationMethod.ClientSecretBasic
                    : auth == "body" ? ClientAuthenticationMethod.ClientSecretPost : ClientAuthenticationMethod.ClientSecretBasic,
            };

            return await RefuseRedirectAsync(command, current, input) ? null : input;
        }

        // The stored secret, certificate or reference goes only where it was saved for; the message says which flag gives it again.
        private static async Task<bool> RefuseRedirectAsync(string command, Credential? current, CredentialInput input)
        {
            if (current is null || !CredentialRules.RedirectsStoredSecret(current, input))
            {
                return false;
            }

            var (field, message) = CredentialRules.Retype(current);
            await CommandOutput.BadInputAsync(command, [message + (field == CredentialFields.SecretReference
                ? current.Type == CredentialType.OAuth2ClientCertificate ? " Give it with --certificate-ref." : " Give it with --secret-ref."
                : field == CredentialFields.Certificate ? " Give it with --certificate FILE."
                : " Give it with --client-secret-stdin (recommended) or --client-secret.")]);
            return true;
        }

        private async Task<CredentialInput?> ReadCertificateAsync(ParseResult parse, Credential? current, FileInfo? file, CancellationToken ct)
        {
            var command = parse.CommandResult.Command.Name;
            if (parse.GetValue(_secret) is not null || parse.GetValue(_secretStdin) || parse.GetValue(_auth) is not null || parse.GetValue(_secretExpires) is not null)
            {
                await CommandOutput.BadInputAsync(command, ["A certificate credential takes no client secret, --auth or --secret-expires: its expiry is the certificate's."]);
                return null;
            }

            var reference = parse.GetValue(_certificateRef);
            if (reference is not null && file is not null)
            {
                await CommandOutput.BadInputAsync(command, ["Give the certificate either with --certificate FILE or with --certificate-ref, not both."]);
                return null;
            }

            byte[]? bytes = null;
            if (file is not null)
            {
                if (!file.Exists)
                {
                    await CommandOutput.BadInputAsync(command, [$"There is no file {file.FullName}."]);
                    return null;
                }

                if (file.Length > ClientCertificate.MaxFileBytes)
                {
                    await CommandOutput.BadInputAsync(command, [$"{file.Name} is larger than a certificate file can be ({ClientCertificate.MaxFileBytes} bytes)."]);
                    return null;
                }

                bytes = await File.ReadAllBytesAsync(file.FullName, ct);
            }
            else if (parse.GetValue(_certificatePasswordStdin))
            {
                await CommandOutput.BadInputAsync(command, ["--certificate-password-stdin goes with --certificate FILE."]);
                return null;
            }

            var password = parse.GetValue(_certificatePasswordStdin) ? await SecretInput.ReadAsync("Certificate password: ", ct) : null;
            var algorithm = parse.GetValue(_algorithm) is { } named ? Enum.Parse<SigningAlgorithm>(named)
                : file is null ? current?.SigningAlgorithm
                : null;
            var input = new CredentialInput
            {
                Type = CredentialType.OAuth2ClientCertificate,
                Name = parse.GetValue(_name) ?? current?.Name,
                ClientId = parse.GetValue(_clientId) ?? current?.ClientId,
                TokenEndpoint = parse.GetValue(_endpoint) ?? current?.TokenEndpoint,
                Scopes = parse.GetValue(_scope) ?? current?.Scopes,
                ResourceHosts = parse.GetValue(_resourceHosts) ?? current?.ResourceHosts,
                CertificateFile = bytes,
                CertificatePassword = password,
                SigningAlgorithm = algorithm,
                SecretReference = reference,
            };

            return await RefuseRedirectAsync(command, current, input) ? null : input;
        }

        private static bool TryExpiry(string? text, DateOnly? current, out DateOnly? expires)
        {
            expires = current;
            if (text is null)
            {
                return true;
            }

            if (text.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                expires = null;
                return true;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
            {
                expires = day;
                return true;
            }

            return false;
        }

        private static Option<string?> CreateAlgorithm()
        {
            var algorithm = new Option<string?>("--signing-algorithm") { Description = "PS256 (default for RSA keys), RS256, or ES256 (EC P-256 keys)." };
            algorithm.AcceptOnlyFromAmong(nameof(SigningAlgorithm.PS256), nameof(SigningAlgorithm.RS256), nameof(SigningAlgorithm.ES256));
            return algorithm;
        }

        private static Option<string?> CreateAuth()
        {
            var auth = new Option<string?>("--auth") { Description = "basic (HTTP Basic, default) or body (in the request body, recommended for Microsoft Entra)." };
            auth.AcceptOnlyFromAmong("basic", "body");
            return auth;
        }
    }
}

using System.CommandLine;
using System.Text;
using System.Text.Json;
using Credo.Core.Credentials;
using Credo.OAuth;
using Credo.Server.Api;

namespace Credo.Server.Cli;

/// <summary><c>credo credentials list|show|add|update|delete|validate</c>: the console's credential operations.</summary>
internal static class CredentialsCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static Command Create()
    {
        var command = new Command("credentials", "OAuth2 Client Credentials: list, show, add, update, delete, validate.");
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
            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(all.Select(CredentialDto.From), Json));
                return ExitCodes.Success;
            }

            var table = new StringBuilder();
            table.AppendLine($"{"NAME",-32} {"CLIENT IDENTIFIER",-38} {"METHOD",-8} {"LAST VALIDATION",-22} TOKEN ENDPOINT");
            foreach (var c in all)
            {
                table.AppendLine($"{c.Name,-32} {c.ClientId,-38} {Method(c.AuthenticationMethod),-8} {LastValidation(c),-22} {c.TokenEndpoint}");
            }

            await Console.Out.WriteAsync(all.Count == 0 ? "No credentials.\n" : table.ToString());
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

            await Console.Out.WriteLineAsync(parse.GetValue(json)
                ? JsonSerializer.Serialize(CredentialDto.From(c), Json)
                : $"""
                   Name                   {c.Name}
                   Id                     {c.Id}
                   Client Identifier      {c.ClientId}
                   Client Secret          (stored, write-only)
                   Token Endpoint         {c.TokenEndpoint}
                   Scopes                 {c.Scopes}
                   Authentication Method  {c.AuthenticationMethod}
                   Version                {c.Version}
                   Last validation        {LastValidation(c)}{(c.LastValidationSummary is null ? "" : " — " + c.LastValidationSummary)}
                   """);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Add()
    {
        var options = new FieldOptions(required: true);
        var command = new Command("add", "Add an OAuth2 Client Credentials credential.");
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
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(ValidationReportDto.From(validation), Json));
            }
            else if (validation.Succeeded)
            {
                await Console.Out.WriteLineAsync(validation.Summary);
            }
            else
            {
                await Console.Error.WriteLineAsync($"credo credentials validate: {validation.Failure!.Message}");
                if (validation.Failure.Hint is not null)
                {
                    await Console.Error.WriteLineAsync($"hint: {validation.Failure.Hint}");
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

    private static async Task<int> ReportAsync(string command, CredentialChange change, string done)
    {
        switch (change.Status)
        {
            case CredentialChangeStatus.Done:
                await Console.Out.WriteLineAsync($"{done} \"{change.Credential!.Name}\" ({change.Credential.Id}, version {change.Credential.Version}).");
                return ExitCodes.Success;
            case CredentialChangeStatus.Invalid:
                return await CommandOutput.BadInputAsync(command, change.Errors.Select(e => $"{CredentialFields.Label(e.Key)}: {e.Value}"));
            default:
                return await CommandOutput.BadInputAsync(command, [change.Message ?? change.Status.ToString()]);
        }
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The credential's name (any case) or id." };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print JSON." };

    private static string Method(ClientAuthenticationMethod method) => method == ClientAuthenticationMethod.ClientSecretBasic ? "basic" : "body";

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

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _name, _clientId, _secret, _secretStdin, _endpoint, _scope, _auth })
            {
                command.Add(option);
            }
        }

        /// <summary>The input, or <see langword="null"/> after reporting a usage error.</summary>
        public async Task<CredentialInput?> ReadAsync(ParseResult parse, Credential? current, CancellationToken ct)
        {
            var secret = parse.GetValue(_secret);
            var fromStdin = parse.GetValue(_secretStdin);
            if (secret is not null && fromStdin)
            {
                await CommandOutput.BadInputAsync(parse.CommandResult.Command.Name, ["Give the client secret either with --client-secret or with --client-secret-stdin, not both."]);
                return null;
            }

            if (current is null && secret is null && !fromStdin)
            {
                await CommandOutput.BadInputAsync(parse.CommandResult.Command.Name, ["Give the client secret with --client-secret-stdin (recommended) or --client-secret."]);
                return null;
            }

            if (fromStdin)
            {
                secret = await SecretInput.ReadAsync("Client secret: ", ct);
            }

            var auth = parse.GetValue(_auth);
            var input = new CredentialInput
            {
                Name = parse.GetValue(_name) ?? current?.Name,
                ClientId = parse.GetValue(_clientId) ?? current?.ClientId,
                ClientSecret = secret,
                TokenEndpoint = parse.GetValue(_endpoint) ?? current?.TokenEndpoint,
                Scopes = parse.GetValue(_scope) ?? current?.Scopes,
                AuthenticationMethod = auth is null
                    ? current?.AuthenticationMethod ?? ClientAuthenticationMethod.ClientSecretBasic
                    : auth == "body" ? ClientAuthenticationMethod.ClientSecretPost : ClientAuthenticationMethod.ClientSecretBasic,
            };

            if (current is not null && CredentialRules.RedirectsStoredSecret(current, input))
            {
                await CommandOutput.BadInputAsync(parse.CommandResult.Command.Name,
                    [CredentialRules.RetypeSecret + " Give it with --client-secret-stdin (recommended) or --client-secret."]);
                return null;
            }

            return input;
        }

        private static Option<string?> CreateAuth()
        {
            var auth = new Option<string?>("--auth") { Description = "basic (HTTP Basic, default) or body (in the request body, recommended for Microsoft Entra)." };
            auth.AcceptOnlyFromAmong("basic", "body");
            return auth;
        }
    }
}

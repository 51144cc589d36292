using System.CommandLine;

namespace Credo.Server.Cli;

/// <summary>The <c>credo</c> command line; <c>serve</c> is the default verb.</summary>
internal static class CredoCommandLine
{
    public static RootCommand CreateRoot() =>
        new("Credo: OAuth 2.0 client credentials for machine-to-machine integrations, and the Email Listeners that use them.")
        {
            ServeCommand.Create(),
            TokenCommand.Create(),
            CredentialsCommand.Create(),
            ListenersCommand.Create(),
            ListenersCommand.Messages(),
            UsersCommand.Create(),
            MigrateCommand.Create(),
            SandboxCommand.Create(),
            DataCommand.DataOption,
        };

    public static async Task<int> InvokeAsync(string[] args)
    {
        var root = CreateRoot();
        var parse = root.Parse(WithDefaultVerb(args));
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"credo: {error.Message}");
            }

            await Console.Error.WriteLineAsync($"Run 'credo {parse.CommandResult.Command.Name} --help' for usage.");
            return ExitCodes.BadInput;
        }

        return await parse.InvokeAsync();
    }

    private static string[] WithDefaultVerb(string[] args) =>
        args.Length == 0 || (args[0].StartsWith('-') && args[0] is not ("-h" or "--help" or "-?" or "--version"))
            ? ["serve", .. args]
            : args;
}

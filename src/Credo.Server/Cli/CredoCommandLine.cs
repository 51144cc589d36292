using System.CommandLine;
using System.CommandLine.Parsing;

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
            MessagesCommand.Create(),
            DeliveriesCommand.Create(),
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

            await Console.Error.WriteLineAsync($"Run '{CommandPath(parse.CommandResult)} --help' for usage.");
            return ExitCodes.BadInput;
        }

        return await parse.InvokeAsync();
    }

    /// <summary>The command as typed, from the root: <c>credo messages list</c>, not the last word only.</summary>
    public static string CommandPath(CommandResult command)
    {
        var words = new List<string>();
        for (SymbolResult? result = command; result is not null; result = result.Parent)
        {
            if (result is CommandResult { Command: not RootCommand } named)
            {
                words.Insert(0, named.Command.Name);
            }
        }

        return string.Join(' ', ["credo", .. words]);
    }

    // "credo", "credo --demo" and "credo --data DIR --urls URL" are "credo serve ...". A global option (--data) may stand
    // before the verb, so the verb is the first word that is neither an option nor a global option's value.
    private static string[] WithDefaultVerb(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help" or "-?" or "--version":
                    return args;
                case "--data":
                    i++;
                    continue;
                case var global when global.StartsWith("--data=", StringComparison.Ordinal):
                    continue;
                case var word when !word.StartsWith('-'):
                    return args;
                default:
                    return ["serve", .. args];
            }
        }

        return ["serve", .. args];
    }
}

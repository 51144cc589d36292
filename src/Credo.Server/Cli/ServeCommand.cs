using System.CommandLine;
using Credo.Server.Hosting;

namespace Credo.Server.Cli;

/// <summary><c>credo serve [--demo] [--data DIR] [--urls URLS]</c>; other arguments go to configuration, as in ASP.NET Core.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var demo = new Option<bool>("--demo") { Description = "Also run the sandbox in-process on another loopback port, for a first look." };
        var urls = new Option<string?>("--urls") { Description = $"Addresses to listen on (default {CredoServer.DefaultUrls})." };
        var command = new Command("serve", "Run the Credo server (the default command).") { demo, urls };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new ServeSettings(parse.GetValue(demo), parse.GetValue(DataCommand.DataOption), parse.GetValue(urls), [.. parse.UnmatchedTokens]);
            await using var app = CredoServer.Build(settings);
            await app.RunAsync(cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }
}

using System.CommandLine;
using Credo.Server.Hosting;
using Microsoft.AspNetCore.Connections;

namespace Credo.Server.Cli;

/// <summary><c>credo serve [--demo] [--data DIR] [--urls URLS]</c>; other arguments go to configuration, as in ASP.NET Core.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var demo = new Option<bool>("--demo") { Description = "Also run the sandbox in-process on another loopback port, for a first look." };
        var urls = new Option<string?>("--urls") { Description = $"Addresses to listen on, separated by ';' (default {CredoServer.DefaultUrls})." };
        var command = new Command("serve", "Run the Credo server (the default command).") { demo, urls };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new ServeSettings(parse.GetValue(demo), parse.GetValue(DataCommand.DataOption), parse.GetValue(urls), [.. parse.UnmatchedTokens]);
            await using var app = CredoServer.TryBuild(settings, configure: null, out var cannotListen);
            if (app is null)
            {
                await Console.Error.WriteLineAsync(cannotListen);
                return ExitCodes.BadInput;
            }

            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException e) when (e.InnerException is AddressInUseException)
            {
                // Free when checked, taken by another process before Kestrel bound it.
                await Console.Error.WriteLineAsync(ListenAddresses.InUse(CredoServer.Urls(settings, app.Configuration)));
                return ExitCodes.BadInput;
            }

            await Console.Out.WriteAsync(StartBanner.Describe(app));
            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }
}

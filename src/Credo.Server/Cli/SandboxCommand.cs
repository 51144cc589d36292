using System.CommandLine;
using Credo.Sandbox;
using Credo.Sandbox.Ews;

namespace Credo.Server.Cli;

/// <summary><c>credo sandbox [--urls URLS] [--throttle-one-in N]</c>: the sandbox authorization server, standalone.</summary>
internal static class SandboxCommand
{
    public static Command Create()
    {
        var defaults = new SandboxOptions();
        var urls = new Option<string>("--urls") { Description = $"Address to listen on (default {defaults.Urls}).", DefaultValueFactory = _ => defaults.Urls };
        var seed = new Option<int>("--seed-messages") { Description = $"Generated mails in the demo mailbox's Inbox at start (default {defaults.SeedMessages}).", DefaultValueFactory = _ => defaults.SeedMessages };
        var mailboxes = new Option<string[]>("--mailbox") { Description = $"A mailbox to create (repeatable; default {SandboxOptions.DemoMailbox}).", AllowMultipleArgumentsPerToken = true };
        var throttle = new Option<int>("--throttle-one-in") { Description = "Answer one EWS request in N of every mailbox with ErrorServerBusy, BackOffMilliseconds 300 (default 0: never)." };
        var command = new Command("sandbox", "Run the sandbox: an OAuth 2.0 authorization server and an EWS mailbox server on loopback.") { urls, seed, mailboxes, throttle };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SandboxOptions { Urls = parse.GetRequiredValue(urls), SeedMessages = Math.Max(0, parse.GetValue(seed)) };
            var oneIn = parse.GetValue(throttle);
            if (oneIn < 0)
            {
                return await CommandOutput.BadInputAsync("sandbox", ["--throttle-one-in takes a number of requests, 0 for no throttling."]);
            }

            options.FaultRate = oneIn > 0 ? SandboxFaultRate.ServerBusy(oneIn) : null;
            if (parse.GetValue(mailboxes) is { Length: > 0 } addresses)
            {
                options.Mailboxes.Clear();
                foreach (var address in addresses)
                {
                    options.Mailboxes.Add(address);
                }
            }
            SandboxServer sandbox;
            try
            {
                sandbox = await SandboxServer.StartAsync(
                    options,
                    SandboxBanner.ConfigureLogging,
                    cancellationToken);
            }
            catch (IOException e)
            {
                return await CommandOutput.BadInputAsync("sandbox", [$"Could not listen on {options.Urls}: {e.Message} Choose another address with --urls."]);
            }

            await using (sandbox)
            {
                await Console.Out.WriteLineAsync(SandboxBanner.Describe(sandbox, options));
                if (options.FaultRate is { } rate)
                {
                    await Console.Out.WriteLineAsync($"Throttling: one EWS request in {rate.OneIn} of every mailbox is answered ErrorServerBusy (BackOffMilliseconds {rate.BackOffMilliseconds}).");
                }

                await Console.Out.WriteLineAsync("Press Ctrl+C to stop.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                }
            }

            return ExitCodes.Success;
        });
        return command;
    }
}

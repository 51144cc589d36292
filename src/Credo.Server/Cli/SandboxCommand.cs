using System.CommandLine;
using Credo.Sandbox;
using Credo.Sandbox.Ews;

namespace Credo.Server.Cli;

/// <summary>
/// <c>credo sandbox [--urls URLS] [--throttle-one-in N] [--retry-after SECONDS]</c>: the sandbox authorization server
/// with its EWS and Graph endpoints, standalone.
/// </summary>
internal static class SandboxCommand
{
    public static Command Create()
    {
        var defaults = new SandboxOptions();
        var urls = new Option<string>("--urls") { Description = $"Address to listen on (default {defaults.Urls}).", DefaultValueFactory = _ => defaults.Urls };
        var seed = new Option<int>("--seed-messages") { Description = $"Generated mails in the demo mailbox's Inbox at start (default {defaults.SeedMessages}).", DefaultValueFactory = _ => defaults.SeedMessages };
        var mailboxes = new Option<string[]>("--mailbox") { Description = $"A mailbox to create (repeatable; default {SandboxOptions.DemoMailbox}).", AllowMultipleArgumentsPerToken = true };
        var throttle = new Option<int>("--throttle-one-in") { Description = "Throttle one request in N (EWS and Graph alike) of every mailbox: EWS answers ErrorServerBusy, BackOffMilliseconds 300; Graph answers 429 with Retry-After (default 0: never)." };
        var retryAfter = new Option<int>("--retry-after") { Description = "The Retry-After, in seconds, of Graph's throttled answers (default 1).", DefaultValueFactory = _ => 1 };
        var command = new Command("sandbox", "Run the sandbox: an OAuth 2.0 authorization server and EWS and Microsoft Graph mailbox servers on loopback.") { urls, seed, mailboxes, throttle, retryAfter };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SandboxOptions { Urls = parse.GetRequiredValue(urls), SeedMessages = Math.Max(0, parse.GetValue(seed)) };
            var oneIn = parse.GetValue(throttle);
            if (oneIn < 0)
            {
                return await CommandOutput.BadInputAsync("sandbox", ["--throttle-one-in takes a number of requests, 0 for no throttling."]);
            }

            var retryAfterSeconds = parse.GetValue(retryAfter);
            if (retryAfterSeconds < 0)
            {
                return await CommandOutput.BadInputAsync("sandbox", ["--retry-after takes a number of seconds, 0 or more."]);
            }

            options.FaultRate = oneIn > 0 ? SandboxFaultRate.ServerBusy(oneIn, retryAfterSeconds) : null;
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
                    await Console.Out.WriteLineAsync($"Throttling: one request in {rate.OneIn} of every mailbox is answered ErrorServerBusy (EWS, BackOffMilliseconds {rate.BackOffMilliseconds}) or 429 (Graph, Retry-After {rate.RetryAfterSeconds} s).");
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

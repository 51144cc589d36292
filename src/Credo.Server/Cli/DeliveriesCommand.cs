using System.CommandLine;
using Credo.Core.Listeners;
using Credo.Core.Webhooks;

namespace Credo.Server.Cli;

/// <summary>
/// <c>credo deliveries list --listener NAME [--state S] [--take N] [--json]</c> and
/// <c>credo deliveries resend (ID | --listener NAME --state failed)</c>: a listener's webhook deliveries and their attempts.
/// </summary>
internal static class DeliveriesCommand
{
    private const string States = "pending, failed, delivered, stopped";

    public static Command Create()
    {
        var command = new Command("deliveries", "Webhook deliveries and their attempts.");
        command.Add(List());
        command.Add(Resend());
        return command;
    }

    private static Command List()
    {
        var listener = new Option<string>("--listener") { Description = "The listener's name or id.", Required = true };
        var state = new Option<string?>("--state") { Description = $"Only deliveries in this state: {States}." };
        var take = new Option<int>("--take") { Description = "How many, newest first (default 100).", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "Print JSON, each delivery with its attempts." };
        var command = new Command("list", "List a listener's webhook deliveries, newest first, with their attempts.") { listener, state, take, json };
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "deliveries list", async services =>
        {
            if (await ListenersCommand.FindAsync(services.GetRequiredService<ListenerService>(), parse.GetRequiredValue(listener), "deliveries list", ct) is not { } found)
            {
                return ExitCodes.BadInput;
            }

            if (!TryParseState(parse.GetValue(state), out var status))
            {
                return await CommandOutput.BadInputAsync("deliveries list", [$"--state \"{parse.GetValue(state)}\" is not one of {States}."]);
            }

            var service = services.GetRequiredService<DeliveryService>();
            var deliveries = await service.ListAsync(found.Id, status, Math.Clamp(parse.GetValue(take), 1, 10_000), ct);
            var attempts = await service.AttemptsAsync([.. deliveries.Select(d => d.Id)], ct);

            await CommandOutput.WriteAsync(parse.GetValue(json), deliveries.Select(d => new
                {
                    id = d.Id,
                    webhookId = d.MessageId,
                    listener = found.Name,
                    state = d.State,
                    createdAt = d.CreatedAt,
                    deliveredAt = d.DeliveredAt,
                    nextAttemptAt = d.Status == DeliveryStatus.Pending ? d.NextAttemptAt : (DateTimeOffset?)null,
                    attempts = attempts[d.Id].Select(a => new { at = a.At, statusCode = a.StatusCode, error = a.Error, answer = a.Answer, durationMs = a.DurationMs }),
                }).ToList(), _ => deliveries.Count == 0
                ? "No deliveries.\n"
                : CommandOutput.Table(
                    ["ID", "CREATED (UTC)", "STATE", "ATTEMPTS", "LAST ANSWER"],
                    deliveries.Select(d => new[]
                    {
                        d.Id.ToString(), $"{d.CreatedAt:yyyy-MM-dd HH:mm:ss}", d.State, d.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        attempts[d.Id].LastOrDefault() is { } last ? Describe(last) : "",
                    })));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Resend()
    {
        var id = new Argument<string?>("id") { Description = "The delivery's id (from 'deliveries list').", Arity = ArgumentArity.ZeroOrOne };
        var listener = new Option<string?>("--listener") { Description = "With --state failed: every failed delivery of this listener." };
        var state = new Option<string?>("--state") { Description = "failed (with --listener)." };
        var command = new Command("resend", "Send a delivery again, or every failed delivery of a listener.") { id, listener, state };
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "deliveries resend", async services =>
        {
            var service = services.GetRequiredService<DeliveryService>();
            if (parse.GetValue(id) is { } text)
            {
                if (!Guid.TryParse(text, out var deliveryId) || !await service.ResendAsync(deliveryId, DataCommand.Actor, ct))
                {
                    return await CommandOutput.BadInputAsync("deliveries resend", [$"There is no delivery \"{text}\"; 'credo deliveries list --listener NAME' shows the ids."]);
                }

                await Console.Out.WriteLineAsync($"Delivery {deliveryId} queued: the server sends it again within a second or two.");
                return ExitCodes.Success;
            }

            if (parse.GetValue(listener) is not { } name || !string.Equals(parse.GetValue(state), "failed", StringComparison.OrdinalIgnoreCase))
            {
                return await CommandOutput.BadInputAsync("deliveries resend", ["Give a delivery's id, or --listener NAME --state failed to resend every failed delivery of a listener."]);
            }

            if (await ListenersCommand.FindAsync(services.GetRequiredService<ListenerService>(), name, "deliveries resend", ct) is not { } found)
            {
                return ExitCodes.BadInput;
            }

            var queued = await service.ResendFailedAsync(found.Id, DataCommand.Actor, ct);
            await Console.Out.WriteLineAsync(queued == 0
                ? $"\"{found.Name}\" has no failed deliveries."
                : $"{queued} failed deliveries of \"{found.Name}\" queued: the server sends them again.");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static bool TryParseState(string? text, out DeliveryStatus? status)
    {
        status = null;
        if (text is null)
        {
            return true;
        }

        if (text.All(char.IsLetter) && Enum.TryParse<DeliveryStatus>(text, ignoreCase: true, out var parsed))
        {
            status = parsed;
            return true;
        }

        return false;
    }

    // "HTTP 500 in 12 ms: Database unavailable", or why there was no answer.
    private static string Describe(DeliveryAttempt a) =>
        Credo.Net.Text.DisplayText.Clean(a.StatusCode is { } code
            ? $"HTTP {code} in {a.DurationMs} ms" + (string.IsNullOrEmpty(a.Answer) ? "" : $": {a.Answer}")
            : $"{a.Error} ({a.DurationMs} ms)");
}

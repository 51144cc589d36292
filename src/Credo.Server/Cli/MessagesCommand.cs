using System.CommandLine;
using Credo.Core.Listeners;
using Credo.Core.Messages;

namespace Credo.Server.Cli;

/// <summary><c>credo messages list --listener NAME [--take N] [--json]</c>: the mails a listener recorded.</summary>
internal static class MessagesCommand
{
    public static Command Create()
    {
        var listener = new Option<string>("--listener") { Description = "The listener's name or id.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var take = new Option<int>("--take") { Description = "How many, newest first (default 100).", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "List the mails a listener recorded, newest first.") { listener, json, take };
        list.SetAction((parse, ct) => DataCommand.RunAsync(parse, "messages list", async services =>
        {
            var listeners = services.GetRequiredService<ListenerService>();
            if (await ListenersCommand.FindAsync(listeners, parse.GetRequiredValue(listener), "messages list", ct) is not { } found)
            {
                return ExitCodes.BadInput;
            }

            var messages = await services.GetRequiredService<MessageService>().ListAsync(found.Id, Math.Clamp(parse.GetValue(take), 1, 100_000), ct);
            await CommandOutput.WriteAsync(parse.GetValue(json), messages.Select(m => new
                {
                    id = m.Id,
                    listener = found.Name,
                    itemId = m.ItemId,
                    internetMessageId = m.InternetMessageId,
                    subject = m.Subject,
                    from = m.From,
                    to = m.To,
                    receivedAt = m.ReceivedAt,
                    recordedAt = m.RecordedAt,
                    size = m.Size,
                    contentExpired = m.ContentExpired,
                    contentExpiredAt = m.ContentExpiredAt,
                }).ToList(), _ => messages.Count == 0
                ? "No messages.\n"
                : CommandOutput.Table(
                    ["RECORDED (UTC)", "FROM", "SUBJECT"],
                    messages.Select(m => new[] { $"{m.RecordedAt:yyyy-MM-dd HH:mm:ss}", m.From ?? "", (m.Subject ?? "") + (m.ContentExpired ? " (content expired)" : "") })));

            return ExitCodes.Success;
        }, ct));
        var command = new Command("messages", "Received messages.");
        command.Add(list);
        return command;
    }
}

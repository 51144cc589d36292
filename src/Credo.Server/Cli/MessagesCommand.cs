using System.CommandLine;
using Credo.Core.Listeners;
using Credo.Core.Messages;

namespace Credo.Server.Cli;

/// <summary>
/// <c>credo messages list --listener NAME [--search TEXT] [--before CURSOR] [--take N] [--json]</c>: the mails a listener
/// recorded, a page at a time; the cursor of the next page goes to standard error, so JSON on standard output stays whole.
/// </summary>
internal static class MessagesCommand
{
    public static Command Create()
    {
        var listener = new Option<string>("--listener") { Description = "The listener's name or id.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var take = new Option<int>("--take") { Description = $"How many, newest first (default 100, at most {MessageService.MaxPage}).", DefaultValueFactory = _ => 100 };
        var search = new Option<string?>("--search") { Description = "Only mail whose subject or sender contains this text (any case)." };
        var before = new Option<string?>("--before") { Description = "The cursor of the next page, as the previous page printed it." };
        var list = new Command("list", "List the mails a listener recorded, newest first, a page at a time.") { listener, json, take, search, before };
        list.SetAction((parse, ct) => DataCommand.RunAsync(parse, "messages list", async services =>
        {
            var listeners = services.GetRequiredService<ListenerService>();
            if (await ListenersCommand.FindAsync(listeners, parse.GetRequiredValue(listener), "messages list", ct) is not { } found)
            {
                return ExitCodes.BadInput;
            }

            Guid? cursor = null;
            if (parse.GetValue(before) is { } text)
            {
                if (!Guid.TryParse(text, out var parsed))
                {
                    return await CommandOutput.BadInputAsync("messages list", [$"--before \"{text}\" is not a cursor; give the one the previous page printed."]);
                }

                cursor = parsed;
            }

            var page = await services.GetRequiredService<MessageService>().PageAsync(found.Id, new MessageQuery
            {
                Search = parse.GetValue(search), Before = cursor, Take = Math.Clamp(parse.GetValue(take), 1, MessageService.MaxPage),
            }, ct);
            if (page.CursorGone)
            {
                return await CommandOutput.BadInputAsync("messages list", [$"The mail the cursor {cursor} names has been removed (retention); list again without --before."]);
            }

            var messages = page.Messages;
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

            if (page.Next is { } next)
            {
                await Console.Error.WriteLineAsync($"Older mail: add --before {next}");
            }

            return ExitCodes.Success;
        }, ct));
        var command = new Command("messages", "Received messages.");
        command.Add(list);
        return command;
    }
}

using System.CommandLine;
using System.Text;
using System.Text.Json;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credo.Server.Cli;

/// <summary><c>credo listeners list|show|add|update|delete|poll</c> and <c>credo messages list</c>.</summary>
internal static class ListenersCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static Command Create()
    {
        var command = new Command("listeners", "Email Listeners: list, show, add, update, delete, poll.");
        command.Add(List());
        command.Add(Show());
        command.Add(Change(create: true));
        command.Add(Change(create: false));
        command.Add(Delete());
        command.Add(Poll());
        return command;
    }

    public static Command Messages()
    {
        var listener = new Option<string>("--listener") { Description = "The listener's name or id.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var take = new Option<int>("--take") { Description = "How many, newest first (default 100).", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "List the mails a listener recorded, newest first.") { listener, json, take };
        list.SetAction((parse, ct) => DataCommand.RunAsync(parse, "messages list", async services =>
        {
            var listeners = services.GetRequiredService<ListenerService>();
            if (await FindAsync(listeners, parse.GetRequiredValue(listener), "messages list", ct) is not { } found)
            {
                return ExitCodes.BadInput;
            }

            var messages = await listeners.MessagesAsync(found.Id, Math.Clamp(parse.GetValue(take), 1, 100_000), ct);
            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(messages.Select(m => new
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
                }), Json));
            }
            else
            {
                var text = new StringBuilder($"{"RECORDED (UTC)",-20} {"FROM",-40} SUBJECT\n");
                foreach (var m in messages)
                {
                    text.AppendLine($"{m.RecordedAt:yyyy-MM-dd HH:mm:ss} {m.From,-40} {m.Subject}");
                }

                await Console.Out.WriteAsync(messages.Count == 0 ? "No messages.\n" : text.ToString());
            }

            return ExitCodes.Success;
        }, ct));
        var command = new Command("messages", "Received messages.");
        command.Add(list);
        return command;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("list", "List the listeners with their status.") { json };
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "listeners list", async services =>
        {
            var all = await services.GetRequiredService<ListenerService>().ListAsync(ct);
            if (parse.GetValue(json))
            {
                await Console.Out.WriteLineAsync(JsonSerializer.Serialize(all.Select(Describe), Json));
                return ExitCodes.Success;
            }

            var text = new StringBuilder($"{"NAME",-28} {"MAILBOX",-32} {"FOLDER",-16} {"MAILS",6}  STATUS\n");
            foreach (var l in all)
            {
                text.AppendLine($"{l.Name,-28} {l.Mailbox,-32} {l.Folder,-16} {l.MessagesReceived,6}  {Status(l)}");
            }

            await Console.Out.WriteAsync(all.Count == 0 ? "No listeners.\n" : text.ToString());
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name") { Description = "The listener's name or id." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("show", "Show one listener and its status.") { name, json };
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "listeners show", async services =>
        {
            if (await FindAsync(services.GetRequiredService<ListenerService>(), parse.GetRequiredValue(name), "listeners show", ct) is not { } l)
            {
                return ExitCodes.BadInput;
            }

            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(Describe(l), Json));
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Change(bool create)
    {
        var name = new Argument<string>("name") { Description = "The listener's name or id." };
        var newName = new Option<string?>("--name") { Description = "Name.", Required = create };
        var credential = new Option<string?>("--credential") { Description = "Name of the OAuth2 Client Credentials credential.", Required = create };
        var mailbox = new Option<string?>("--mailbox") { Description = "SMTP address of the mailbox.", Required = create };
        var ewsUrl = new Option<string?>("--ews-url") { Description = $"EWS URL (default {ListenerRules.DefaultEwsUrl})." };
        var folder = new Option<string?>("--folder") { Description = "Folder: Inbox (default) or a path such as Inbox/Invoices." };
        var interval = new Option<string?>("--poll-interval") { Description = "Poll interval, such as 30s or 5m (default 30s, at least 5s)." };
        var unreadOnly = new Option<bool?>("--unread-only") { Description = "Only unread mail (default true)." };
        var after = new Option<string?>("--after") { Description = "mark-read (default), move:FOLDER, delete or none." };
        var enabled = new Option<bool?>("--enabled") { Description = "Whether it runs (default true)." };
        var webhookUrl = new Option<string?>("--webhook-url") { Description = "Webhook URL." };
        var webhookSecret = new Option<string?>("--webhook-secret") { Description = "Webhook signing secret; prefer --webhook-secret-stdin." };
        var webhookSecretStdin = new Option<bool>("--webhook-secret-stdin") { Description = "Read the webhook signing secret from standard input." };
        var command = new Command(create ? "add" : "update", create ? "Add an Email Listener." : "Change a listener; only the flags given change.")
        {
            newName, credential, mailbox, ewsUrl, folder, interval, unreadOnly, after, enabled, webhookUrl, webhookSecret, webhookSecretStdin,
        };
        if (!create)
        {
            command.Add(name);
        }

        var verb = create ? "listeners add" : "listeners update";
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, verb, async services =>
        {
            var listeners = services.GetRequiredService<ListenerService>();
            EmailListener? current = null;
            if (!create && (current = await FindAsync(listeners, parse.GetRequiredValue(name), verb, ct)) is null)
            {
                return ExitCodes.BadInput;
            }

            var errors = new List<string>();
            var input = current is null ? new ListenerInput() : ListenerInput.From(current);
            input.Name = parse.GetValue(newName) ?? input.Name;
            input.Mailbox = parse.GetValue(mailbox) ?? input.Mailbox;
            input.EwsUrl = parse.GetValue(ewsUrl) ?? input.EwsUrl;
            input.Folder = parse.GetValue(folder) ?? input.Folder;
            input.UnreadOnly = parse.GetValue(unreadOnly) ?? input.UnreadOnly;
            input.Enabled = parse.GetValue(enabled) ?? input.Enabled;
            input.WebhookUrl = parse.GetValue(webhookUrl) ?? input.WebhookUrl;
            input.WebhookSecret = parse.GetValue(webhookSecretStdin) ? await SecretInput.ReadAsync("Webhook secret: ", ct) : parse.GetValue(webhookSecret);
            if (parse.GetValue(credential) is { } credentialName)
            {
                var found = await services.GetRequiredService<CredentialService>().FindAsync(credentialName, ct);
                if (found is null)
                {
                    errors.Add($"There is no credential named \"{credentialName}\"; 'credo credentials list' shows the names.");
                }

                input.CredentialId = found?.Id;
            }

            if (parse.GetValue(interval) is { } text)
            {
                if (ParseInterval(text) is { } seconds)
                {
                    input.PollIntervalSeconds = seconds;
                }
                else
                {
                    errors.Add($"--poll-interval \"{text}\" is not a duration; write it like 30s, 5m or 1h.");
                }
            }

            if (parse.GetValue(after) is { } action)
            {
                switch (action.ToLowerInvariant())
                {
                    case "mark-read": input.AfterProcessing = AfterProcessing.MarkRead; break;
                    case "delete": input.AfterProcessing = AfterProcessing.Delete; break;
                    case "none": input.AfterProcessing = AfterProcessing.None; break;
                    case var move when move.StartsWith("move:", StringComparison.Ordinal):
                        input.AfterProcessing = AfterProcessing.Move;
                        input.MoveToFolder = action[5..];
                        break;
                    default: errors.Add($"--after \"{action}\" is not one of mark-read, move:FOLDER, delete, none."); break;
                }
            }

            if (errors.Count > 0)
            {
                return await CommandOutput.BadInputAsync(verb, errors);
            }

            var (listener, problems) = create
                ? await listeners.CreateAsync(input, DataCommand.Actor, ct)
                : await listeners.UpdateAsync(current!.Id, input, DataCommand.Actor, ct);
            if (listener is null)
            {
                return await CommandOutput.BadInputAsync(verb, problems.Select(p => $"{p.Key}: {p.Value}"));
            }

            await Console.Out.WriteLineAsync($"{(create ? "Added" : "Updated")} listener \"{listener.Name}\" ({listener.Id}).");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name") { Description = "The listener's name or id." };
        var command = new Command("delete", "Delete a listener and the mails it recorded.") { name };
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "listeners delete", async services =>
        {
            var listeners = services.GetRequiredService<ListenerService>();
            if (await FindAsync(listeners, parse.GetRequiredValue(name), "listeners delete", ct) is not { } l)
            {
                return ExitCodes.BadInput;
            }

            await listeners.DeleteAsync(l.Id, DataCommand.Actor, ct);
            await Console.Out.WriteLineAsync($"Deleted listener \"{l.Name}\".");
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command Poll()
    {
        var name = new Argument<string>("name") { Description = "The listener's name or id." };
        var command = new Command("poll", "Poll a listener now, in this process, and report the outcome (webhooks are sent by the server).") { name };
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "listeners poll", async services =>
        {
            if (await FindAsync(services.GetRequiredService<ListenerService>(), parse.GetRequiredValue(name), "listeners poll", ct) is not { } l)
            {
                return ExitCodes.BadInput;
            }

            var db = services.GetRequiredService<CredoDbContext>();
            var settings = services.GetRequiredService<IOptions<ListenerOptions>>().Value;
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var acquired = await db.EmailListeners
                .Where(x => x.Id == l.Id && (x.LeaseOwner == settings.NodeName || x.LeaseExpiresAt == null || x.LeaseExpiresAt < now))
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.LeaseOwner, settings.NodeName).SetProperty(x => x.LeaseExpiresAt, now + settings.LeaseDuration), ct);
            if (acquired == 0)
            {
                return await CommandOutput.BadInputAsync("listeners poll", [$"Node {l.LeaseOwner} is polling \"{l.Name}\" right now; its lease ends at {l.LeaseExpiresAt:u}."]);
            }

            await services.GetRequiredService<ListenerPoller>().PollAsync(l.Id, ct);
            await db.EmailListeners.Where(x => x.Id == l.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.LeaseOwner, (string?)null).SetProperty(x => x.LeaseExpiresAt, (DateTimeOffset?)null), ct);
            var after = await services.GetRequiredService<ListenerService>().FindAsync(l.Id.ToString(), ct);
            await Console.Out.WriteLineAsync($"{after!.Name}: {Status(after)}; {after.MessagesReceived} mail(s) recorded in all.");
            return after.LastError is null ? ExitCodes.Success : ExitCodes.RemoteRefused;
        }, ct));
        return command;
    }

    private static async Task<EmailListener?> FindAsync(ListenerService listeners, string nameOrId, string command, CancellationToken ct)
    {
        var found = await listeners.FindAsync(nameOrId, ct);
        if (found is null)
        {
            await CommandOutput.BadInputAsync(command, [$"There is no listener named \"{nameOrId}\"; 'credo listeners list' shows the names."]);
        }

        return found;
    }

    private static object Describe(EmailListener l) => new
    {
        id = l.Id, name = l.Name, enabled = l.Enabled, protocol = l.Protocol, ewsUrl = l.EwsUrl, mailbox = l.Mailbox, folder = l.Folder,
        credentialId = l.CredentialId, pollIntervalSeconds = l.PollIntervalSeconds, unreadOnly = l.UnreadOnly, afterProcessing = l.AfterProcessing,
        moveToFolder = l.MoveToFolder, webhookUrl = l.WebhookUrl, messagesReceived = l.MessagesReceived, lastPollAt = l.LastPollAt,
        lastSuccessAt = l.LastSuccessAt, lastError = l.LastError, lastErrorHint = l.LastErrorHint,
    };

    private static string Status(EmailListener l) =>
        !l.Enabled ? "disabled"
        : l.LastError is not null ? $"error: {l.LastError}" + (l.LastErrorHint is null ? "" : $" (hint: {l.LastErrorHint})")
        : l.LastSuccessAt is { } at ? $"ok, last poll {at:yyyy-MM-dd HH:mm:ss} UTC"
        : "not polled yet";

    private static int? ParseInterval(string text)
    {
        text = text.Trim().ToLowerInvariant();
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1] : 's';
        var number = char.IsLetter(text[^1]) ? text[..^1] : text;
        return int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? unit switch { 's' => value, 'm' => value * 60, 'h' => value * 3600, _ => null }
            : null;
    }
}

using System.CommandLine;
using System.Text;
using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Engine;
using Credo.Core.Listeners.Sources;
using Credo.Core.Text;
using Credo.Core.Webhooks;
using Credo.Net.Text;
using Credo.Server.Api;

namespace Credo.Server.Cli;

/// <summary><c>credo listeners list|show|add|update|delete|poll|test</c> and <c>credo messages list</c>.</summary>
internal static class ListenersCommand
{
    // How long 'listeners poll' waits for the server that holds the listener to poll it.
    private static readonly TimeSpan PollWait = TimeSpan.FromMinutes(2);

    public static Command Create()
    {
        var command = new Command("listeners", "Email Listeners: list, show, add, update, delete, poll, test.");
        command.Add(List());
        command.Add(Show());
        command.Add(Change(create: true));
        command.Add(Change(create: false));
        command.Add(Delete());
        command.Add(Poll());
        command.Add(Test());
        return command;
    }

    private static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("list", "List the listeners with their status.") { json };
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "listeners list", async services =>
        {
            var all = await services.GetRequiredService<ListenerService>().ListAsync(ct);
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            await CommandOutput.WriteAsync(parse.GetValue(json), all.Select(l => ListenerDto.From(l, now)).ToList(), _ => all.Count == 0
                ? "No listeners.\n"
                : CommandOutput.Table(
                    ["NAME", "PROTOCOL", "MAILBOX", "FOLDER", "MAILS", "STATUS", "DETAILS"],
                    all.Select(l =>
                    {
                        var (status, details) = Status(l, now);
                        return new[] { l.Name, l.Protocol, l.Mailbox, l.Folder, $"{l.MessagesReceived}", status, details };
                    })));
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

            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var credential = l.CredentialId is { } credentialId ? await services.GetRequiredService<CredentialStore>().GetAsync(credentialId, ct) : null;
            await CommandOutput.WriteAsync(parse.GetValue(json), ListenerDto.From(l, now), _ => Text(l, credential?.Name, now));
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
        var protocol = new Option<string?>("--protocol") { Description = $"{string.Join(", ", MailProtocols.All.Select(p => p.Name.ToLowerInvariant()))} (default {MailProtocols.Default.Name.ToLowerInvariant()})." };
        var settings = SettingOptions.Create();
        var folder = new Option<string?>("--folder") { Description = "Folder: Inbox (default) or a path such as Inbox/Invoices." };
        var interval = new Option<string?>("--poll-interval") { Description = "Poll interval, such as 30s or 5m (at least 5s; default 30s, or 15m for a Graph listener with push where Credo:PublicUrl is set)." };
        var unreadOnly = new Option<bool?>("--unread-only") { Description = "Only unread mail (default true)." };
        var after = new Option<string?>("--after") { Description = "mark-read (default), move:FOLDER, delete or none." };
        var enabled = new Option<bool?>("--enabled") { Description = "Whether it runs (default true)." };
        var webhookUrl = new Option<string?>("--webhook-url") { Description = "Webhook URL." };
        var webhookSecret = new Option<string?>("--webhook-secret")
        {
            Description = "Webhook signing secret, whsec_ + base64 (prefer --webhook-secret-stdin); without one, a new webhook gets a generated secret, printed once.",
        };
        var webhookSecretStdin = new Option<bool>("--webhook-secret-stdin") { Description = "Read the webhook signing secret from standard input." };
        var webhookFormat = new Option<string?>("--webhook-format") { Description = "standard (default) or cloudevents." };
        var keepContentDays = new Option<string?>("--keep-content-days")
        {
            Description = "Days the mail content (MIME) is kept: N, 0 for ever, or default for the server's Credo:Retention:MimeDays (the default).",
        };
        var command = new Command(create ? "add" : "update", create ? "Add an Email Listener." : "Change a listener; only the flags given change.")
        {
            newName, credential, mailbox, protocol, folder, interval, unreadOnly, after, enabled, webhookUrl, webhookSecret, webhookSecretStdin, webhookFormat, keepContentDays,
        };
        settings.AddTo(command);
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
            if (parse.GetValue(protocol) is { } chosen)
            {
                if (MailProtocols.Find(chosen) is { } found)
                {
                    input.Protocol = found.Name;
                }
                else
                {
                    errors.Add($"--protocol \"{chosen}\" is not one of {string.Join(", ", MailProtocols.All.Select(p => p.Name.ToLowerInvariant()))}.");
                }
            }

            settings.Apply(parse, input);
            input.Folder = parse.GetValue(folder) ?? input.Folder;
            input.UnreadOnly = parse.GetValue(unreadOnly) ?? input.UnreadOnly;
            input.Enabled = parse.GetValue(enabled) ?? input.Enabled;
            input.WebhookUrl = parse.GetValue(webhookUrl) ?? input.WebhookUrl;
            input.WebhookSecret = parse.GetValue(webhookSecretStdin) ? await SecretInput.ReadAsync("Webhook secret: ", ct) : parse.GetValue(webhookSecret);
            if (parse.GetValue(webhookFormat) is { } format)
            {
                if (format.All(char.IsLetter) && Enum.TryParse<WebhookFormat>(format, ignoreCase: true, out var parsed))
                {
                    input.WebhookFormat = parsed;
                }
                else
                {
                    errors.Add($"--webhook-format \"{format}\" is not one of standard, cloudevents.");
                }
            }

            if (parse.GetValue(credential) is { } credentialName)
            {
                var found = await services.GetRequiredService<CredentialStore>().FindAsync(credentialName, ct);
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

            if (parse.GetValue(keepContentDays) is { } keep)
            {
                if (string.Equals(keep.Trim(), "default", StringComparison.OrdinalIgnoreCase))
                {
                    input.KeepContentDays = null;
                }
                else if (int.TryParse(keep.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days))
                {
                    input.KeepContentDays = days;
                }
                else
                {
                    errors.Add($"--keep-content-days \"{keep}\" is not a number of days (0 keeps forever) or default.");
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

            var change = create
                ? await listeners.CreateAsync(input, DataCommand.Actor, ct)
                : await listeners.UpdateAsync(current!.Id, current.Version, input, DataCommand.Actor, ct);
            if (change.Status != ChangeStatus.Done)
            {
                return await CommandOutput.BadInputAsync(verb, change.Message is { } message ? [message] : change.Errors.Select(p => $"{SettingOptions.FlagOf(p.Key) ?? Flag(p.Key)}: {p.Value}"));
            }

            var listener = change.Value!;
            await Console.Out.WriteLineAsync($"{(create ? "Added" : "Updated")} listener \"{listener.Name}\" ({listener.Id}, {listener.Protocol}).");
            if (change.GeneratedSecret is { } generated)
            {
                await Console.Out.WriteLineAsync($"Webhook signing secret (shown only this once; give it to the receiver): {generated}");
            }

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

            var listeners = services.GetRequiredService<ListenerService>();
            if (!await services.GetRequiredService<OneOffPoll>().TryPollAsync(l.Id, ct)
                && !await PollOnHolderAsync(listeners, l, services.GetRequiredService<TimeProvider>(), ct))
            {
                return ExitCodes.Transport;
            }

            var after = await listeners.FindAsync(l.Id.ToString(), ct);
            await Console.Out.WriteLineAsync($"{after!.Name}: {StatusLine(after, services.GetRequiredService<TimeProvider>().GetUtcNow())}; {after.MessagesReceived} mail(s) recorded in all.");
            return after.LastError is null ? ExitCodes.Success : ExitCodes.RemoteRefused;
        }, ct));
        return command;
    }

    // A running server holds the listener: it is asked to poll now (as the console's Poll now does), and this waits for the poll.
    private static async Task<bool> PollOnHolderAsync(ListenerService listeners, EmailListener l, TimeProvider time, CancellationToken ct)
    {
        var before = l.LastPollAt;
        await Console.Error.WriteLineAsync($"The server {l.LeaseOwner} runs \"{l.Name}\": asked it to poll now; waiting for the poll to end…");
        await listeners.PollNowAsync(l.Id, DataCommand.Actor, ct);
        var deadline = time.GetUtcNow() + PollWait;
        while (time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
            if (await listeners.FindAsync(l.Id.ToString(), ct) is not { } now || now.LastPollAt != before)
            {
                return true;
            }
        }

        await Console.Error.WriteLineAsync($"credo listeners poll: the server {l.LeaseOwner} did not poll \"{l.Name}\" within {PollWait.TotalMinutes:0} min; 'credo listeners show {l.Name}' shows what it is doing.");
        return false;
    }

    private static Command Test()
    {
        var name = new Argument<string>("name") { Description = "The listener's name or id." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var command = new Command("test", "Test connection with the saved settings: token, then mailbox and folder. Nothing in the mailbox changes.") { name, json };
        command.SetAction((parse, ct) => DataCommand.RunAsync(parse, "listeners test", async services =>
        {
            if (await FindAsync(services.GetRequiredService<ListenerService>(), parse.GetRequiredValue(name), "listeners test", ct) is not { } l)
            {
                return ExitCodes.BadInput;
            }

            var steps = await services.GetRequiredService<ConnectionTest>().RunAsync(l.Id, DataCommand.Actor, ct) ?? [];
            var succeeded = steps.Count > 0 && steps.All(s => s.Succeeded);
            await CommandOutput.WriteAsync(parse.GetValue(json), new { succeeded, steps }, _ =>
            {
                var text = new StringBuilder();
                foreach (var step in steps)
                {
                    text.AppendLine($"{(step.Succeeded ? "ok  " : "FAIL")} {step.Name}: {DisplayText.Clean(step.Detail)}");
                    if (step.Hint is not null)
                    {
                        text.AppendLine($"     hint: {DisplayText.Clean(step.Hint)}");
                    }
                }

                return text.ToString();
            });

            return succeeded ? ExitCodes.Success : ExitCodes.RemoteRefused;
        }, ct));
        return command;
    }

    internal static async Task<EmailListener?> FindAsync(ListenerService listeners, string nameOrId, string command, CancellationToken ct)
    {
        var found = await listeners.FindAsync(nameOrId, ct);
        if (found is null)
        {
            await CommandOutput.BadInputAsync(command, [$"There is no listener named \"{nameOrId}\"; 'credo listeners list' shows the names."]);
        }

        return found;
    }

    // What 'listeners show' prints without --json: one "label  value" line each, only the chosen protocol's settings.
    private static string Text(EmailListener l, string? credentialName, DateTimeOffset now)
    {
        var lines = new List<(string Label, string? Value)>
        {
            ("Name", l.Name),
            ("Id", l.Id.ToString()),
            ("Status", StatusLine(l, now)),
            ("Enabled", l.Enabled ? "yes" : "no"),
            ("Protocol", l.Protocol),
        };
        if (MailProtocols.Find(l.Protocol) is { } protocol)
        {
            // The chosen protocol's settings, as its description names them.
            var values = l.Settings.For(protocol);
            lines.AddRange(protocol.Settings.Select(setting => (setting.Kind == SettingKind.Url ? setting.Label : $"{protocol.Name} {setting.Label}", (string?)(values[setting.Key] ?? ""))));
        }

        lines.AddRange(
        [
            ("Mailbox", l.Mailbox),
            ("Folder", l.Folder),
            ("Credential", credentialName ?? (l.CredentialId is { } id ? id.ToString() : "none")),
            ("Poll interval", $"{l.PollIntervalSeconds} s"),
            ("Unread only", l.UnreadOnly ? "yes" : "no"),
            ("After processing", l.AfterProcessing == AfterProcessing.Move ? $"move to {l.MoveToFolder}" : l.AfterProcessing.ToString()),
            ("Webhook", l.WebhookUrl is null ? "none" : $"{l.WebhookUrl} ({l.WebhookFormat})"),
            ("Mails recorded", l.MessagesReceived.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Last poll", l.LastPollAt is { } poll ? $"{poll:yyyy-MM-dd HH:mm:ss} UTC" : "never"),
            ("Last success", l.LastSuccessAt is { } success ? $"{success:yyyy-MM-dd HH:mm:ss} UTC" : "never"),
            ("Version", l.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ]);
        var width = lines.Max(line => line.Label.Length) + 2;
        return string.Concat(lines.Select(line => $"{line.Label.PadRight(width)}{line.Value}\n"));
    }

    // The status as the console names it, then what explains it: "Error — The last poll failed (3 in a row). …"
    private static string StatusLine(EmailListener l, DateTimeOffset now)
    {
        var (status, details) = Status(l, now);
        return details.Length > 0 ? $"{status} — {details}" : status;
    }

    // The status as the console names it, and what explains it: when, why, what is running now.
    private static (string Label, string Details) Status(EmailListener l, DateTimeOffset now)
    {
        var health = ListenerHealth.Describe(l, now);
        string Ago(DateTimeOffset? at) => at is { } value ? RelativeTime.From(value, now) : "never";
        var details = health.Status switch
        {
            ListenerStatus.OK => $"last successful poll {Ago(health.LastSuccessAt)}, last mail {Ago(health.LastMessageAt)}",
            ListenerStatus.Degraded when health.DeliveryFailingSince is { } since => $"{health.Summary} Failing since {Ago(since)}.",
            ListenerStatus.Stalled or ListenerStatus.Error => health.Summary
                + (health.FailingSince is { } since ? $" Failing since {Ago(since)}" : "")
                + (health.NextRetryAt is { } next ? $", next retry {Ago(next)}." : health.FailingSince is null ? "" : "."),
            _ => health.Summary,
        };
        if (health.Status is ListenerStatus.Error or ListenerStatus.Stalled && l.LastError is not null)
        {
            details += $" {l.LastError}" + (l.LastErrorHint is null ? "" : $" (hint: {l.LastErrorHint})");
        }

        if (health.Polling is { } polling)
        {
            details = $"{polling}. {details}";
        }

        // The details carry the server's words: no control or direction character reaches the terminal.
        return (ListenerHealth.Label(health.Status), DisplayText.Clean(details));
    }

    // The flag that sets a field, for messages: FromContains → --from-contains.
    private static string Flag(string field) => field switch
    {
        "CredentialId" => "--credential",
        "AfterProcessing" => "--after",
        "PollIntervalSeconds" => "--poll-interval",
        "MoveToFolder" => "--after move:FOLDER",
        "WebhookSecret" => "--webhook-secret",
        _ => "--" + string.Concat(field.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())),
    };

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

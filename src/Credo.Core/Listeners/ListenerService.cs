using Credo.Core.Audit;
using Credo.Core.Credentials;
using Credo.Core.Listeners.Sources;
using Credo.Core.Messages;
using Credo.Core.Persistence;
using Credo.Core.Security;
using Credo.Core.Webhooks;
using Credo.Net.Outbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Credo.Core.Listeners;

/// <summary>Adds, changes and deletes listeners, audited like credentials; what they recorded is read with <see cref="MessageService"/> and <see cref="DeliveryService"/>.</summary>
public sealed class ListenerService(
    CredoDbContext db,
    AuditLog audit,
    SecretProtector protector,
    IOptionsMonitor<OutboundOptions> outbound,
    OutboundGuard guard,
    IOptionsMonitor<Sources.PushOptions> push,
    PushEndings pushEndings,
    Engine.ListenerWakes wakes,
    TimeProvider time)
{
    private const string EntityType = "listener";

    /// <summary>All listeners by name.</summary>
    public async Task<IReadOnlyList<EmailListener>> ListAsync(CancellationToken cancellationToken) =>
        await db.EmailListeners.AsNoTracking().OrderBy(l => l.NormalizedName).ToListAsync(cancellationToken);

    /// <summary>One listener by id or name (any case).</summary>
    public async Task<EmailListener?> FindAsync(string idOrName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idOrName);
        if (Guid.TryParse(idOrName, out var id))
        {
            return await db.EmailListeners.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        }

        var normalized = idOrName.Trim().ToUpperInvariant();
        return await db.EmailListeners.AsNoTracking().SingleOrDefaultAsync(l => l.NormalizedName == normalized, cancellationToken);
    }

    /// <summary>The names of the listeners using each of <paramref name="credentialIds"/>.</summary>
    public async Task<ILookup<Guid, string>> UsingCredentialsAsync(IReadOnlyCollection<Guid> credentialIds, CancellationToken cancellationToken) =>
        (await db.EmailListeners.AsNoTracking().Where(l => credentialIds.Contains(l.CredentialId)).OrderBy(l => l.NormalizedName)
            .Select(l => new { l.CredentialId, l.Name }).ToListAsync(cancellationToken))
        .ToLookup(l => l.CredentialId, l => l.Name);

    /// <summary>Adds a listener.</summary>
    public async Task<Change<EmailListener>> CreateAsync(ListenerInput input, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.PollIntervalSeconds ??= DefaultPollInterval(input);
        var errors = await CheckAsync(input, null, cancellationToken);
        if (errors.Count > 0)
        {
            return Change<EmailListener>.Invalid(errors);
        }

        var now = time.GetUtcNow();
        var listener = new EmailListener { Id = Guid.NewGuid(), Version = 1, CreatedAt = now, NextPollAt = now };
        Apply(listener, input);
        var (generated, _) = ApplyWebhookSecret(listener, input.WebhookSecret);
        db.EmailListeners.Add(listener);
        audit.Record(actor, "create", EntityType, listener.Id.ToString(), listener.Name,
            $"protocol {listener.Protocol}, mailbox {listener.Mailbox}" + (generated is null ? "" : "; webhook signing secret generated"));
        await db.SaveChangesAsync(cancellationToken);
        if (listener.Enabled)
        {
            await wakes.MadeDueAsync(db, listener.Id, holder: null, notified: false, cancellationToken);
        }

        return Change<EmailListener>.Done(listener, generated);
    }

    /// <summary>
    /// Changes a listener read at <paramref name="expectedVersion"/> (someone else's change in between is a conflict and
    /// nothing is saved). Its run state (sync state, counters) is kept unless the protocol, its settings, the mailbox or
    /// the folder changed.
    /// </summary>
    public async Task<Change<EmailListener>> UpdateAsync(Guid id, long expectedVersion, ListenerInput input, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.PollIntervalSeconds ??= DefaultPollInterval(input);
        var listener = await db.EmailListeners.SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (listener is null)
        {
            return NotFound(id);
        }

        if (listener.Version != expectedVersion)
        {
            return Conflict(listener);
        }

        var errors = await CheckAsync(input, listener, cancellationToken);
        if (errors.Count > 0)
        {
            return Change<EmailListener>.Invalid(errors);
        }

        var before = SourceOf(listener);
        var pushed = listener.PushSubscriptionId is null ? null : PushEndings.Snapshot(listener);
        var changed = ChangedFields(listener, input);
        var destinations = ChangedDestinations(listener, input);
        Apply(listener, input);
        var (generated, secretChange) = ApplyWebhookSecret(listener, input.WebhookSecret);
        if (secretChange is not null)
        {
            changed.Add(secretChange);
        }

        if (before != SourceOf(listener))
        {
            listener.SyncState = null;
        }

        // A subscription goes with what it was made for: a listener switched off, or reading elsewhere or as another app,
        // has its subscription ended (and, once enabled, the next poll makes a new one).
        if (pushed is not null && (!listener.Enabled || before != SourceOf(listener) || pushed.CredentialId != listener.CredentialId))
        {
            listener.PushSubscriptionId = null;
            listener.ProtectedPushClientState = null;
            listener.PushExpiresAt = null;
            listener.PushReauthorize = false;
        }
        else
        {
            pushed = null;
        }

        db.Entry(listener).Property(l => l.Version).OriginalValue = expectedVersion;
        listener.Version = expectedVersion + 1;
        listener.NextPollAt = time.GetUtcNow();
        audit.Record(actor, "update", EntityType, id.ToString(), listener.Name,
            (changed.Count == 0 ? "no field changed" : "fields: " + string.Join(", ", changed)) + destinations);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return await db.EmailListeners.AsNoTracking().SingleOrDefaultAsync(l => l.Id == id, cancellationToken) is { } current
                ? Conflict(current)
                : NotFound(id);
        }

        if (pushed is not null)
        {
            pushEndings.Add(pushed);
        }

        // Disabled too: its holder drops a poll it has claimed ahead with the settings before, at once.
        await wakes.MadeDueAsync(db, id, listener.LeaseOwner, notified: false, cancellationToken);
        return Change<EmailListener>.Done(listener, generated);
    }

    /// <summary>Deletes a listener and what it recorded.</summary>
    public async Task<Change<EmailListener>> DeleteAsync(Guid id, string actor, CancellationToken cancellationToken)
    {
        var listener = await db.EmailListeners.SingleOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (listener is null)
        {
            return NotFound(id);
        }

        db.EmailListeners.Remove(listener);
        audit.Record(actor, "delete", EntityType, id.ToString(), listener.Name);
        await db.SaveChangesAsync(cancellationToken);

        // Its holder drops a poll it has claimed ahead, at once.
        await wakes.MadeDueAsync(db, id, listener.LeaseOwner, notified: false, cancellationToken);
        if (listener.PushSubscriptionId is not null)
        {
            pushEndings.Add(PushEndings.Snapshot(listener));
        }

        return Change<EmailListener>.Done(listener);
    }

    /// <summary>Asks the engine to poll now; audited as <c>poll</c> by <paramref name="actor"/>.</summary>
    public async Task<bool> PollNowAsync(Guid id, string actor, CancellationToken cancellationToken)
    {
        var found = await db.EmailListeners.Where(l => l.Id == id).Select(l => new { l.Name, l.LeaseOwner, l.Enabled }).SingleOrDefaultAsync(cancellationToken);
        if (found is null
            || await db.EmailListeners.Where(l => l.Id == id).ExecuteUpdateAsync(u => u.SetProperty(l => l.NextPollAt, time.GetUtcNow()), cancellationToken) == 0)
        {
            return false;
        }

        audit.Record(actor, "poll", EntityType, id.ToString(), found.Name);
        await db.SaveChangesAsync(cancellationToken);
        if (found.Enabled)
        {
            await wakes.MadeDueAsync(db, id, found.LeaseOwner, notified: false, cancellationToken);
        }

        return true;
    }

    private static Change<EmailListener> NotFound(Guid id) => Change<EmailListener>.NotFound($"There is no listener {id}; it may have been deleted.");

    private static Change<EmailListener> Conflict(EmailListener current) => Change<EmailListener>.Refused(
        ChangeStatus.Conflict,
        current,
        $"\"{current.Name}\" was changed by someone else since you read it (now version {current.Version}); read it again and repeat your change.");

    private async Task<Dictionary<string, string>> CheckAsync(ListenerInput input, EmailListener? current, CancellationToken cancellationToken)
    {
        var errors = ListenerRules.Check(input, outbound.CurrentValue.AllowHttp);
        if (!errors.ContainsKey(nameof(input.Name)))
        {
            var normalized = input.Name!.Trim().ToUpperInvariant();
            if (await db.EmailListeners.AnyAsync(l => l.NormalizedName == normalized && l.Id != (current == null ? Guid.Empty : current.Id), cancellationToken))
            {
                errors[nameof(input.Name)] = $"A listener named \"{input.Name!.Trim()}\" already exists; choose another name.";
            }
        }

        if (input.CredentialId is { } credentialId)
        {
            var credential = await db.Credentials.AsNoTracking().SingleOrDefaultAsync(c => c.Id == credentialId, cancellationToken);
            if (credential is null)
            {
                errors[nameof(input.CredentialId)] = "The chosen credential does not exist (any more); choose another.";
            }
            else if (MailProtocols.Find(input.Protocol) is { } protocol
                && TokenDestination.Refuse(protocol, TokenDestination.Of(protocol, input.Settings), credential) is { } refused)
            {
                errors.TryAdd(refused.Field, refused.Message);
            }
        }

        // What connecting will refuse (metadata addresses, Credo:Outbound) is refused when saved already.
        foreach (var (field, url) in Destinations(input))
        {
            if (!errors.ContainsKey(field) && await guard.RefusalAsync(url, cancellationToken) is { } refusal)
            {
                errors[field] = refusal;
            }
        }

        return errors;
    }

    // The addresses a listener connects to, by the field that names each.
    private static IEnumerable<(string Field, Uri Url)> Destinations(ListenerInput input)
    {
        if (MailProtocols.Find(input.Protocol) is { } protocol && protocol.Server(input.Settings.For(protocol)) is { } server && server.ToUri() is { } url)
        {
            yield return (ProtocolSettingRules.Field(protocol, server.Key), url);
        }

        if (Uri.TryCreate(input.WebhookUrl?.Trim(), UriKind.Absolute, out var webhook))
        {
            yield return (nameof(input.WebhookUrl), webhook);
        }
    }

    // Where the mail comes from: a change here means the saved sync state belongs to another store or folder.
    // A listener that pushes polls only as a safety net, where Credo has a public address for its server to post to.
    private int DefaultPollInterval(ListenerInput input) =>
        push.CurrentValue.PublicUrl is not null && MailProtocols.Find(input.Protocol) is { } protocol && protocol.Pushes(input.Settings.For(protocol))
            ? ListenerRules.PushedPollIntervalSeconds
            : ListenerRules.DefaultPollIntervalSeconds;

    private static string SourceOf(EmailListener listener)
    {
        var protocol = MailProtocols.Find(listener.Protocol);
        string?[] located = protocol is null ? [] : [.. protocol.Settings.Where(s => s.Locates).Select(s => listener.Settings.For(protocol)[s.Key])];
        return string.Join('|', [listener.Protocol, .. located, listener.Mailbox, listener.Folder]);
    }

    // Where the listener connects, old → new, for the audit log: an auditor must see the hosts, not only that a URL
    // changed. A webhook URL's query and user-info (where receivers put tokens) are left out.
    private static string ChangedDestinations(EmailListener listener, ListenerInput input)
    {
        var text = new System.Text.StringBuilder();
        void Add(string label, string? before, string? after)
        {
            if (!string.Equals(before ?? "", after ?? "", StringComparison.Ordinal))
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"; {label}: {before ?? "none"} → {after ?? "none"}");
            }
        }

        var after = new EmailListener();
        Apply(after, input);
        foreach (var protocol in MailProtocols.All)
        {
            var server = protocol.Settings.First(s => s.Locates);
            Add(server.Kind == SettingKind.Url ? server.Label : $"{protocol.Label} server", Server(listener, protocol), Server(after, protocol));
        }

        Add("Webhook URL", WithoutSecrets(listener.WebhookUrl), WithoutSecrets(after.WebhookUrl));
        return text.ToString();

        // The URL as written where a URL names the server, else host:port.
        static string? Server(EmailListener l, IMailProtocol protocol)
        {
            var values = l.Settings.For(protocol);
            return protocol.Server(values) is not { } server ? null
                : protocol.Settings.First(s => s.Key == server.Key).Kind == SettingKind.Url ? values[server.Key] : server.ToString();
        }

        static string? WithoutSecrets(string? url) =>
            url is null ? null : Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}" : url;
    }

    // Labels of the fields an update changes, for the audit log (the webhook secret: see ApplyWebhookSecret).
    private static List<string> ChangedFields(EmailListener listener, ListenerInput input)
    {
        var after = new EmailListener();
        Apply(after, input);
        var changed = new List<string>();
        void Compare(string label, object? before, object? now)
        {
            if (!Equals(before, now))
            {
                changed.Add(label);
            }
        }

        Compare("Name", listener.Name, after.Name);
        Compare("Enabled", listener.Enabled, after.Enabled);
        Compare("Protocol", listener.Protocol, after.Protocol);
        if (MailProtocols.Find(after.Protocol) is { } protocol)
        {
            // The chosen protocol's settings, each by its label: "EWS URL", "IMAP Host".
            var (old, now) = (listener.Settings.For(protocol), after.Settings.For(protocol));
            foreach (var setting in protocol.Settings)
            {
                Compare(setting.Kind == SettingKind.Url ? setting.Label : $"{protocol.Name} {setting.Label}", old[setting.Key], now[setting.Key]);
            }
        }

        Compare("Mailbox", listener.Mailbox, after.Mailbox);
        Compare("Folder", listener.Folder, after.Folder);
        Compare("Credential", listener.CredentialId, after.CredentialId);
        Compare("Poll interval", listener.PollIntervalSeconds, after.PollIntervalSeconds);
        Compare("Filters", (listener.UnreadOnly, listener.FromContains, listener.SubjectContains, listener.OnlyWithAttachments),
            (after.UnreadOnly, after.FromContains, after.SubjectContains, after.OnlyWithAttachments));
        Compare("After processing", (listener.AfterProcessing, listener.MoveToFolder), (after.AfterProcessing, after.MoveToFolder));
        Compare("Attachments", listener.IncludeAttachments, after.IncludeAttachments);
        Compare("Webhook URL", listener.WebhookUrl, after.WebhookUrl);
        Compare("Webhook format", listener.WebhookFormat, after.WebhookFormat);
        Compare("Keep mail content", listener.KeepContentDays, after.KeepContentDays);
        return changed;
    }

    private static void Apply(EmailListener listener, ListenerInput input)
    {
        listener.Name = input.Name!.Trim();
        listener.NormalizedName = listener.Name.ToUpperInvariant();
        listener.Enabled = input.Enabled;
        listener.Protocol = MailProtocols.Find(input.Protocol)!.Name;
        listener.Settings = input.Settings.Normalized();
        listener.Mailbox = input.Mailbox!.Trim();
        listener.Folder = input.Folder!.Trim();
        listener.CredentialId = input.CredentialId!.Value;
        listener.PollIntervalSeconds = input.PollIntervalSeconds ?? ListenerRules.DefaultPollIntervalSeconds;
        listener.UnreadOnly = input.UnreadOnly;
        listener.FromContains = string.IsNullOrWhiteSpace(input.FromContains) ? null : input.FromContains.Trim();
        listener.SubjectContains = string.IsNullOrWhiteSpace(input.SubjectContains) ? null : input.SubjectContains.Trim();
        listener.OnlyWithAttachments = input.OnlyWithAttachments;
        listener.AfterProcessing = input.AfterProcessing;
        listener.MoveToFolder = input.AfterProcessing == AfterProcessing.Move ? input.MoveToFolder?.Trim() : null;
        listener.IncludeAttachments = input.IncludeAttachments;
        listener.KeepContentDays = input.KeepContentDays;
        listener.WebhookUrl = string.IsNullOrWhiteSpace(input.WebhookUrl) ? null : input.WebhookUrl.Trim();
        listener.WebhookFormat = input.WebhookFormat;
    }

    // Stores a typed signing secret, or generates one for a webhook that has none; returns the generated one, to be shown
    // once, and what changed, for the audit log. The secret it replaces still signs for Credo:Webhooks:SecretOverlap, so
    // receivers can switch without losing a delivery; one that can no longer be read (a lost key) is not kept.
    private (string? Generated, string? Changed) ApplyWebhookSecret(EmailListener listener, string? typed)
    {
        if (listener.WebhookUrl is null)
        {
            var had = listener.ProtectedWebhookSecret is not null;
            (listener.ProtectedWebhookSecret, listener.ProtectedPreviousWebhookSecret, listener.WebhookSecretChangedAt) = (null, null, null);
            return (null, had ? "Webhook signing secret (removed with the webhook)" : null);
        }

        var generated = string.IsNullOrEmpty(typed) && listener.ProtectedWebhookSecret is null ? WebhookSignature.NewSecret() : null;
        var secret = generated ?? (string.IsNullOrEmpty(typed) ? null : typed);
        if (secret is null)
        {
            return (null, null);
        }

        var stored = listener.ProtectedWebhookSecret is { } protectedSecret ? protector.TryUnprotectWebhookSecret(protectedSecret) : null;
        if (secret == stored)
        {
            return (null, null);
        }

        (listener.ProtectedPreviousWebhookSecret, listener.WebhookSecretChangedAt) = stored is null
            ? ((string?)null, (DateTimeOffset?)null)
            : (listener.ProtectedWebhookSecret, time.GetUtcNow());
        listener.ProtectedWebhookSecret = protector.ProtectWebhookSecret(secret);
        return (generated, generated is null ? "Webhook signing secret" : "Webhook signing secret (generated)");
    }
}

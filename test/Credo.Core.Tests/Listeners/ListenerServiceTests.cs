using Credo.Core.Audit;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Listeners.Sources.Graph;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Credo.Core.Webhooks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Tests.Listeners;

/// <summary>Adding and changing listeners on a real SQLite file: audit of what changed, concurrent changes, run state.</summary>
public sealed class ListenerServiceTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-listeners-").FullName;
    private CoreServices? _core;
    private Guid _credentialId;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _core = await CoreServices.StartAsync(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" }, Path.Combine(_folder, "keys"));
        await using var scope = _core.Scope();
        var credential = await _core.Get<CredentialStore>(scope).CreateAsync(new CredentialInput
        {
            Name = "Exchange", ClientId = "client", ClientSecret = "secret", TokenEndpoint = "https://login.example.test/token",
            Scopes = "https://outlook.office365.com/.default https://graph.microsoft.com/.default",
        }, "tests", Ct);
        _credentialId = credential.Value!.Id;
    }

    public async ValueTask DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Update_audits_which_fields_changed_and_never_the_webhook_secret()
    {
        var created = await CreateAsync();
        var input = ListenerInput.From(created);
        input.WebhookUrl = "https://attacker.example.com/in?token=4711";
        var secret = WebhookSignature.NewSecret();
        input.WebhookSecret = secret;
        input.Folder = "Inbox/Invoices";
        input.Settings.Set(EwsProtocol.Id, "url", "https://outlook.office365.com:443/ews/exchange.asmx");

        await using var scope = _core!.Scope();
        var change = await _core.Get<ListenerService>(scope).UpdateAsync(created.Id, created.Version, input, "alice", Ct);

        Assert.Equal(ChangeStatus.Done, change.Status);
        var entry = (await _core.Get<AuditLog>(scope).ListAsync(10, Ct)).First(e => e.Action == "update");
        Assert.Equal("alice", entry.Actor);
        // Where the listener connects is recorded old → new; a webhook URL without what receivers hide in it.
        Assert.Equal(
            "fields: EWS URL, Folder, Webhook URL, Webhook signing secret; EWS URL: https://outlook.office365.com/EWS/Exchange.asmx → "
            + "https://outlook.office365.com:443/ews/exchange.asmx; Webhook URL: https://hooks.example.com/in → https://attacker.example.com/in",
            entry.Details);
        Assert.DoesNotContain("4711", entry.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[WebhookSignature.SecretPrefix.Length..], entry.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_without_a_secret_gets_a_generated_one_given_back_once_and_stored_protected()
    {
        await using var scope = _core!.Scope();
        var listeners = _core.Get<ListenerService>(scope);
        var change = await listeners.CreateAsync(new ListenerInput
        {
            Name = "Generated " + Guid.NewGuid().ToString("N")[..6], Mailbox = "invoices@contoso.com", CredentialId = _credentialId,
            WebhookUrl = "https://hooks.example.com/in",
        }, "tests", Ct);

        Assert.Equal(ChangeStatus.Done, change.Status);
        var secret = change.GeneratedSecret;
        Assert.NotNull(secret);
        Assert.Null(WebhookSignature.Problem(secret));
        var stored = change.Value!.ProtectedWebhookSecret!;
        Assert.DoesNotContain(secret[WebhookSignature.SecretPrefix.Length..], stored, StringComparison.Ordinal);
        Assert.Equal(secret, _core.Get<Credo.Core.Security.SecretProtector>(scope).TryUnprotectWebhookSecret(stored));

        // Saving again without a secret keeps it: nothing is generated twice.
        var again = await listeners.UpdateAsync(change.Value.Id, change.Value.Version, ListenerInput.From(change.Value), "tests", Ct);
        Assert.Null(again.GeneratedSecret);
        Assert.Null(again.Value!.ProtectedPreviousWebhookSecret);
    }

    [Fact]
    public async Task A_changed_secret_keeps_the_one_before_for_the_overlap_and_the_same_secret_again_changes_nothing()
    {
        var created = await CreateAsync();
        await using var scope = _core!.Scope();
        var listeners = _core.Get<ListenerService>(scope);
        var protector = _core.Get<Credo.Core.Security.SecretProtector>(scope);
        var before = protector.TryUnprotectWebhookSecret(created.ProtectedWebhookSecret!);
        var input = ListenerInput.From(created);
        var secret = WebhookSignature.NewSecret();
        input.WebhookSecret = secret;

        var changed = (await listeners.UpdateAsync(created.Id, created.Version, input, "tests", Ct)).Value!;

        Assert.Equal(secret, protector.TryUnprotectWebhookSecret(changed.ProtectedWebhookSecret!));
        Assert.Equal(before, protector.TryUnprotectWebhookSecret(changed.ProtectedPreviousWebhookSecret!));
        Assert.NotNull(changed.WebhookSecretChangedAt);

        input = ListenerInput.From(changed);
        input.WebhookSecret = secret;
        var same = (await listeners.UpdateAsync(changed.Id, changed.Version, input, "tests", Ct)).Value!;
        Assert.Equal(before, protector.TryUnprotectWebhookSecret(same.ProtectedPreviousWebhookSecret!));
        Assert.Equal(changed.WebhookSecretChangedAt, same.WebhookSecretChangedAt);

        // Without a webhook there is nothing to sign: both secrets go.
        input = ListenerInput.From(same);
        input.WebhookUrl = null;
        var removed = (await listeners.UpdateAsync(same.Id, same.Version, input, "tests", Ct)).Value!;
        Assert.Equal((null, null, null), (removed.ProtectedWebhookSecret, removed.ProtectedPreviousWebhookSecret, removed.WebhookSecretChangedAt));
    }

    [Fact]
    public async Task A_secret_whose_key_is_lost_is_replaced_by_a_new_one_and_not_kept_as_the_one_before()
    {
        var created = await CreateAsync();
        await using (var scope = _core!.Scope())
        {
            var db = _core.Get<CredoDbContext>(scope);
            await db.EmailListeners.Where(l => l.Id == created.Id).ExecuteUpdateAsync(u => u.SetProperty(l => l.ProtectedWebhookSecret, "CfDJ8-unreadable"), Ct);
        }

        await using var update = _core.Scope();
        var listeners = _core.Get<ListenerService>(update);
        var current = (await listeners.FindAsync(created.Id.ToString(), Ct))!;
        var input = ListenerInput.From(current);
        input.WebhookSecret = WebhookSignature.NewSecret();

        var change = await listeners.UpdateAsync(current.Id, current.Version, input, "tests", Ct);

        Assert.Equal(ChangeStatus.Done, change.Status);
        Assert.Equal(input.WebhookSecret, _core.Get<Credo.Core.Security.SecretProtector>(update).TryUnprotectWebhookSecret(change.Value!.ProtectedWebhookSecret!));
        Assert.Null(change.Value.ProtectedPreviousWebhookSecret);
    }

    [Fact]
    public async Task Change_based_on_an_old_version_is_a_conflict_and_saves_nothing()
    {
        var created = await CreateAsync();
        await using var scope = _core!.Scope();
        var service = _core.Get<ListenerService>(scope);
        var first = ListenerInput.From(created);
        first.Folder = "Inbox/First";
        Assert.Equal(ChangeStatus.Done, (await service.UpdateAsync(created.Id, created.Version, first, "alice", Ct)).Status);

        var second = ListenerInput.From(created);
        second.Folder = "Inbox/Second";
        var conflict = await service.UpdateAsync(created.Id, created.Version, second, "bob", Ct);

        Assert.Equal(ChangeStatus.Conflict, conflict.Status);
        Assert.Contains("changed by someone else", conflict.Message, StringComparison.Ordinal);
        Assert.Equal("Inbox/First", (await service.FindAsync(created.Id.ToString(), Ct))!.Folder);
    }

    [Fact]
    public async Task Changing_where_mail_comes_from_forgets_the_sync_state_and_other_changes_keep_it()
    {
        var created = await CreateAsync();
        await using var scope = _core!.Scope();
        var db = _core.Get<CredoDbContext>(scope);
        var service = _core.Get<ListenerService>(scope);
        await SetSyncStateAsync(db, created.Id);

        var renamed = ListenerInput.From(created);
        renamed.Name = "Renamed";
        var kept = (await service.UpdateAsync(created.Id, created.Version, renamed, "alice", Ct)).Value!;
        Assert.Equal("state-1", kept.SyncState);

        var moved = ListenerInput.From(kept);
        moved.Protocol = GraphProtocol.Id;
        var reset = (await service.UpdateAsync(created.Id, kept.Version, moved, "alice", Ct)).Value!;
        Assert.Null(reset.SyncState);
    }

    [Fact]
    public async Task Settings_are_stored_as_readable_json_and_read_back_as_they_were()
    {
        var created = await CreateAsync();
        var input = ListenerInput.From(created);
        var url = "https://outlook.office365.com/EWS/Exchange.asmx?tenant=contoso&region=eu+west&name=Zürich";
        input.Settings.Set(EwsProtocol.Id, "url", url);
        await using var scope = _core!.Scope();
        var db = _core.Get<CredoDbContext>(scope);
        Assert.Equal(ChangeStatus.Done, (await _core.Get<ListenerService>(scope).UpdateAsync(created.Id, created.Version, input, "alice", Ct)).Status);

        // Escaped (\u0026, \u002B, \u00FC), two long URLs would not fit the column on PostgreSQL.
        var stored = await db.Database.SqlQuery<string>($"SELECT \"ProtocolSettings\" AS \"Value\" FROM email_listeners").ToListAsync(Ct);
        Assert.Contains(stored, json => json.Contains("tenant=contoso&region=eu+west&name=Zürich", StringComparison.Ordinal));
        db.ChangeTracker.Clear();
        Assert.Equal(url, (await db.EmailListeners.FindAsync([created.Id], Ct))!.Settings.For(new EwsProtocol())["url"]);
    }

    private static async Task SetSyncStateAsync(CredoDbContext db, Guid id)
    {
        var listener = await db.EmailListeners.FindAsync([id], Ct);
        listener!.SyncState = "state-1";
        await db.SaveChangesAsync(Ct);
        db.ChangeTracker.Clear();
    }

    private async Task<EmailListener> CreateAsync()
    {
        await using var scope = _core!.Scope();
        var change = await _core.Get<ListenerService>(scope).CreateAsync(new ListenerInput
        {
            Name = "Invoices " + Guid.NewGuid().ToString("N")[..6], Mailbox = "invoices@contoso.com", CredentialId = _credentialId,
            WebhookUrl = "https://hooks.example.com/in", WebhookSecret = WebhookSignature.NewSecret(),
        }, "tests", Ct);
        return change.Value!;
    }
}

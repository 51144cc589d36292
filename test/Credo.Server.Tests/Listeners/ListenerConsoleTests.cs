using Credo.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Listeners;

/// <summary>Email Listeners in the console, in headless Chromium, with the engine polling the sandbox.</summary>
public sealed class ListenerConsoleTests(ListenerServerFixture server, Browser browser) : IClassFixture<ListenerServerFixture>, IClassFixture<Browser>
{
    [Fact]
    public async Task Administrator_adds_a_listener_sees_mail_arrive_resends_a_delivery_and_cannot_delete_its_credential()
    {
        var address = $"c{Guid.NewGuid():N}"[..14] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        for (var i = 0; i < 3; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address, subject: $"Console mail {i}"), mailbox.WellKnown("inbox").Id);
        }

        var credential = await server.AddCredentialAsync("Console");
        await using var receiver = await WebhookReceiver.StartAsync();
        var page = await SignedInPageAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Email Listeners" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "+ Add Email Listener" }).ClickAsync();
        var name = "Console " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#Form_Name").FillAsync(name);
        await page.GetByLabel("EWS URL").FillAsync(server.Sandbox.EwsEndpoint.ToString());
        await page.GetByLabel("Mailbox").FillAsync(address);
        // The choice shows each credential's scopes; other tests' credentials share the list.
        var credentialChoice = $"{credential.Name} — {credential.Scopes}";
        Assert.Equal(1, await page.Locator("#Form_CredentialId option", new() { HasTextString = credentialChoice }).CountAsync());
        await page.GetByLabel("Credential").SelectOptionAsync(new SelectOptionValue { Label = credentialChoice });
        var credentialName = credential.Name;
        await page.GetByLabel("Poll interval (seconds)").FillAsync("5");
        await page.GetByLabel("Webhook URL").FillAsync(receiver.Url.ToString());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).CountAsync());
        await page.GetByLabel("Webhook signing secret").FillAsync(receiver.Secret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Added “{name}”");

        // The list refreshes itself until the first poll has succeeded.
        await page.GotoAsync("/Administration/Integrations/EmailListeners");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("OK", new() { Timeout = 60_000 });
        await Assertions.Expect(row).ToContainTextAsync("EWS");

        // Test connection (on the overview) checks the saved settings, and is audited.
        await row.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Connection test succeeded");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("item(s)");
        await page.GotoAsync("/Administration/AuditLog");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "connection test succeeded" }).First).ToContainTextAsync(name);
        await page.GotoAsync("/Administration/Integrations/EmailListeners");
        await row.GetByRole(AriaRole.Link, new() { Name = "3", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText("Console mail 1")).ToBeVisibleAsync();
        Assert.DoesNotContain(receiver.Secret, await page.ContentAsync(), StringComparison.Ordinal);

        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(receiver.Deliveries.Count == 3), "3 webhooks arrive");
        await page.GotoAsync("/Administration/Integrations/EmailListeners");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = name }).GetByRole(AriaRole.Link, new() { Name = "Deliveries" }).ClickAsync();
        await ListenerServerFixture.EventuallyAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.GetByText("Delivered", new() { Exact = true }).CountAsync() == 3;
        }, "the deliveries page shows 3 delivered");
        var before = receiver.Requests;
        await page.GetByRole(AriaRole.Button, new() { Name = "Resend" }).First.ClickAsync();
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(receiver.Requests == before + 1), "the resent delivery arrives");

        await page.GotoAsync("/Administration/GlobalSettings/Credentials");
        var credentialRow = page.GetByRole(AriaRole.Row).Filter(new() { HasText = credentialName });
        await Assertions.Expect(credentialRow).ToContainTextAsync(name);
        await credentialRow.GetByRole(AriaRole.Link, new() { Name = credentialName }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Delete…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(name);
    }

    [Fact]
    public async Task Form_shows_only_the_chosen_protocols_settings_and_each_protocol_round_trips()
    {
        // One credential for both resources, so that the listener may move between protocols.
        var credential = await server.CredentialAsync($"{Credo.Sandbox.SandboxClient.ExchangeOnlineScope} {Credo.Sandbox.SandboxClient.GraphScope}");
        var page = await SignedInPageAsync();
        await page.GotoAsync("/Administration/Integrations/EmailListeners/Add");
        await Assertions.Expect(page.GetByLabel("EWS URL")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Graph URL")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#Form_Imap_Host")).ToBeHiddenAsync();

        await page.GetByLabel("Microsoft Graph", new() { Exact = true }).CheckAsync();
        await Assertions.Expect(page.GetByLabel("EWS URL")).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByLabel("Graph URL")).ToHaveValueAsync("https://graph.microsoft.com/v1.0");
        var name = "Graph " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#Form_Name").FillAsync(name);
        await page.GetByLabel("Graph URL").FillAsync("https://graph.example.test/v1.0");

        // Push is a checkbox, on by default; switched off it is saved off (the hidden field posts false).
        var push = page.GetByRole(AriaRole.Checkbox, new() { Name = "Push", Exact = true });
        await Assertions.Expect(push).ToBeCheckedAsync();
        await push.UncheckAsync();
        await page.GetByLabel("Mailbox").FillAsync("reader@contoso.com");
        await page.GetByLabel("Credential").SelectOptionAsync(new SelectOptionValue { Value = credential.ToString() });
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await page.GotoAsync("/Administration/Integrations/EmailListeners");

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Assertions.Expect(row).ToContainTextAsync("Graph");
        await ListenerServerFixture.EventuallyAsync(async () =>
        {
            await page.ReloadAsync();
            return (await row.TextContentAsync() ?? "").Contains("graph.example.test does not resolve", StringComparison.Ordinal);
        }, "the Graph listener shows that its Graph URL's host does not resolve");
        await Assertions.Expect(row).ToContainTextAsync("Error");

        await row.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Microsoft Graph", new() { Exact = true })).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Graph URL")).ToHaveValueAsync("https://graph.example.test/v1.0");
        await Assertions.Expect(push).Not.ToBeCheckedAsync();
        var stored = await server.QueryAsync(db => db.EmailListeners.Where(l => l.Name == name).Select(l => l.Settings).SingleAsync());
        Assert.Equal("false", stored.For(Credo.Core.Listeners.Sources.MailProtocols.Find("Graph")!)[Credo.Core.Listeners.Sources.Graph.GraphProtocol.PushKey]);
        await page.GetByLabel("IMAP", new() { Exact = true }).CheckAsync();
        await page.Locator("#Form_Imap_Host").FillAsync("imap.example.test");
        await page.Locator("#Form_Imap_Security").SelectOptionAsync("StartTls");
        await page.Locator("#Form_Imap_Port").FillAsync("143");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Saved “{name}”");

        await page.GotoAsync("/Administration/Integrations/EmailListeners");
        await Assertions.Expect(row).ToContainTextAsync("IMAP");
        await row.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("IMAP", new() { Exact = true })).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#Form_Imap_Host")).ToHaveValueAsync("imap.example.test");
        await Assertions.Expect(page.Locator("#Form_Imap_Security")).ToHaveValueAsync("StartTls");
        await Assertions.Expect(page.Locator("#Form_Imap_Port")).ToHaveValueAsync("143");
    }

    [Fact]
    public async Task A_webhook_without_a_secret_gets_one_shown_once_and_deliveries_verify_with_it()
    {
        var address = $"s{Guid.NewGuid():N}"[..14] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address), mailbox.WellKnown("inbox").Id);
        var credential = await server.AddCredentialAsync("Secret");
        await using var receiver = await WebhookReceiver.StartAsync();
        var page = await SignedInPageAsync();
        await page.GotoAsync("/Administration/Integrations/EmailListeners/Add");
        var name = "Signed " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#Form_Name").FillAsync(name);
        await page.GetByLabel("EWS URL").FillAsync(server.Sandbox.EwsEndpoint.ToString());
        await page.GetByLabel("Mailbox").FillAsync(address);
        await page.GetByLabel("Credential").SelectOptionAsync(new SelectOptionValue { Value = credential.Id.ToString() });
        await page.GetByLabel("Poll interval (seconds)").FillAsync("5");
        await page.GetByLabel("Webhook URL").FillAsync(receiver.Url.ToString());
        await page.GetByLabel("Webhook format").SelectOptionAsync("CloudEvents");

        // A pasted secret that is not a Standard Webhooks one is refused beside its field, and nothing typed is lost.
        await page.GetByLabel("Webhook signing secret").FillAsync("my-shared-secret");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Form_WebhookSecret-error")).ToContainTextAsync("does not begin with whsec_");
        await Assertions.Expect(page.GetByLabel("Webhook format")).ToHaveValueAsync("CloudEvents");
        await Assertions.Expect(page.GetByLabel("Webhook URL")).ToHaveValueAsync(receiver.Url.ToString());

        await page.GetByLabel("Webhook signing secret").FillAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Added “{name}”");
        var secret = (await page.Locator("#new-webhook-secret").TextContentAsync())!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("dd").Filter(new() { HasText = receiver.Url.ToString() })).ToContainTextAsync("(CloudEvents)");

        // Shown once: the next view of the page no longer has it.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#new-webhook-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret[6..], await page.ContentAsync(), StringComparison.Ordinal);

        // The receiver learns the secret only now (an attempt before was refused and is retried): every attempt was signed with it.
        receiver.OtherSecrets.Add(secret);
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(receiver.Deliveries.Count == 1), "the mail is delivered, signed with the secret shown");
        Assert.All(receiver.Received, r =>
        {
            Assert.True(Credo.Core.Webhooks.WebhookSignature.Verify(secret, r.Id, r.Timestamp, r.Body, r.Signature, TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(5)));
            Assert.StartsWith("application/cloudevents+json", r.ContentType, StringComparison.Ordinal);
        });
    }

    private async Task<IPage> SignedInPageAsync()
    {
        var page = await browser.NewPageAsync(server.BaseAddress);
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(CredoServerFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        return page;
    }
}

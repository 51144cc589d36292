using System.Net.Http.Headers;
using System.Text.Json;
using Credo.Core.ApiKeys;
using Credo.Core.Users;
using Credo.Core.Webhooks;
using Credo.Sandbox.Ews;
using Credo.Server.Tests.Infrastructure;
using Credo.Server.Tests.Listeners;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Pages;

/// <summary>
/// The console as an operator's tool, in headless Chromium with the engine polling the sandbox: one health state from polls
/// and deliveries, the listener overview, notices after actions, post/redirect/get, and pages that refresh themselves.
/// </summary>
public sealed class ListenerStatusConsoleTests(ListenerServerFixture server, Browser browser) : IClassFixture<ListenerServerFixture>, IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_receiver_answering_500_makes_the_listener_Degraded_in_list_API_and_deliveries_with_its_answer()
    {
        await using var receiver = await LoopbackServer.AnsweringAsync(500, "text/html", "<html><body><h1>Database unavailable</h1></body></html>");
        var (address, mailbox) = NewMailbox();
        for (var i = 0; i < 3; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address, subject: $"Undeliverable {i}"), mailbox.WellKnown("inbox").Id);
        }

        var listener = await server.ListenerAsync(address, l =>
        {
            l.WebhookUrl = receiver.Url("hooks/down").ToString();
            l.WebhookSecret = WebhookSignature.NewSecret();
        });

        using var http = await ApiAsync(UserRole.Viewer);
        JsonElement health = default;
        await ListenerServerFixture.EventuallyAsync(async () =>
        {
            health = (await GetJsonAsync(http, $"/api/v1/listeners/{listener.Id}")).GetProperty("health");
            return health.GetProperty("status").GetString() == "Degraded";
        }, "the API says Degraded");
        Assert.True(health.GetProperty("deliveryFailures").GetInt32() >= 3);
        Assert.True(health.GetProperty("deliveries").GetProperty("retrying").GetInt32() >= 1);
        Assert.Equal(0, health.GetProperty("deliveries").GetProperty("delivered").GetInt32());
        Assert.Contains("webhook delivery attempts failed", health.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, health.GetProperty("deliveryFailingSince").ValueKind);

        var page = await SignedInPageAsync();
        await page.GotoAsync("/Administration/Integrations/EmailListeners");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = listener.Name });
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("Degraded");
        await Assertions.Expect(row).ToContainTextAsync("webhook delivery attempts failed");
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Listeners by status" })).ToContainTextAsync("Degraded");

        await row.GetByRole(AriaRole.Link, new() { Name = "Deliveries" }).ClickAsync();
        var delivery = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Undeliverable 1" });
        await Assertions.Expect(delivery.Locator(".badge")).ToHaveTextAsync("Retrying");
        await Assertions.Expect(delivery).ToContainTextAsync("HTTP 500");
        await Assertions.Expect(delivery).ToContainTextAsync("“Database unavailable”");
        Assert.DoesNotContain("HTTP 500 HTTP 500", await delivery.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await delivery.Locator("td").Nth(4).Locator("time").CountAsync());
        Assert.Equal(1, await delivery.Locator("td").Nth(5).Locator("time").CountAsync());

        // The link leads to the mail; Resend keeps the delivery's creation time.
        var created = await delivery.Locator("td").First.Locator("time").GetAttributeAsync("datetime");
        await delivery.GetByRole(AriaRole.Button, new() { Name = "Resend" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Resend queued");
        await Assertions.Expect(delivery.Locator("td").First.Locator("time").First).ToHaveAttributeAsync("datetime", created!);
        await Assertions.Expect(delivery).ToContainTextAsync("resent");
        await delivery.GetByRole(AriaRole.Link, new() { Name = "Undeliverable 1" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Messages\\?at=[0-9a-f-]{36}&open=[0-9a-f-]{36}#m-"));
        await Assertions.Expect(page.GetByText("Undeliverable 1")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Stalled_Degraded_and_Error_are_told_apart_by_the_API()
    {
        await using var receiver = await LoopbackServer.AnsweringAsync(503, "text/plain", "maintenance");
        var (okAddress, okMailbox) = NewMailbox();
        okMailbox.Deliver(server.Sandbox.Mailboxes.Generate(okAddress), okMailbox.WellKnown("inbox").Id);
        var (degradedAddress, degradedMailbox) = NewMailbox();
        for (var i = 0; i < 3; i++)
        {
            degradedMailbox.Deliver(server.Sandbox.Mailboxes.Generate(degradedAddress), degradedMailbox.WellKnown("inbox").Id);
        }

        var ok = await server.ListenerAsync(okAddress);
        var degraded = await server.ListenerAsync(degradedAddress, l => (l.WebhookUrl, l.WebhookSecret) = (receiver.Url("down").ToString(), WebhookSignature.NewSecret()));
        var error = await server.ListenerAsync("nobody-here@sandbox.test");
        var stalled = await server.ListenerAsync("nobody-either@sandbox.test");
        // Stalled: no successful poll since it was added, an hour ago.
        var anHourAgo = server.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddHours(-1);
        await server.QueryAsync(db => db.EmailListeners.Where(l => l.Id == stalled.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.CreatedAt, anHourAgo), Ct));

        using var http = await ApiAsync(UserRole.Viewer);
        Dictionary<Guid, JsonElement> health = [];
        await ListenerServerFixture.EventuallyAsync(async () =>
        {
            var all = await GetJsonAsync(http, "/api/v1/listeners");
            health = all.EnumerateArray().ToDictionary(l => l.GetProperty("id").GetGuid(), l => l.GetProperty("health"));
            return Status(ok.Id) == "OK" && Status(degraded.Id) == "Degraded" && Status(error.Id) == "Error" && Status(stalled.Id) == "Stalled";
        }, "the four listeners reach OK, Degraded, Error and Stalled");

        Assert.Contains("ErrorNonExistentMailbox", health[error.Id].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("SMTP address", health[error.Id].GetProperty("hint").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, health[error.Id].GetProperty("failingSince").ValueKind);
        Assert.StartsWith("No successful poll since it was added", health[stalled.Id].GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, health[ok.Id].GetProperty("lastMailAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, health[degraded.Id].GetProperty("nextDeliveryRetryAt").ValueKind);

        string? Status(Guid id) => health.TryGetValue(id, out var h) ? h.GetProperty("status").GetString() : null;
    }

    [Fact]
    public async Task The_overview_shows_status_counters_recent_mails_and_an_expired_token_in_plain_words()
    {
        var (address, mailbox) = NewMailbox();
        for (var i = 0; i < 2; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address, subject: $"Overview mail {i}"), mailbox.WellKnown("inbox").Id);
        }

        var healthy = await server.ListenerAsync(address);
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(healthy.Id) == 2, "2 mails are recorded");

        var page = await SignedInPageAsync();
        await page.GotoAsync("/Administration/Integrations/EmailListeners");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = healthy.Name }).GetByRole(AriaRole.Link, new() { Name = healthy.Name }).ClickAsync();
        await Assertions.Expect(page.Locator("#listener-status")).ToHaveTextAsync("OK");
        await Assertions.Expect(page.Locator(".tile").First).ToContainTextAsync("2 mails recorded");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Recent mails" })).ToContainTextAsync("Overview mail 1");
        foreach (var button in new[] { "Poll now", "Test connection", "Disable" })
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true })).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true })).ToBeVisibleAsync();
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", await page.Locator(".facts time").First.GetAttributeAsync("datetime"));
        Assert.EndsWith(" UTC", await page.Locator(".facts time").First.GetAttributeAsync("title"), StringComparison.Ordinal);

        // Exchange keeps refusing the token as expired.
        var (expiredAddress, expiredMailbox) = NewMailbox();
        for (var i = 0; i < 1000; i++)
        {
            expiredMailbox.InjectFault(new SandboxFault(SandboxFaultKind.Unauthorized));
        }

        var expired = await server.ListenerAsync(expiredAddress);
        await ListenerServerFixture.EventuallyAsync(
            async () => await server.QueryAsync(db => db.EmailListeners.AnyAsync(l => l.Id == expired.Id && l.LastError != null, Ct)), "the poll fails");
        await page.GotoAsync($"/Administration/Integrations/EmailListeners/{expired.Id}");
        await Assertions.Expect(page.Locator("#listener-status")).ToHaveTextAsync("Error");
        var lastError = page.GetByRole(AriaRole.Region, new() { Name = "Last error" });
        await Assertions.Expect(lastError).ToContainTextAsync("Exchange refused the access token because it had expired.");
        await Assertions.Expect(lastError).ToContainTextAsync("clock");
        await Assertions.Expect(lastError).Not.ToContainTextAsync("audience");
        await Assertions.Expect(lastError).ToContainTextAsync("Failing since");
        await Assertions.Expect(lastError).ToContainTextAsync("Next retry");
        await lastError.GetByText("Server's own words").ClickAsync();
        await Assertions.Expect(lastError.Locator("pre")).ToContainTextAsync("2000003;reason=\"The token has expired.\"");

        // The API says the same: plain words and hint in health, the server's own words as details and lastError.
        using var http = await ApiAsync(UserRole.Viewer);
        var shown = await GetJsonAsync(http, $"/api/v1/listeners/{expired.Id}");
        var expiredHealth = shown.GetProperty("health");
        Assert.Equal("Exchange refused the access token because it had expired.", expiredHealth.GetProperty("error").GetString());
        Assert.Contains("clock", expiredHealth.GetProperty("hint").GetString(), StringComparison.Ordinal);
        Assert.Contains("2000003;reason=\"The token has expired.\"", expiredHealth.GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.Contains("2000003;reason=\"The token has expired.\"", shown.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        expiredMailbox.ClearFaults();
    }

    [Fact]
    public async Task Every_action_leaves_a_notice_and_reloading_after_creating_an_API_key_creates_no_second_key()
    {
        var page = await SignedInPageAsync();
        var keyName = "Reload " + Guid.NewGuid().ToString("N")[..6];
        await page.GotoAsync("/Administration/ApiKeys");
        await page.GetByLabel("Name").FillAsync(keyName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"API key “{keyName}” created.");
        var key = await page.Locator("#new-key").TextContentAsync();
        Assert.False(string.IsNullOrWhiteSpace(key));
        Assert.EndsWith("/Administration/ApiKeys", page.Url, StringComparison.Ordinal);

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#new-key")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = keyName })).ToHaveCountAsync(1);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var keys = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().ListAsync(Ct);
            Assert.Single(keys, k => k.Name == keyName);
        }

        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = keyName }).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("API key revoked");

        var (address, _) = NewMailbox();
        var listener = await server.ListenerAsync(address);
        await page.GotoAsync("/Administration/Integrations/EmailListeners");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = listener.Name }).GetByRole(AriaRole.Button, new() { Name = "Poll now" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Poll requested");

        await page.GotoAsync($"/Administration/Integrations/EmailListeners/{listener.Id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Poll now" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/EmailListeners/{listener.Id}$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Poll requested");
        await page.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Disabled “");
        await Assertions.Expect(page.Locator("#listener-status")).ToHaveTextAsync("Disabled");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enable" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Enabled “");

        await page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true }).ClickAsync();
        await page.GetByLabel("Poll interval (seconds)").FillAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Saved “{listener.Name}”.");
        await Assertions.Expect(page.Locator(".facts")).ToContainTextAsync("7 s");

        await page.GotoAsync($"/Administration/Integrations/EmailListeners/{listener.Id}/Delete");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Deleted “{listener.Name}”");

        var credential = await server.AddCredentialAsync("Notice " + Guid.NewGuid().ToString("N")[..6]);
        await page.GotoAsync($"/Administration/GlobalSettings/Credentials/{credential.Id}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Saved “{credential.Name}”.");
        await page.GotoAsync($"/Administration/GlobalSettings/Credentials/{credential.Id}/Delete");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Deleted “{credential.Name}”.");
    }

    [Fact]
    public async Task The_form_puts_labels_beside_their_checkboxes_and_shows_Move_to_folder_only_with_Move()
    {
        await server.CredentialAsync();
        var page = await SignedInPageAsync();
        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoAsync("/Administration/Integrations/EmailListeners/Add");
        await Assertions.Expect(page.Locator("#Form_MoveToFolder")).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = "Move to folder" }).CheckAsync();
        await Assertions.Expect(page.Locator("#Form_MoveToFolder")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Radio, new() { Name = "Leave unchanged" }).CheckAsync();
        await Assertions.Expect(page.Locator("#Form_MoveToFolder")).ToBeHiddenAsync();

        var box = await page.Locator("#Form_UnreadOnly").BoundingBoxAsync();
        var label = await page.Locator("label[for=Form_UnreadOnly]").BoundingBoxAsync();
        Assert.True(box!.Width < 40, $"The checkbox is {box.Width} px wide: its label's text is pushed away from it.");
        Assert.True(Math.Abs(box.X - label!.X) < 8, $"The checkbox starts at {box.X} px, its label at {label.X} px.");
    }

    [Fact]
    public async Task Status_pages_pick_up_a_new_mail_without_a_manual_reload()
    {
        var (address, mailbox) = NewMailbox();
        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address, subject: "Already here"), mailbox.WellKnown("inbox").Id);
        var listener = await server.ListenerAsync(address);
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 1, "the first mail is recorded");

        var page = await SignedInPageAsync();
        await page.GotoAsync($"/Administration/Integrations/EmailListeners/{listener.Id}/Messages");
        await Assertions.Expect(page.GetByText("Already here")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("script").CountAsync());
        Assert.Equal(1, await page.Locator("meta[http-equiv=refresh]").CountAsync());

        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address, subject: "Arrives later"), mailbox.WellKnown("inbox").Id);

        // No reload from the test: the page reloads itself.
        await Assertions.Expect(page.GetByText("Arrives later")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Arrives later" });
        await Assertions.Expect(row).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"\b\d+(\.\d)? (B|KB)\b"));

        // The .eml is named after the subject.
        var eml = await page.APIRequest.GetAsync(await row.GetByRole(AriaRole.Link, new() { Name = ".eml" }).GetAttributeAsync("href") ?? "");
        Assert.Equal(200, eml.Status);
        Assert.Contains("filename*=UTF-8''Arrives%20later.eml", eml.Headers["content-disposition"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Viewer_reads_the_overview_but_is_offered_no_action()
    {
        var (address, _) = NewMailbox();
        var listener = await server.ListenerAsync(address);
        var viewer = "viewer" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(viewer, "viewer-password-for-tests", UserRole.Viewer);

        var page = await SignedInPageAsync(viewer, "viewer-password-for-tests");
        await page.GotoAsync("/Administration/Integrations/EmailListeners");
        await page.GetByRole(AriaRole.Link, new() { Name = listener.Name }).ClickAsync();

        await Assertions.Expect(page.Locator("#listener-status")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main").GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Edit", Exact = true })).ToHaveCountAsync(0);
    }

    private (string Address, SandboxMailbox Mailbox) NewMailbox()
    {
        var address = $"s{Guid.NewGuid():N}"[..14] + "@sandbox.test";
        return (address, server.Sandbox.Mailboxes.Create(address));
    }

    private async Task<HttpClient> ApiAsync(UserRole role)
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.CreateApiKeyAsync(role));
        return http;
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, Ct);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    private async Task<IPage> SignedInPageAsync(string user = "admin", string password = CredoServerFixture.AdminPassword)
    {
        var page = await browser.NewPageAsync(server.BaseAddress);
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        return page;
    }
}

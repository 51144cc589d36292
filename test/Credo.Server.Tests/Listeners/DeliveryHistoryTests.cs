using System.Text.Json;
using Credo.Core.Webhooks;
using Credo.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// An operator's view of webhook deliveries, in headless Chromium and on the command line: filtered by state, each with
/// its attempts and payload, and every failed one resent at once.
/// </summary>
public sealed class DeliveryHistoryTests(ListenerServerFixture server, Browser browser) : IClassFixture<ListenerServerFixture>, IClassFixture<Browser>
{
    [Fact]
    public async Task Operator_filters_failed_deliveries_reads_their_attempts_and_resends_all_failed()
    {
        var address = $"h{Guid.NewGuid():N}"[..14] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        for (var i = 0; i < 2; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address, subject: $"History mail {i}"), mailbox.WellKnown("inbox").Id);
        }

        await using var receiver = await WebhookReceiver.StartAsync();
        var down = true;
        receiver.Status = _ => down ? 503 : 200;
        var listener = await server.ListenerAsync(address, l => (l.WebhookUrl, l.WebhookSecret) = (receiver.Url.ToString(), receiver.Secret));
        // Once both were refused, and while neither is being sent: a day of refusals later (Credo:Listeners:DeliveryRetention)
        // they are Failed. The receiver is back.
        await ListenerServerFixture.EventuallyAsync(
            async () => await server.QueryAsync(db => db.WebhookDeliveries
                .Where(d => d.ListenerId == listener.Id && d.Attempts > 0 && d.ClaimedUntil == null)
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeliveryStatus.Failed))) == 2
                || await server.QueryAsync(db => db.WebhookDeliveries.CountAsync(d => d.ListenerId == listener.Id && d.Status == DeliveryStatus.Failed)) == 2,
            "both deliveries were attempted, refused and are Failed");
        down = false;

        var page = await browser.NewPageAsync(server.BaseAddress);
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(CredoServerFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GotoAsync($"/Administration/Integrations/EmailListeners/{listener.Id}/Deliveries");
        await page.GetByRole(AriaRole.Link, new() { Name = "Failed (2)" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(2);
        await page.GotoAsync($"/Administration/Integrations/EmailListeners/{listener.Id}/Deliveries?state=Delivered");
        await Assertions.Expect(page.GetByText("No delivered deliveries.")).ToBeVisibleAsync();

        // One delivery: its attempts, the headers it goes with, its payload.
        await page.GotoAsync($"/Administration/Integrations/EmailListeners/{listener.Id}/Deliveries?state=Failed");
        await page.Locator("tbody tr").First.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Attempts and payload") }).ClickAsync();
        await Assertions.Expect(page.Locator("#delivery-state")).ToHaveTextAsync("Failed");
        await Assertions.Expect(page.Locator("#attempts tbody tr").First).ToContainTextAsync("HTTP 503");
        var webhookId = (await page.Locator("#headers tr").Filter(new() { HasText = "webhook-id" }).Locator("code").TextContentAsync())!;
        var payload = JsonDocument.Parse((await page.Locator("#payload").TextContentAsync())!).RootElement;
        Assert.Equal(webhookId, payload.GetProperty("deliveryId").GetString());
        Assert.StartsWith("History mail", payload.GetProperty("message").GetProperty("subject").GetString(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Link, new() { Name = "Deliveries", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Resend all failed (2)" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Resend queued for 2 failed deliveries");
        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(receiver.Deliveries.Count == 2), "both are delivered once resent");
        var audit = await server.QueryAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == "resend-failed" && e.EntityId == listener.Id.ToString()).ToListAsync());
        Assert.Equal("2 failed deliveries queued again", Assert.Single(audit).Details);

        // The command line tells the same story, attempt by attempt.
        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["--data", server.DataFolder, "deliveries", "list", "--listener", listener.Name, "--state", "delivered", "--json"], environment: server.CliEnvironment);
        Assert.True(exit == 0, stdout + stderr);
        var listed = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, listed.Count);
        Assert.All(listed, d =>
        {
            var codes = d.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()).ToList();
            Assert.Equal(503, codes[0]);
            Assert.Equal(200, codes[^1]);
        });
        (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["--data", server.DataFolder, "deliveries", "resend", "--listener", listener.Name, "--state", "failed"], environment: server.CliEnvironment);
        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("has no failed deliveries", stdout, StringComparison.Ordinal);
        (exit, _, stderr) = await CredoProcess.RunAsync(
            ["--data", server.DataFolder, "deliveries", "list", "--listener", listener.Name, "--state", "lost"], environment: server.CliEnvironment);
        Assert.Equal(2, exit);
        Assert.Contains("--state \"lost\" is not one of pending, failed, delivered, stopped", stderr, StringComparison.Ordinal);
    }
}

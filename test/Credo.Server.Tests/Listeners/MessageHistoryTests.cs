using Credo.Core.Messages;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// Received messages in the console, in headless Chromium: paged to the 1,000th mail, searched, opened; an opened mail
/// stays open and the scroll position stays where it was while the page keeps itself current.
/// </summary>
public sealed class MessageHistoryTests(ListenerServerFixture server, Browser browser) : IClassFixture<ListenerServerFixture>, IClassFixture<Browser>
{
    [Fact]
    public async Task Operator_pages_to_the_thousandth_mail_searches_and_an_opened_mail_stays_open()
    {
        var listener = await server.ListenerAsync($"m{Guid.NewGuid():N}"[..14] + "@sandbox.test", l => l.Enabled = false);
        var start = TimeProvider.System.GetUtcNow().AddDays(-2);
        await server.QueryAsync(async db =>
        {
            for (var i = 1; i <= 1000; i++)
            {
                db.ReceivedMessages.Add(new ReceivedMessage
                {
                    Id = Guid.NewGuid(), ListenerId = listener.Id, DedupeKey = $"item:{i:D4}", ItemId = $"item-{i}", Subject = $"Paged mail {i:D4}",
                    From = i == 500 ? "Alfred Welker <alfred@contoso.com>" : "sender@example.com", To = "box@contoso.com",
                    BodyPreview = $"Preview of mail {i}", RecordedAt = start.AddMinutes(i), Mime = [1],
                });
            }

            return await db.SaveChangesAsync();
        });

        // The command line pages the same way: the next page's cursor goes to standard error, so the JSON stays whole.
        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["--data", server.DataFolder, "messages", "list", "--listener", listener.Name, "--take", "600", "--json"], environment: server.CliEnvironment);
        Assert.True(exit == 0, stderr);
        Assert.Equal(600, System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetArrayLength());
        var cursor = System.Text.RegularExpressions.Regex.Match(stderr, "add --before ([0-9a-f-]{36})").Groups[1].Value;
        (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["--data", server.DataFolder, "messages", "list", "--listener", listener.Name, "--take", "600", "--before", cursor, "--search", "paged MAIL"], environment: server.CliEnvironment);
        Assert.True(exit == 0, stderr);
        Assert.Contains("Paged mail 0001", stdout, StringComparison.Ordinal);
        Assert.Equal(400, stdout.Split('\n').Count(line => line.Contains("Paged mail", StringComparison.Ordinal)));
        Assert.DoesNotContain("--before", stderr, StringComparison.Ordinal);

        var page = await browser.NewPageAsync(server.BaseAddress);
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(CredoServerFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var messages = $"/Administration/Integrations/EmailListeners/{listener.Id}/Messages";
        await page.GotoAsync(messages);
        await Assertions.Expect(page.Locator("tbody tr").First).ToContainTextAsync("Paged mail 1000");

        // Nine pages further down is the first mail ever recorded, the 1,000th from the top.
        for (var p = 2; p <= 10; p++)
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Older" }).ClickAsync();
            await Assertions.Expect(page.Locator("tbody tr").First).ToContainTextAsync($"Paged mail {1000 - ((p - 1) * 100):D4}");
        }

        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(100);
        await Assertions.Expect(page.Locator("tbody tr").Last).ToContainTextAsync("Paged mail 0001");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older" })).ToHaveCountAsync(0);

        // Search by sender, then open the mail found.
        await page.GetByLabel("Subject or sender").FillAsync("alfred");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Link, new() { Name = "Paged mail 0500" }).ClickAsync();
        await Assertions.Expect(page.Locator("#paused")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("dl.detail")).ToContainTextAsync("Preview of mail 500");

        // The newest page keeps itself current (a reload every 10 s) without moving the scroll position; an opened
        // mail pauses that, so it stays open.
        await page.GotoAsync(messages);
        await page.EvaluateAsync("() => window.scrollTo(0, 1500)");
        await page.EvaluateAsync("() => { window.credoMarker = true; }");
        await ListenerServerFixture.EventuallyAsync(async () =>
        {
            try
            {
                return await page.EvaluateAsync<bool>("() => window.credoMarker === undefined && document.readyState === 'complete'");
            }
            catch (PlaywrightException)
            {
                return false; // between the two documents
            }
        }, "the page has reloaded itself");
        Assert.InRange(await page.EvaluateAsync<double>("() => window.scrollY"), 1400, 1600);

        await page.Locator("tbody tr").Nth(20).GetByRole(AriaRole.Link).First.ClickAsync();
        await Assertions.Expect(page.Locator("dl.detail")).ToContainTextAsync("Preview of mail 980");
        await page.EvaluateAsync("() => { window.credoMarker = true; }");
        await Task.Delay(TimeSpan.FromSeconds(12), TestContext.Current.CancellationToken);
        Assert.True(await page.EvaluateAsync<bool>("() => window.credoMarker === true"), "the page reloaded while a mail was open");
        await Assertions.Expect(page.Locator("dl.detail")).ToContainTextAsync("Preview of mail 980");
    }
}

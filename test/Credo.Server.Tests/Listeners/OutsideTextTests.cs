using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Credo.Core.Listeners;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// A mail whose subject and sender carry terminal escapes, a bell, a NUL and a right-to-left override, dropped into the
/// sandbox through its control API and read by an EWS and a Graph listener: the sandbox's EWS still answers, the
/// text output of <c>credo messages list</c> (the real executable) prints none of those characters, its JSON keeps
/// them, and the console shows the text isolated in <c>&lt;bdi&gt;</c>.
/// </summary>
public sealed class OutsideTextTests(ListenerServerFixture server, Browser browser) : IClassFixture<ListenerServerFixture>, IClassFixture<Browser>
{
    // ESC [2J clears a terminal, ESC [31m turns it red, BEL rings it; U+202E makes "gpj.exe" read "exe.jpg".
    internal const string Subject = "Invoice \u001b[2J\u001b[31m42\u0007\u0000 paid \u202Egpj.exe";
    internal const string SenderName = "Boss\u001b]0;pwned\u0007\u0000 \u202Eevil";
    private static readonly char[] Raw = ['\u001b', '\u0007', '\0', '\u202E'];

    [Fact]
    public async Task Escapes_bells_NULs_and_direction_overrides_in_a_mail_never_reach_the_terminal_raw_and_the_console_isolates_them()
    {
        var address = $"o{Guid.NewGuid():N}"[..14] + "@sandbox.test";
        await using var receiver = await WebhookReceiver.StartAsync();
        using var control = new HttpClient { BaseAddress = server.Sandbox.BaseAddress };
        (await control.PostAsJsonAsync("/sandbox/mailboxes", new { address }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        using var mail = new ByteArrayContent(Mail(address));
        mail.Headers.ContentType = new("message/rfc822");
        (await control.PostAsync(new Uri($"/sandbox/mailboxes/{address}/messages", UriKind.Relative), mail, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        void ReadOnly(ListenerInput input)
        {
            input.UnreadOnly = false;
            input.AfterProcessing = AfterProcessing.None;
        }

        var ews = await server.ListenerAsync(address, ReadOnly);
        var graph = await server.GraphListenerAsync(address, input =>
        {
            ReadOnly(input);
            input.WebhookUrl = receiver.Url.ToString();
            input.WebhookSecret = receiver.Secret;
        });
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(ews.Id) == 1 && await server.RecordedAsync(graph.Id) == 1, "both listeners record the mail");

        // Graph's JSON carries every character; XML 1.0 cannot carry ESC, BEL or NUL, so the sandbox's EWS leaves them out.
        var graphText = await CredoProcess.RunAsync(["messages", "list", "--listener", graph.Name, "--data", server.DataFolder]);
        var ewsText = await CredoProcess.RunAsync(["messages", "list", "--listener", ews.Name, "--data", server.DataFolder]);
        var graphJson = await CredoProcess.RunAsync(["messages", "list", "--listener", graph.Name, "--json", "--data", server.DataFolder]);

        foreach (var (exit, stdout, stderr) in new[] { graphText, ewsText })
        {
            Assert.True(exit == 0, stderr);
            Assert.Equal(-1, stdout.IndexOfAny(Raw));
            Assert.Contains("Invoice [2J[31m42 paid gpj.exe", stdout, StringComparison.Ordinal);
            Assert.Contains("Boss]0;pwned evil", stdout, StringComparison.Ordinal);
        }

        Assert.True(graphJson.ExitCode == 0, graphJson.Stderr);
        using var json = JsonDocument.Parse(graphJson.Stdout);
        var recorded = Assert.Single(json.RootElement.EnumerateArray());
        // Recorded as received but for the NUL, which no database's text can be trusted to hold (PostgreSQL refuses it).
        Assert.Equal(Subject.Replace("\0", "", StringComparison.Ordinal), recorded.GetProperty("subject").GetString());
        Assert.Contains(SenderName.Replace("\0", "", StringComparison.Ordinal), recorded.GetProperty("from").GetString(), StringComparison.Ordinal);

        var page = await browser.SignedInPageAsync(server.BaseAddress);
        await page.GotoAsync($"/Administration/Integrations/EmailListeners/{graph.Id}/Messages");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "gpj.exe" });
        await Assertions.Expect(row.Locator("a[aria-expanded] > bdi")).ToHaveTextAsync("Invoice [2J[31m42 paid gpj.exe");
        await Assertions.Expect(row.Locator("td bdi").First).ToContainTextAsync("Boss]0;pwned evil");
        var messagesHtml = await page.ContentAsync();

        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(receiver.Deliveries.Count == 1), "the webhook arrives");
        await page.GotoAsync($"/Administration/Integrations/EmailListeners/{graph.Id}/Deliveries");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "gpj.exe" }).Locator("a > bdi")).ToHaveTextAsync("Invoice [2J[31m42 paid gpj.exe");
        var deliveriesHtml = await page.ContentAsync();

        Assert.All(new[] { messagesHtml, deliveriesHtml }, html =>
        {
            Assert.Equal(-1, html.IndexOfAny(Raw));
            Assert.DoesNotContain("&#x202E;", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("&#x1B;", html, StringComparison.OrdinalIgnoreCase);
        });
    }

    /// <summary>The mail as a sender would write it: subject and sender name as RFC 2047 encoded words, as mail carries any character.</summary>
    internal static byte[] Mail(string to) => Encoding.ASCII.GetBytes(
        $"From: {EncodedWord(SenderName)} <boss@attacker.test>\r\n" +
        $"To: <{to}>\r\n" +
        $"Subject: {EncodedWord(Subject)}\r\n" +
        $"Message-ID: <{Guid.NewGuid():N}@attacker.test>\r\n" +
        "Date: Mon, 30 Nov 2026 09:00:00 +0000\r\n" +
        "MIME-Version: 1.0\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\n" +
        "\r\n" +
        "Please pay.\r\n");

    private static string EncodedWord(string text) => $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(text))}?=";
}

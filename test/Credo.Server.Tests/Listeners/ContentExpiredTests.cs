using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Credo.Core.Retention.Internal;
using Credo.Core.Users;
using Credo.Server.Tests.Infrastructure;
using Credo.Server.Tests.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Server.Tests.Listeners;

/// <summary>A mail whose content retention removed: the .eml answers 410 Gone saying why, the lists say "content expired".</summary>
public sealed class ContentExpiredTests(ListenerServerFixture server) : IClassFixture<ListenerServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Eml_of_a_mail_past_its_content_age_answers_410_with_the_reason_in_console_and_API()
    {
        var address = $"old{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address, subject: "Forty days old"), mailbox.WellKnown("inbox").Id);
        var listener = await server.ListenerAsync(address);
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 1, "the mail is recorded");
        var messageId = await server.QueryAsync(db => db.ReceivedMessages.Where(m => m.ListenerId == listener.Id).Select(m => m.Id).SingleAsync(Ct));

        // Recorded 40 days ago, then the purge runs as the background service would (default: 30 days).
        var recorded = server.Services.GetRequiredService<TimeProvider>().GetUtcNow() - TimeSpan.FromDays(40);
        await server.QueryAsync(db => db.ReceivedMessages.Where(m => m.Id == messageId).ExecuteUpdateAsync(u => u.SetProperty(m => m.RecordedAt, recorded), Ct));
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<RetentionPurger>().PurgeAsync(Ct);
        }

        var removedOn = (await server.QueryAsync(db => db.ReceivedMessages.Where(m => m.Id == messageId).Select(m => m.ContentExpiredAt).SingleAsync(Ct)))!.Value;
        var reason = $"The content of this mail was removed on {removedOn.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} after 30 days (Credo:Retention:MimeDays).";

        using var api = new HttpClient { BaseAddress = server.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.CreateApiKeyAsync(UserRole.Viewer));
        using var fromApi = await api.GetAsync($"/api/v1/messages/{messageId}/eml", Ct);
        Assert.Equal(HttpStatusCode.Gone, fromApi.StatusCode);
        Assert.Equal("application/problem+json", fromApi.Content.Headers.ContentType?.MediaType);
        Assert.Equal(reason, JsonDocument.Parse(await fromApi.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("detail").GetString());
        Assert.True(fromApi.Headers.CacheControl?.NoStore);

        using var list = await api.GetAsync($"/api/v1/listeners/{listener.Id}/messages", Ct);
        var listed = JsonDocument.Parse(await list.Content.ReadAsStringAsync(Ct)).RootElement[0];
        Assert.Equal((true, "Forty days old"), (listed.GetProperty("contentExpired").GetBoolean(), listed.GetProperty("subject").GetString()));

        using var console = await ConsoleSession.SignInAsync(server.BaseAddress, "admin", CredoServerFixture.AdminPassword);
        using var fromConsole = await console.SendAsync(HttpMethod.Get, $"/Administration/Integrations/EmailListeners/{listener.Id}/Messages/{messageId}/eml");
        Assert.Equal(HttpStatusCode.Gone, fromConsole.StatusCode);
        Assert.Equal(reason, await fromConsole.Content.ReadAsStringAsync(Ct));
        Assert.True(fromConsole.Headers.CacheControl?.NoStore);

        using var page = await console.SendAsync(HttpMethod.Get, $"/Administration/Integrations/EmailListeners/{listener.Id}/Messages");
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Forty days old", html, StringComparison.Ordinal);
        Assert.Contains("content expired", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"/Messages/{messageId}/eml", html, StringComparison.Ordinal);
    }
}

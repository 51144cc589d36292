using System.Net;
using System.Net.Http.Headers;
using Credo.Core.Users;
using Credo.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Listeners;

/// <summary>Poll now, from the API and from the console, leaves an audit entry naming who asked.</summary>
public sealed class PollNowAuditTests(ListenerServerFixture server, Browser browser) : IClassFixture<ListenerServerFixture>, IClassFixture<Browser>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Poll_now_over_the_API_is_audited_with_the_key_as_actor()
    {
        var listener = await server.ListenerAsync("poll-api@sandbox.test");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.CreateApiKeyAsync(UserRole.Administrator));

        using var response = await http.PostAsync($"/api/v1/listeners/{listener.Id}/poll", null, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var entry = await server.QueryAsync(db => db.AuditEntries.SingleAsync(a => a.Action == "poll" && a.EntityId == listener.Id.ToString(), Ct));
        Assert.Equal("listener", entry.EntityType);
        Assert.Equal(listener.Name, entry.EntityName);
        Assert.StartsWith("api-key:", entry.Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poll_now_of_an_unknown_listener_is_not_found_and_not_audited()
    {
        var id = Guid.NewGuid();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.CreateApiKeyAsync(UserRole.Administrator));

        using var response = await http.PostAsync($"/api/v1/listeners/{id}/poll", null, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(await server.QueryAsync(db => db.AuditEntries.AnyAsync(a => a.EntityId == id.ToString(), Ct)));
    }

    [Fact]
    public async Task Poll_now_in_the_console_is_audited_with_the_user_as_actor()
    {
        var listener = await server.ListenerAsync("poll-console@sandbox.test");
        var page = await browser.NewPageAsync(server.BaseAddress);
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(CredoServerFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await page.GotoAsync("/Administration/Integrations/EmailListeners");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = listener.Name }).GetByRole(AriaRole.Button, new() { Name = "Poll now" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Administration/Integrations/EmailListeners$"));
        await page.GotoAsync("/Administration/AuditLog");

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = listener.Name })
            .Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = "poll", Exact = true }) });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("admin");
    }
}

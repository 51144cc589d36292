using System.Net.Http.Headers;
using System.Text.Json;
using Credo.Core.Users;
using Credo.Core.Webhooks;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Listeners;

/// <summary>A webhook URL may carry the receiver's token: Viewers see it without its query string, Administrators whole.</summary>
public sealed class WebhookUrlMaskingTests(ListenerServerFixture server, Browser browser) : IClassFixture<ListenerServerFixture>, IClassFixture<Browser>
{
    private const string Token = "hook-token-9f8e7d";
    private const string WebhookUrl = "https://hooks.example.test/in?token=" + Token;
    private const string MaskedUrl = "https://hooks.example.test/in?…";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Viewer_key_sees_the_webhook_URL_without_its_query_and_an_administrator_key_sees_it_whole()
    {
        var listener = await ListenerWithTokenAsync();

        var (viewerList, viewerOne) = await ReadAsync(UserRole.Viewer, listener.Id);
        var (adminList, adminOne) = await ReadAsync(UserRole.Administrator, listener.Id);

        Assert.Equal(MaskedUrl, viewerOne.GetProperty("webhookUrl").GetString());
        Assert.Equal(MaskedUrl, viewerList.GetProperty("webhookUrl").GetString());
        Assert.DoesNotContain(Token, viewerOne.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, viewerList.ToString(), StringComparison.Ordinal);
        Assert.Equal(WebhookUrl, adminOne.GetProperty("webhookUrl").GetString());
        Assert.Equal(WebhookUrl, adminList.GetProperty("webhookUrl").GetString());
    }

    [Fact]
    public async Task Viewer_sees_the_webhook_URL_masked_on_the_console_and_an_administrator_sees_it_whole()
    {
        var listener = await ListenerWithTokenAsync();
        var viewer = "viewer-" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(viewer, "viewer-password-1", UserRole.Viewer);

        var viewerPage = await SignedInPageAsync(viewer, "viewer-password-1");
        var adminPage = await SignedInPageAsync("admin", CredoServerFixture.AdminPassword);

        foreach (var page in new[] { viewerPage, adminPage })
        {
            await page.GotoAsync("/Administration/Integrations/EmailListeners");
            await page.GetByRole(AriaRole.Row).Filter(new() { HasText = listener.Name }).GetByRole(AriaRole.Link, new() { Name = "Deliveries" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Webhook deliveries" })).ToBeVisibleAsync();
        }

        await Assertions.Expect(viewerPage.GetByText($"To {MaskedUrl}.")).ToBeVisibleAsync();
        await Assertions.Expect(adminPage.GetByText($"To {WebhookUrl}.")).ToBeVisibleAsync();
        foreach (var path in new[] { "/Administration/Integrations/EmailListeners", $"/Administration/Integrations/EmailListeners/{listener.Id}/Messages", $"/Administration/Integrations/EmailListeners/{listener.Id}/Deliveries" })
        {
            await viewerPage.GotoAsync(path);
            Assert.DoesNotContain(Token, await viewerPage.ContentAsync(), StringComparison.Ordinal);
        }
    }

    private async Task<Credo.Core.Listeners.EmailListener> ListenerWithTokenAsync()
    {
        var address = $"mask{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        server.Sandbox.Mailboxes.Create(address);
        return await server.ListenerAsync(address, input =>
        {
            input.WebhookUrl = WebhookUrl;
            input.WebhookSecret = WebhookSignature.NewSecret();
        });
    }

    private async Task<(JsonElement Listed, JsonElement One)> ReadAsync(UserRole role, Guid id)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.CreateApiKeyAsync(role));
        var list = JsonDocument.Parse(await http.GetStringAsync("/api/v1/listeners", Ct)).RootElement;
        var one = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/listeners/{id}", Ct)).RootElement;
        return (list.EnumerateArray().Single(l => l.GetProperty("id").GetGuid() == id), one);
    }

    private async Task<IPage> SignedInPageAsync(string userName, string password)
    {
        var page = await browser.NewPageAsync(server.BaseAddress);
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        return page;
    }
}

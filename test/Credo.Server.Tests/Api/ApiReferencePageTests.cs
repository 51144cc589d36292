using System.Net;
using Credo.Core.Users;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Api;

/// <summary>The browsable API page at <c>/openapi/</c> in headless Chromium, under its Content-Security-Policy.</summary>
public sealed class ApiReferencePageTests(CredoServerFixture server, Browser browser) : IClassFixture<CredoServerFixture>, IClassFixture<Browser>
{
    // Swagger UI builds the page in script once the document has arrived, which takes a while on a busy machine.
    private const float PageBuilt = 30_000;

    [Fact]
    public async Task The_API_page_renders_from_local_files_under_its_policy_and_calls_the_API_with_a_key()
    {
        var page = await browser.NewPageAsync(server.BaseAddress);
        var refused = new List<string>();
        var foreign = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                refused.Add(message.Text);
            }
        };
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(server.BaseAddress.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                foreign.Add(request.Url);
            }
        };

        var response = await page.GotoAsync("/openapi/index.html");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.True(refused.Count == 0, string.Join("\n", refused));
        await Expect(page.Locator(".opblock-summary-path", new() { HasText = "/api/v1/listeners/{id}" }).First).ToBeVisibleAsync(new() { Timeout = PageBuilt });

        Assert.Equal((int)HttpStatusCode.OK, response!.Status);
        Assert.Contains("script-src 'self'", await response.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", await response.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", await response.HeaderValueAsync("content-security-policy"), StringComparison.Ordinal);

        // Authorize with an API key, then "Try it out" on GET /api/v1/listeners.
        var key = await server.CreateApiKeyAsync(UserRole.Viewer);
        await page.Locator(".scheme-container button.authorize").ClickAsync();
        var scheme = page.Locator(".modal-ux form", new() { HasText = "X-Api-Key" });
        await scheme.Locator("input").FillAsync(key);
        await scheme.Locator("button.authorize").ClickAsync();
        await Expect(scheme.GetByText("Authorized")).ToBeVisibleAsync(new() { Timeout = PageBuilt });
        await page.Locator(".modal-ux button.btn-done").First.ClickAsync();
        var listeners = page.Locator(".opblock-get", new() { Has = page.Locator(".opblock-summary-path[data-path='/api/v1/listeners']") }).First;
        await listeners.Locator(".opblock-summary").ClickAsync();
        await listeners.GetByRole(AriaRole.Button, new() { Name = "Try it out" }).ClickAsync();
        await listeners.GetByRole(AriaRole.Button, new() { Name = "Execute" }).ClickAsync();
        await Expect(listeners.Locator(".live-responses-table tbody .response-col_status").First).ToHaveTextAsync("200", new() { Timeout = PageBuilt });

        Assert.True(refused.Count == 0, string.Join("\n", refused));
        Assert.Empty(foreign);
    }

    [Fact]
    public async Task The_console_keeps_its_policy_without_script()
    {
        using var http = new HttpClient();

        using var login = await http.GetAsync(new Uri(server.BaseAddress, "/Account/Login"), TestContext.Current.CancellationToken);

        Assert.DoesNotContain("script-src", login.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}

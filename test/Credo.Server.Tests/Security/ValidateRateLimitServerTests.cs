using System.Net;
using System.Net.Http.Json;
using Credo.Core.Users;
using Credo.Server.Tests.Infrastructure;
using Credo.Tests;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Security;

/// <summary>
/// Validate sends a real token request, so each user may run it only so many times a window: in the console (a clear
/// message, nothing sent) and through the API (429 with Retry-After), where every API key is a user of its own.
/// </summary>
public sealed class ValidateRateLimitServerTests(ValidateRateLimitServerTests.LimitedServer server, Browser browser)
    : IClassFixture<ValidateRateLimitServerTests.LimitedServer>, IClassFixture<Browser>
{
    private const int Limit = 3;

    [Fact]
    public async Task An_api_key_past_its_validations_gets_429_with_Retry_After_and_sends_nothing_while_another_key_goes_on()
    {
        await using var endpoint = await InvalidClientEndpointAsync();
        using var first = await ApiAsync();
        using var second = await ApiAsync();
        var body = new
        {
            name = "Limited", clientId = "limited-client", clientSecret = "limited-s3cret", tokenEndpoint = endpoint.Url("token").ToString(),
            scopes = CredoServerFixture.Scope,
        };

        for (var i = 0; i < Limit; i++)
        {
            using var allowed = await first.PostAsJsonAsync("/api/v1/credentials/validate", body, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await first.PostAsJsonAsync("/api/v1/credentials/validate", body, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"Validate was run {Limit} times", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(Limit, endpoint.Requests);

        using var other = await second.PostAsJsonAsync("/api/v1/credentials/validate", body, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(Limit + 1, endpoint.Requests);
    }

    [Fact]
    public async Task A_console_user_past_their_validations_is_told_so_and_nothing_is_sent()
    {
        await using var endpoint = await InvalidClientEndpointAsync();
        var userName = "validator-" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(userName, "validator-password-1", UserRole.Administrator);
        var page = await browser.SignedInPageAsync(server.BaseAddress, userName, "validator-password-1");
        await page.GotoAsync("/Administration/GlobalSettings/Credentials/Add?type=OAuth2ClientCredentials");
        await page.GetByLabel("Name").FillAsync("Limited in the console");
        await page.GetByLabel("Client Identifier").FillAsync("limited-client");
        await page.GetByLabel("Client Secret").FillAsync("limited-s3cret");
        await page.GetByLabel("Token Endpoint").FillAsync(endpoint.Url("token").ToString());
        await page.GetByLabel("Scopes").FillAsync(CredoServerFixture.Scope);
        for (var i = 0; i < Limit; i++)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Validation failed" })).ToBeVisibleAsync();
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Validate" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = $"Validate was run {Limit} times within 60 min" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Validation failed" })).ToHaveCountAsync(0);
        Assert.Equal(Limit, endpoint.Requests);

        // What was typed is still carried, so Add needs no retyping.
        await Assertions.Expect(page.Locator("#Form_ClientSecret-note")).ToContainTextAsync("kept for 10 minutes");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Limited in the console" })).ToHaveCountAsync(1);
    }

    private static Task<LoopbackServer> InvalidClientEndpointAsync() =>
        LoopbackServer.AnsweringAsync(400, "application/json", """{"error":"invalid_client"}""");

    private async Task<HttpClient> ApiAsync()
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", await server.CreateApiKeyAsync(UserRole.Administrator));
        return http;
    }

    /// <summary>The server with a limit of three validations an hour, so that a test reaches it quickly and no window ends meanwhile.</summary>
    public sealed class LimitedServer : CredoServerFixture
    {
        protected override string[] ExtraArguments => [$"--Credo:Validate:MaxPerUser={Limit}", "--Credo:Validate:Window=01:00:00"];
    }
}

using System.Net;
using Credo.Core.Audit;
using Credo.Core.Users;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Security;

/// <summary>Signing out of the console ends the session on the server, and sign-in, failed sign-in and sign-out are audited.</summary>
public sealed class SignOutTests(CredoServerFixture server, Browser browser) : IClassFixture<CredoServerFixture>, IClassFixture<Browser>
{
    [Fact]
    public async Task A_cookie_copied_before_sign_out_is_refused_at_once()
    {
        var userName = "copied-" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(userName, "copied-password-1", UserRole.Administrator);
        var page = await browser.NewPageAsync(server.BaseAddress);
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync("copied-password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Email Listeners" })).ToBeVisibleAsync();
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "credo.session");
        using var copy = new ConsoleClient(server.BaseAddress);
        copy.Cookies.Add(server.BaseAddress, new System.Net.Cookie(cookie.Name, cookie.Value));
        using (var before = await copy.GetAsync(ConsoleClient.CredentialsPath))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login$"));

        using var after = await copy.GetAsync(ConsoleClient.CredentialsPath);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/Account/Login", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_failed_sign_in_and_sign_out_are_audited_with_the_client_address()
    {
        var userName = "audit-" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(userName, "audit-password-1", UserRole.Viewer);
        using var client = new ConsoleClient(server.BaseAddress);

        using (var failed = await client.SignInAsync(userName, "typed-wrongly-1"))
        {
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        using (var signedIn = await client.SignInAsync(userName, "audit-password-1"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using (var signedOut = await client.SignOutAsync())
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }

        await using var scope = server.Services.CreateAsyncScope();
        var entries = (await scope.ServiceProvider.GetRequiredService<AuditLog>().ListAsync(1000, TestContext.Current.CancellationToken))
            .Where(e => e.EntityName == userName).ToList();
        Assert.Contains(entries, e => e.Action == "sign-in-failed" && e.Details == "from 127.0.0.1; wrong password");
        Assert.Contains(entries, e => e.Action == "sign-in" && e.Actor == userName && e.Details == "from 127.0.0.1");
        Assert.Contains(entries, e => e.Action == "sign-out" && e.Actor == userName && e.Details == "from 127.0.0.1");
        Assert.DoesNotContain(entries, e => $"{e.Actor} {e.EntityName} {e.Details}".Contains("typed-wrongly-1", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => $"{e.Actor} {e.EntityName} {e.Details}".Contains("audit-password-1", StringComparison.Ordinal));
    }
}

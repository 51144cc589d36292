using Credo.Core.Users;
using Credo.Server.Pages.Account;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Credo.Server.Tests.Security;

/// <summary>
/// A failed sign-in answers the same words whether the user exists or not, and whether the account is locked out or
/// not, so the sign-in page tells no one which user names exist; the lockout itself still holds.
/// </summary>
public sealed class SignInWordsTests(SignInWordsTests.PatientServer server, Browser browser) : IClassFixture<SignInWordsTests.PatientServer>, IClassFixture<Browser>
{
    [Fact]
    public async Task Unknown_user_wrong_password_and_locked_account_read_the_same()
    {
        var userName = "words-" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(userName, "right-password-1", UserRole.Administrator);

        var unknown = await SignInAsync("nobody-" + Guid.NewGuid().ToString("N")[..6], "right-password-1");
        var wrong = await SignInAsync(userName, "wrong-password-1");
        for (var i = 1; i < UserService.MaxFailedSignIns; i++)
        {
            await SignInAsync(userName, "wrong-password-1");
        }

        var locked = await SignInAsync(userName, "right-password-1");
        var lockedWrong = await SignInAsync(userName, "wrong-password-1");

        Assert.Contains(LoginModel.SignInFailed, unknown.Text, StringComparison.Ordinal);
        Assert.All(new[] { wrong, locked, lockedWrong }, answer => Assert.Equal(unknown, answer));
        Assert.False(locked.SignedIn, "The right password signed in during the lockout.");
    }

    /// <summary>Signs in from a fresh browser; what the page said (its visible text and status), and whether a session began.</summary>
    private async Task<Answer> SignInAsync(string userName, string password)
    {
        var page = await browser.NewPageAsync(server.BaseAddress);
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            r => r.Url.EndsWith("/Account/Login", StringComparison.Ordinal) && r.Request.Method == "POST");
        // The answer's text is all that is read: the answering document has to be there (a failed sign-in shows an alert,
        // which the form before it has not; a sign-in leaves the page), not its style sheet.
        await page.WaitForFunctionAsync("() => document.querySelector('[role=alert]') !== null || !location.pathname.endsWith('/Account/Login')");
        var signedIn = (await page.Context.CookiesAsync()).Any(c => c.Name == "credo.session");
        var answer = new Answer(response.Status, await page.Locator("body").InnerTextAsync(), signedIn);
        await page.Context.CloseAsync();
        return answer;
    }

    private sealed record Answer(int Status, string Text, bool SignedIn);

    /// <summary>The server with a per-address limit high enough that this address is never made to wait.</summary>
    public sealed class PatientServer : CredoServerFixture
    {
        protected override string[] ExtraArguments => ["--Credo:SignIn:MaxFailuresPerAddress=100"];
    }
}

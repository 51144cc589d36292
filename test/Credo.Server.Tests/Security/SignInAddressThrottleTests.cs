using System.Net;
using Credo.Core.Users;

namespace Credo.Server.Tests.Security;

/// <summary>
/// One address that keeps failing to sign in is made to wait, before any password is checked, so it cannot keep a
/// user (such as <c>admin</c>) locked out: the user signs in from another address meanwhile.
/// </summary>
public sealed class SignInAddressThrottleTests(ThrottledServerFixture server) : IClassFixture<ThrottledServerFixture>
{
    [Fact]
    public async Task An_address_that_keeps_failing_waits_and_cannot_lock_the_user_out()
    {
        var userName = "target-" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(userName, "target-password-1", UserRole.Administrator);
        using var attacker = new ConsoleClient(server.BaseAddress);
        for (var i = 0; i < ThrottledServerFixture.MaxFailuresPerAddress; i++)
        {
            using var failed = await attacker.SignInAsync(userName, "guess-" + i);
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        for (var i = 0; i < 2 * UserService.MaxFailedSignIns; i++)
        {
            using var refused = await attacker.SignInAsync(userName, "guess-more-" + i);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            Assert.Contains("Too many failed sign-ins from your address", await refused.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        using var waiting = await attacker.SignInAsync(userName, "target-password-1");
        Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode);

        using var owner = new ConsoleClient(server.BaseAddress, IPAddress.Parse("127.0.0.2"));
        using var signedIn = await owner.SignInAsync(userName, "target-password-1");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/Administration/Integrations/EmailListeners", signedIn.Headers.Location!.OriginalString);
    }
}

using System.Net;
using Credo.Server.Hosting;
using Credo.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Credo.Server.Tests.Security;

/// <summary>A console session ends a fixed time after sign-in however busy it is; the server runs on a fake clock.</summary>
public sealed class SessionLifetimeTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("credo-session-").FullName;
    private readonly FakeTimeProvider _time = new(TimeProvider.System.GetUtcNow());
    private WebApplication? _app;
    private Uri _baseAddress = null!;

    public async ValueTask InitializeAsync()
    {
        _app = CredoServer.Build(
            new ServeSettings(false, _data, "http://127.0.0.1:0", [$"--CREDO_ADMIN_PASSWORD={CredoServerFixture.AdminPassword}", "--Credo:Sessions:AbsoluteLifetime=04:00:00"]),
            builder => builder.Services.AddSingleton<TimeProvider>(_time));
        await _app.StartAsync(TestContext.Current.CancellationToken);
        _baseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Session_ends_after_the_absolute_lifetime_even_while_in_use()
    {
        using var client = new ConsoleClient(_baseAddress);
        using (var signedIn = await client.SignInAsync("admin", CredoServerFixture.AdminPassword))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        // A request every hour keeps the sliding cookie (idle timeout 8 h) alive throughout.
        for (var hour = 1; hour < 4; hour++)
        {
            _time.Advance(TimeSpan.FromHours(1));
            using var inUse = await client.GetAsync(ConsoleClient.CredentialsPath);
            Assert.True(inUse.StatusCode == HttpStatusCode.OK, $"Refused after {hour} h.");
        }

        _time.Advance(TimeSpan.FromHours(1));
        using var expired = await client.GetAsync(ConsoleClient.CredentialsPath);

        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
        Assert.StartsWith("/Account/Login", expired.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}

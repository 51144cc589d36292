using Credo.Core.Audit;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Credo.Core.Users;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Credo.Core.Tests.Users;

/// <summary>Sign-in, lockout, sessions and their audit entries, run on each database provider against a real database.</summary>
public abstract class UserSignInTests : IAsyncLifetime
{
    private const string Password = "right-password-1";
    private const string Address = "192.0.2.7";

    private readonly string _keys = Directory.CreateTempSubdirectory("credo-keys-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
    private CoreServices? _core;

    private CoreServices Core => _core ?? throw new InvalidOperationException("Not started.");

    protected abstract Task<DatabaseOptions> CreateDatabaseAsync();

    public async ValueTask InitializeAsync() =>
        _core = await CoreServices.StartAsync(await CreateDatabaseAsync(), _keys, services => services.AddSingleton<TimeProvider>(_time));

    public virtual async ValueTask DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }

        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task Concurrent_wrong_passwords_are_checked_no_more_often_than_the_lockout_allows()
    {
        await AddUserAsync("racer");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => Task.Run(() => SignInAsync("racer", "wrong-password-0"))));

        var failures = await AuditAsync("sign-in-failed");
        var checkedPasswords = failures.Count(e => e.Details!.EndsWith("wrong password", StringComparison.Ordinal));
        Assert.All(attempts, a => Assert.False(a.Succeeded));
        Assert.InRange(checkedPasswords, 1, UserService.MaxFailedSignIns);
        Assert.Equal(30, failures.Count);
        Assert.Single(await AuditAsync("lockout"));
        Assert.True((await SignInAsync("racer", Password)).LockedOut, "The right password is refused during the lockout.");
    }

    [Fact]
    public async Task Lockout_ends_after_its_duration_and_a_success_starts_the_count_again()
    {
        await AddUserAsync("patient");
        for (var i = 0; i < UserService.MaxFailedSignIns - 1; i++)
        {
            Assert.False((await SignInAsync("patient", "wrong-password-0")).LockedOut);
        }

        Assert.True((await SignInAsync("patient", Password)).Succeeded);
        Assert.False((await SignInAsync("patient", "wrong-password-0")).LockedOut);
        for (var i = 0; i < UserService.MaxFailedSignIns - 1; i++)
        {
            await SignInAsync("patient", "wrong-password-0");
        }

        Assert.True((await SignInAsync("patient", Password)).LockedOut);
        _time.Advance(UserService.LockoutDuration);
        Assert.True((await SignInAsync("patient", Password)).Succeeded);
    }

    [Fact]
    public async Task Session_goes_on_until_sign_out()
    {
        var user = await AddUserAsync("leaver");
        var session = (await SignInAsync("leaver", Password)).Session!;
        Assert.True(await IsCurrentAsync(user, session));

        await using (var scope = Core.Scope())
        {
            await Core.Get<UserService>(scope).SignOutAsync(user.Id, session.Id, Address, TestContext.Current.CancellationToken);
        }

        Assert.False(await IsCurrentAsync(user, session));
    }

    [Fact]
    public async Task Session_ends_after_its_absolute_lifetime_however_active()
    {
        var user = await AddUserAsync("busy");
        var session = (await SignInAsync("busy", Password)).Session!;
        var lifetime = new SessionLifetimeOptions().AbsoluteLifetime;

        _time.Advance(lifetime - TimeSpan.FromSeconds(1));
        Assert.True(await IsCurrentAsync(user, session));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await IsCurrentAsync(user, session));
    }

    [Fact]
    public async Task Password_reset_ends_every_session_of_the_user()
    {
        var user = await AddUserAsync("forgetful");
        var first = (await SignInAsync("forgetful", Password)).Session!;
        var second = (await SignInAsync("forgetful", Password)).Session!;

        await using (var scope = Core.Scope())
        {
            Assert.Null(await Core.Get<UserService>(scope).ResetPasswordAsync("forgetful", "another-password-2", "tests", TestContext.Current.CancellationToken));
        }

        Assert.False(await IsCurrentAsync(user, first));
        Assert.False(await IsCurrentAsync(user, second));
    }

    [Fact]
    public async Task Sign_in_failed_sign_in_and_sign_out_are_audited_with_the_address_and_never_the_password()
    {
        var user = await AddUserAsync("audited");
        await SignInAsync("nobody-here", "typo-password-1");
        await SignInAsync("audited", "typo-password-2");
        var session = (await SignInAsync("audited", Password)).Session!;
        await using (var scope = Core.Scope())
        {
            await Core.Get<UserService>(scope).SignOutAsync(user.Id, session.Id, Address, TestContext.Current.CancellationToken);
        }

        var failed = await AuditAsync("sign-in-failed");
        Assert.Contains(failed, e => e.EntityName == "nobody-here" && e.Details == $"from {Address}; unknown user");
        Assert.Contains(failed, e => e.EntityName == "audited" && e.EntityId == user.Id.ToString() && e.Details == $"from {Address}; wrong password");
        var signIn = Assert.Single(await AuditAsync("sign-in"));
        Assert.Equal(("audited", $"from {Address}"), (signIn.Actor, signIn.Details));
        var signOut = Assert.Single(await AuditAsync("sign-out"));
        Assert.Equal(("audited", user.Id.ToString(), $"from {Address}"), (signOut.Actor, signOut.EntityId, signOut.Details));
        await using var read = Core.Scope();
        var everything = string.Join('\n', (await Core.Get<AuditLog>(read).ListAsync(1000, TestContext.Current.CancellationToken))
            .Select(e => $"{e.Actor} {e.Action} {e.EntityId} {e.EntityName} {e.Details}"));
        Assert.DoesNotContain("typo-password", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, everything, StringComparison.Ordinal);
    }

    private async Task<User> AddUserAsync(string userName)
    {
        await using var scope = Core.Scope();
        var users = Core.Get<UserService>(scope);
        Assert.Null(await users.AddAsync(userName, Password, UserRole.Viewer, "tests", TestContext.Current.CancellationToken));
        return await Core.Get<CredoDbContext>(scope).Users.AsNoTracking().SingleAsync(u => u.UserName == userName, TestContext.Current.CancellationToken);
    }

    private async Task<SignInResult> SignInAsync(string userName, string password)
    {
        await using var scope = Core.Scope();
        return await Core.Get<UserService>(scope).SignInAsync(userName, password, Address, TestContext.Current.CancellationToken);
    }

    private async Task<bool> IsCurrentAsync(User user, UserSession session)
    {
        await using var scope = Core.Scope();
        return await Core.Get<UserService>(scope).IsSessionCurrentAsync(user.Id, user.SecurityStamp, session.Id, TestContext.Current.CancellationToken);
    }

    private async Task<List<AuditEntry>> AuditAsync(string action)
    {
        await using var scope = Core.Scope();
        return [.. (await Core.Get<AuditLog>(scope).ListAsync(1000, TestContext.Current.CancellationToken)).Where(e => e.Action == action)];
    }
}

public sealed class SqliteUserSignInTests : UserSignInTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-sqlite-").FullName;

    protected override Task<DatabaseOptions> CreateDatabaseAsync() =>
        Task.FromResult(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class PostgreSqlUserSignInTests : UserSignInTests
{
    private PostgreSqlServer.TemporaryDatabase? _database;

    protected override async Task<DatabaseOptions> CreateDatabaseAsync()
    {
        _database = await PostgreSqlServer.CreateDatabaseAsync();
        return new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = _database.ConnectionString };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

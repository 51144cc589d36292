using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Credo.Core.Users;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Credo.Core.Tests.Users;

/// <summary>The first administrator: the password from <c>CREDO_ADMIN_PASSWORD</c>, or a generated one kept in a file for its owner only.</summary>
public sealed class FirstAdminTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("credo-first-admin-").FullName;
    private CoreServices? _core;

    private CoreServices Core => _core ?? throw new InvalidOperationException("Not started.");

    private string PasswordFile => Path.Combine(_folder, "initial-admin-password");

    public async ValueTask InitializeAsync() => _core = await CoreServices.StartAsync(
        new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" },
        Directory.CreateDirectory(Path.Combine(_folder, "keys")).FullName);

    public async ValueTask DisposeAsync()
    {
        if (_core is not null)
        {
            await _core.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("elevenchars")]
    public async Task Admin_password_from_the_environment_must_pass_the_password_rules(string password)
    {
        await using var scope = Core.Scope();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Core.Get<UserService>(scope).EnsureFirstAdminAsync(password, PasswordFile, TestContext.Current.CancellationToken));

        Assert.Contains("CREDO_ADMIN_PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.Contains($"at least {UserService.MinPasswordLength} characters", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain($"'{password}'", error.Message, StringComparison.Ordinal);
        Assert.False(await Core.Get<CredoDbContext>(scope).Users.AnyAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Admin_password_of_the_required_length_is_taken()
    {
        await using var scope = Core.Scope();
        var users = Core.Get<UserService>(scope);

        Assert.Null(await users.EnsureFirstAdminAsync("twelve-chars", PasswordFile, TestContext.Current.CancellationToken));

        Assert.True((await users.SignInAsync(UserService.FirstAdminName, "twelve-chars", null, TestContext.Current.CancellationToken)).Succeeded);
        Assert.False(File.Exists(PasswordFile));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Generated_password_goes_to_a_new_file_that_only_its_owner_could_ever_read()
    {
        // A file left from an earlier install, readable by others and held open by one of them.
        await File.WriteAllTextAsync(PasswordFile, "stale\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var heldOpen = new FileStream(PasswordFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        await using var scope = Core.Scope();
        var generated = await Core.Get<UserService>(scope).EnsureFirstAdminAsync(null, PasswordFile, TestContext.Current.CancellationToken);

        Assert.NotNull(generated);
        Assert.Equal(generated + "\n", await File.ReadAllTextAsync(PasswordFile, TestContext.Current.CancellationToken));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PasswordFile));
        using var reader = new StreamReader(heldOpen);
        Assert.DoesNotContain(generated, await reader.ReadToEndAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}

using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Security;

/// <summary><c>credo serve</c> with a first-administrator password that breaks the password rules.</summary>
public sealed class AdminPasswordTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("credo-admin-password-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Serve_refuses_to_start_with_a_short_CREDO_ADMIN_PASSWORD_and_says_which_variable()
    {
        var (exit, stdout, stderr) = await CredoProcess.RunAsync(
            ["serve", "--urls", "http://127.0.0.1:0", "--data", _data],
            environment: new Dictionary<string, string> { ["CREDO_ADMIN_PASSWORD"] = "a" });

        Assert.NotEqual(0, exit);
        Assert.Contains("CREDO_ADMIN_PASSWORD", stderr, StringComparison.Ordinal);
        Assert.Contains("at least 12 characters", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Credo.Server.Cli.StartBanner.Title, stdout, StringComparison.Ordinal);
    }
}

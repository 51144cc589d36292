using System.Text;
using System.Text.Json;
using Credo.Server.Tests.Infrastructure;
using Credo.Tests;

namespace Credo.Server.Tests.Cli;

/// <summary><c>credo credentials add|update --certificate</c> and <c>--secret-expires</c>, run as processes on one data folder.</summary>
public sealed class CertificateCredentialsCommandTests : IDisposable
{
    private const string Password = "cli-pfx-Pa55!";

    private readonly string _data = Directory.CreateTempSubdirectory("credo-cli-cert-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Certificate_credential_is_added_from_PEM_and_updated_from_PFX_with_the_password_from_stdin()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var first = CertificateFiles.Rsa("CN=credo-cli-first", now.AddDays(-1), now.AddDays(60).AddHours(1));
        using var second = CertificateFiles.Rsa("CN=credo-cli-second", now.AddDays(-1), now.AddDays(15).AddHours(1));
        var pem = Path.Combine(_data, "first.pem");
        var pfx = Path.Combine(_data, "second.pfx");
        await File.WriteAllBytesAsync(pem, first.Pem(), TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(pfx, second.Pfx(Password), TestContext.Current.CancellationToken);

        var add = await RunAsync(["credentials", "add", "--name", "Entra certificate", "--client-id", "cli-cert", "--certificate", pem,
            "--token-endpoint", "https://login.microsoftonline.com/contoso/oauth2/v2.0/token", "--scope", "https://graph.microsoft.com/.default"]);
        Assert.True(add.ExitCode == 0, add.Stderr);
        var shownFirst = await ShowAsync();
        Assert.Equal(first.Sha256Thumbprint, shownFirst.GetProperty("certificate").GetProperty("sha256Thumbprint").GetString());
        Assert.Equal("PS256", shownFirst.GetProperty("certificate").GetProperty("signingAlgorithm").GetString());
        Assert.Equal(60, shownFirst.GetProperty("expiresInDays").GetInt32());

        var update = await RunAsync(["credentials", "update", "Entra certificate", "--certificate", pfx, "--certificate-password-stdin", "--signing-algorithm", "RS256"], Password);
        Assert.True(update.ExitCode == 0, update.Stderr);
        var shownSecond = await ShowAsync();
        Assert.Equal(second.Sha256Thumbprint, shownSecond.GetProperty("certificate").GetProperty("sha256Thumbprint").GetString());
        Assert.Equal("RS256", shownSecond.GetProperty("certificate").GetProperty("signingAlgorithm").GetString());
        Assert.Equal(15, shownSecond.GetProperty("expiresInDays").GetInt32());

        var list = await RunAsync(["credentials", "list"]);
        Assert.Contains("! Expires in 15 days", list.Stdout, StringComparison.Ordinal);
        var show = await RunAsync(["credentials", "show", "Entra certificate"]);
        Assert.Contains(second.Sha256Thumbprint, show.Stdout, StringComparison.Ordinal);

        foreach (var output in new[] { add, update, list, show })
        {
            Assert.DoesNotContain(first.KeyBase64[..40], output.Stdout + output.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(second.KeyBase64[..40], output.Stdout + output.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, output.Stdout + output.Stderr, StringComparison.Ordinal);
        }

        File.Delete(pem);
        File.Delete(pfx);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var stored = Encoding.Latin1.GetString(Directory.GetFiles(_data, "*", SearchOption.AllDirectories).SelectMany(File.ReadAllBytes).ToArray());
        Assert.Contains(second.Sha256Thumbprint, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(second.KeyBase64[..40], stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_certificate_password_exits_2_with_a_clear_message()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var files = CertificateFiles.Rsa("CN=credo-cli-wrong", now.AddDays(-1), now.AddDays(30));
        var pfx = Path.Combine(_data, "client.pfx");
        await File.WriteAllBytesAsync(pfx, files.Pfx(Password), TestContext.Current.CancellationToken);

        var add = await RunAsync(["credentials", "add", "--name", "Wrong", "--client-id", "cli-cert", "--certificate", pfx, "--certificate-password-stdin",
            "--token-endpoint", "https://login.microsoftonline.com/contoso/oauth2/v2.0/token", "--scope", "https://graph.microsoft.com/.default"], "not-the-password");

        Assert.Equal(2, add.ExitCode);
        Assert.Contains("Certificate Password: Wrong password", add.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", add.Stdout + add.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secret_expiry_date_is_listed_with_the_days_left()
    {
        var expires = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime).AddDays(10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var add = await RunAsync(["credentials", "add", "--name", "Expiring", "--client-id", "c", "--client-secret-stdin", "--secret-expires", expires,
            "--token-endpoint", "https://login.microsoftonline.com/contoso/oauth2/v2.0/token", "--scope", "https://outlook.office365.com/.default"], "a-secret");
        var bad = await RunAsync(["credentials", "update", "Expiring", "--secret-expires", "next tuesday"]);

        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("YYYY-MM-DD", bad.Stderr, StringComparison.Ordinal);
        var list = await RunAsync(["credentials", "list"]);
        Assert.Contains("! Expires in 10 days", list.Stdout, StringComparison.Ordinal);
    }

    private async Task<JsonElement> ShowAsync()
    {
        var show = await RunAsync(["credentials", "show", "Entra certificate", "--json"]);
        Assert.True(show.ExitCode == 0, show.Stderr);
        return JsonDocument.Parse(show.Stdout).RootElement.Clone();
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string? stdin = null) =>
        CredoProcess.RunAsync([.. args, "--data", _data], stdin);
}

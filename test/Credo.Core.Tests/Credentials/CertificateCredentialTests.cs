using System.Text;
using Credo.Core.Audit;
using Credo.Core.Credentials;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Credo.OAuth;
using Credo.Tests;
using Microsoft.Data.Sqlite;

namespace Credo.Core.Tests.Credentials;

/// <summary>
/// Certificate credentials in the store: read from PEM or PKCS#12 (the password used once), kept encrypted with subject,
/// thumbprint, expiry and algorithm in plain columns, and the stored key used only where it was saved for.
/// </summary>
public sealed class CertificateCredentialTests : IAsyncLifetime
{
    private const string Password = "pfx-Pa55word!";

    private readonly string _folder = Directory.CreateTempSubdirectory("credo-certificate-").FullName;
    private readonly CertificateFiles _rsa = CertificateFiles.Rsa("CN=credo-store-test", TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(90));
    private CoreServices? _core;
    private LoopbackServer? _elsewhere;

    private CoreServices Core => _core ?? throw new InvalidOperationException("Not started.");

    private LoopbackServer Elsewhere => _elsewhere ?? throw new InvalidOperationException("Not started.");

    private string DatabaseFile => Path.Combine(_folder, "credo.db");

    public async ValueTask InitializeAsync()
    {
        _elsewhere = await LoopbackServer.AnsweringAsync(400, "application/json", """{"error":"invalid_client"}""");
        _core = await CoreServices.StartAsync(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={DatabaseFile}" },
            Directory.CreateDirectory(Path.Combine(_folder, "keys")).FullName);
    }

    public async ValueTask DisposeAsync()
    {
        _rsa.Dispose();
        await Elsewhere.DisposeAsync();
        await Core.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Certificate_from_PEM_is_stored_encrypted_with_its_subject_thumbprint_and_expiry()
    {
        var change = await CreateAsync(_rsa.Pem(), null);

        Assert.Equal(ChangeStatus.Done, change.Status);
        var stored = change.Value!;
        Assert.Equal(("CN=credo-store-test", _rsa.Sha256Thumbprint, SigningAlgorithm.PS256, ClientAuthenticationMethod.PrivateKeyJwt),
            (stored.CertificateSubject, stored.CertificateThumbprint, stored.SigningAlgorithm, stored.AuthenticationMethod));
        Assert.Equal(_rsa.Certificate.NotAfter.ToUniversalTime(), stored.CertificateNotAfter!.Value.UtcDateTime);
        await using (var scope = Core.Scope())
        {
            var credentials = Core.Get<CredentialSecrets>(scope).ToClientCredentials(stored);
            using var certificate = credentials.Certificate;
            Assert.Equal(_rsa.Sha256Thumbprint, certificate!.Sha256Thumbprint);
            Assert.Null(credentials.ClientSecret);

            var audit = (await Core.Get<AuditLog>(scope).ListAsync(1, TestContext.Current.CancellationToken)).Single();
            Assert.Contains(_rsa.Sha256Thumbprint, audit.Details, StringComparison.Ordinal);
            Assert.DoesNotContain(_rsa.KeyBase64[..40], audit.Details, StringComparison.Ordinal);
        }

        SqliteConnection.ClearAllPools();
        var raw = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(DatabaseFile, TestContext.Current.CancellationToken));
        Assert.Contains(_rsa.Sha256Thumbprint, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(_rsa.KeyBase64[..40], raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PKCS12_is_read_with_its_password_and_the_password_is_not_kept()
    {
        var change = await CreateAsync(_rsa.Pfx(Password), Password);

        Assert.Equal(ChangeStatus.Done, change.Status);
        Assert.Equal(_rsa.Sha256Thumbprint, change.Value!.CertificateThumbprint);
        SqliteConnection.ClearAllPools();
        var raw = Encoding.Latin1.GetString(await File.ReadAllBytesAsync(DatabaseFile, TestContext.Current.CancellationToken));
        Assert.DoesNotContain(Password, raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_PKCS12_password_is_a_field_error_and_nothing_is_saved()
    {
        var change = await CreateAsync(_rsa.Pfx(Password), "not-the-password");

        Assert.Equal(ChangeStatus.Invalid, change.Status);
        Assert.Contains("password", change.Errors[CredentialFields.CertificatePassword], StringComparison.OrdinalIgnoreCase);
        await using var scope = Core.Scope();
        Assert.Empty(await Core.Get<CredentialStore>(scope).ListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ES256_for_an_RSA_key_is_a_field_error()
    {
        var change = await CreateAsync(_rsa.Pem(), null, SigningAlgorithm.ES256);

        Assert.Equal(ChangeStatus.Invalid, change.Status);
        Assert.Contains("RSA", change.Errors[CredentialFields.SigningAlgorithm], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stored_key_is_not_used_with_another_Token_Endpoint_until_the_certificate_is_uploaded_again()
    {
        var created = (await CreateAsync(_rsa.Pem(), null)).Value!;
        var redirected = CredentialInputs.From(created);
        redirected.TokenEndpoint = Elsewhere.Url("token").ToString();

        await using var scope = Core.Scope();
        var validation = await Core.Get<CredentialValidator>(scope).ValidateAsync(redirected, created.Id, "mallory", TestContext.Current.CancellationToken);
        var update = await Core.Get<CredentialStore>(scope).UpdateAsync(created.Id, created.Version, redirected, "mallory", TestContext.Current.CancellationToken);

        Assert.Equal(CredentialRules.RetypeCertificate, validation.Errors[CredentialFields.Certificate]);
        Assert.Equal(CredentialRules.RetypeCertificate, update.Errors[CredentialFields.Certificate]);
        Assert.Equal(0, Elsewhere.Requests);

        redirected.CertificateFile = _rsa.Pem();
        var uploaded = await Core.Get<CredentialStore>(scope).UpdateAsync(created.Id, created.Version, redirected, "alice", TestContext.Current.CancellationToken);
        Assert.Equal(ChangeStatus.Done, uploaded.Status);
    }

    private async Task<Change<Credential>> CreateAsync(byte[] file, string? password, SigningAlgorithm? algorithm = null)
    {
        await using var scope = Core.Scope();
        return await Core.Get<CredentialStore>(scope).CreateAsync(new CredentialInput
        {
            Type = CredentialType.OAuth2ClientCertificate,
            Name = "Entra certificate",
            ClientId = "client-cert",
            TokenEndpoint = "https://login.microsoftonline.com/contoso/oauth2/v2.0/token",
            Scopes = "https://graph.microsoft.com/.default",
            CertificateFile = file,
            CertificatePassword = password,
            SigningAlgorithm = algorithm,
        }, "tester", TestContext.Current.CancellationToken);
    }
}

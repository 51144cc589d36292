using Credo.Core.Credentials;
using Credo.Core.Credentials.Internal;
using Credo.Core.Persistence;
using Credo.Core.Tests.Infrastructure;
using Credo.OAuth;
using Credo.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Credo.Core.Tests.Credentials;

/// <summary>
/// Secrets and certificates expire: the list flags them within 30 days and once expired, the
/// <c>credo.credential.expiry</c> gauge reports days left, the log warns once a day, and Validate names the likely cause.
/// </summary>
public sealed class CredentialExpiryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 15, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("credo-expiry-").FullName;
    private readonly FakeTimeProvider _time = new(Start);
    private CoreServices? _core;
    private LoopbackServer? _server;

    private CoreServices Core => _core ?? throw new InvalidOperationException("Not started.");

    /// <summary>A token endpoint that refuses the client, as Entra does once its secret has expired.</summary>
    private LoopbackServer Server => _server ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync()
    {
        _server = await LoopbackServer.AnsweringAsync(401, "application/json",
            """{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys are expired."}""");
        _core = await CoreServices.StartAsync(
            new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_folder, "credo.db")}" },
            Directory.CreateDirectory(Path.Combine(_folder, "keys")).FullName,
            services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                services.AddFakeLogging();
            });
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Core.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Secret_expiring_in_ten_days_is_flagged_and_reported_by_the_gauge()
    {
        var credential = await CreateSecretAsync("Expiring soon", DateOnly.FromDateTime(Start.UtcDateTime).AddDays(10));
        await CreateSecretAsync("Without a date", null);

        var expiry = CredentialExpiry.Of(credential, _time.GetUtcNow());
        Assert.NotNull(expiry);
        Assert.True(expiry.Soon);
        Assert.False(expiry.Expired);
        Assert.Equal("Expires in 10 days", expiry.Text);

        await using var scope = Core.Scope();
        using var sut = new MetricCollector<int>(Core.Get<System.Diagnostics.Metrics.IMeterFactory>(scope), CredentialExpiryMonitor.MeterName, CredentialExpiryMonitor.GaugeName);
        await Core.Get<CredentialExpiryMonitor>(scope).CheckAsync(TestContext.Current.CancellationToken);
        sut.RecordObservableInstruments();

        var measurement = Assert.Single(sut.GetMeasurementSnapshot());
        Assert.Equal(10, measurement.Value);
        Assert.Equal(credential.Id.ToString(), measurement.Tags["credential.id"]);
        Assert.Equal("d", sut.Instrument!.Unit);
    }

    [Fact]
    public async Task The_log_warns_once_a_day_about_a_credential_expiring_within_thirty_days()
    {
        await CreateSecretAsync("Expiring soon", DateOnly.FromDateTime(Start.UtcDateTime).AddDays(10));
        await CreateSecretAsync("Far off", DateOnly.FromDateTime(Start.UtcDateTime).AddDays(200));
        await using var scope = Core.Scope();
        var sut = Core.Get<CredentialExpiryMonitor>(scope);
        var logs = Core.Get<FakeLogCollector>(scope);

        await sut.CheckAsync(TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromHours(5));
        await sut.CheckAsync(TestContext.Current.CancellationToken);
        var firstDay = Warnings(logs);
        _time.Advance(TimeSpan.FromDays(1));
        await sut.CheckAsync(TestContext.Current.CancellationToken);

        var warning = Assert.Single(firstDay);
        Assert.Contains("\"Expiring soon\"", warning, StringComparison.Ordinal);
        Assert.Contains("expires in 10 days", warning, StringComparison.Ordinal);
        Assert.Equal(2, Warnings(logs).Count);
        Assert.Contains("expires in 9 days", Warnings(logs)[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_secret_is_flagged_and_validate_explains_the_likely_cause()
    {
        var expiredOn = DateOnly.FromDateTime(Start.UtcDateTime).AddDays(-3);
        var credential = await CreateSecretAsync("Expired", expiredOn);

        var expiry = CredentialExpiry.Of(credential, _time.GetUtcNow());
        Assert.NotNull(expiry);
        Assert.True(expiry.Expired);
        Assert.False(expiry.Soon);
        Assert.Equal("Expired on 2026-11-27", expiry.Text);

        await using var scope = Core.Scope();
        var validation = await Core.Get<CredentialValidator>(scope).ValidateAsync(CredentialInputs.From(credential), credential.Id, "alice", TestContext.Current.CancellationToken);
        Assert.False(validation.Succeeded);
        Assert.Equal(1, Server.Requests);
        Assert.Contains("the secret expired on 2026-11-27; create a new one in the app registration", validation.LikelyCause, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secret expired on 2026-11-27", validation.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Certificate_expiry_is_its_not_after_and_the_gauge_reports_it()
    {
        using var certificate = CertificateFiles.Rsa("CN=credo-expiry", Start.AddDays(-30), Start.AddDays(10).AddHours(2));
        await using var scope = Core.Scope();
        var change = await Core.Get<CredentialStore>(scope).CreateAsync(new CredentialInput
        {
            Type = CredentialType.OAuth2ClientCertificate,
            Name = "Certificate",
            ClientId = "client-cert",
            TokenEndpoint = Server.Url("token").ToString(),
            Scopes = "https://graph.microsoft.com/.default",
            CertificateFile = certificate.Pem(),
        }, "tester", TestContext.Current.CancellationToken);
        Assert.Equal(ChangeStatus.Done, change.Status);

        using var sut = new MetricCollector<int>(Core.Get<System.Diagnostics.Metrics.IMeterFactory>(scope), CredentialExpiryMonitor.MeterName, CredentialExpiryMonitor.GaugeName);
        await Core.Get<CredentialExpiryMonitor>(scope).CheckAsync(TestContext.Current.CancellationToken);
        sut.RecordObservableInstruments();

        Assert.Equal(10, Assert.Single(sut.GetMeasurementSnapshot()).Value);
        var expiry = CredentialExpiry.Of(change.Value!, _time.GetUtcNow());
        Assert.Equal((true, true, "Expires in 10 days"), (expiry!.IsCertificate, expiry.Soon, expiry.Text));
    }

    private static List<string> Warnings(FakeLogCollector logs) =>
        [.. logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Category == typeof(CredentialExpiryMonitor).FullName).Select(r => r.Message)];

    private async Task<Credential> CreateSecretAsync(string name, DateOnly? expires)
    {
        await using var scope = Core.Scope();
        var change = await Core.Get<CredentialStore>(scope).CreateAsync(new CredentialInput
        {
            Name = name,
            ClientId = "client-1",
            ClientSecret = "expiring-secret",
            TokenEndpoint = Server.Url("token").ToString(),
            Scopes = "https://outlook.office365.com/.default",
            AuthenticationMethod = ClientAuthenticationMethod.ClientSecretPost,
            SecretExpiresOn = expires,
        }, "tester", TestContext.Current.CancellationToken);
        Assert.Equal(ChangeStatus.Done, change.Status);
        return change.Value!;
    }
}

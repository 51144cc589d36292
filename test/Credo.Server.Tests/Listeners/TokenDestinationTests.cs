using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Persistence;
using Credo.Core.Users;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// A token goes only where its credential allows: an "attacker" on another loopback address (127.0.0.2), outside the
/// credential's Resource Hosts (127.0.0.1), is refused when a listener is saved (API, CLI) and, for a listener saved
/// before the rule, receives not even a connection while the listener shows Error; a credential for another Microsoft
/// resource is refused; widening the Resource Hosts needs the secret.
/// </summary>
public sealed class TokenDestinationTests(ListenerServerFixture server) : IClassFixture<ListenerServerFixture>, IDisposable
{
    private readonly TcpListener _attacker = Listen();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string AttackerEws => $"http://127.0.0.2:{((IPEndPoint)_attacker.LocalEndpoint).Port}/EWS/Exchange.asmx";

    public void Dispose() => _attacker.Dispose();

    [Fact]
    public async Task A_listener_pointed_outside_the_resource_hosts_is_refused_by_the_API_and_the_CLI()
    {
        var credential = await server.AddCredentialAsync("Loopback only", "127.0.0.1");
        using var http = await AdministratorAsync();

        using var created = await http.PostAsJsonAsync("/api/v1/listeners", new
        {
            name = "Attacked", protocol = "EWS", ews = new { url = AttackerEws }, mailbox = "ceo@contoso.com", credentialId = credential.Id, pollIntervalSeconds = 5,
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        var error = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors").GetProperty("ews.url")[0].GetString();
        Assert.Contains("sends its tokens only to 127.0.0.1 (its Resource Hosts)", error, StringComparison.Ordinal);
        Assert.Contains("127.0.0.2", error, StringComparison.Ordinal);

        var (exit, _, stderr) = await CredoProcess.RunAsync(
            ["listeners", "add", "--data", server.DataFolder, "--name", "Attacked by CLI", "--credential", credential.Name, "--mailbox", "ceo@contoso.com", "--ews-url", AttackerEws]);
        Assert.Equal(2, exit);
        Assert.Contains("Resource Hosts", stderr, StringComparison.Ordinal);
        Assert.False(_attacker.Pending());
    }

    [Fact]
    public async Task A_listener_saved_before_the_rule_sends_no_token_and_shows_Error()
    {
        var credential = await server.AddCredentialAsync("Saved before the rule", "127.0.0.1");
        var listenerId = Guid.NewGuid();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            // As an older release saved it: straight into the database, no check.
            var db = scope.ServiceProvider.GetRequiredService<CredoDbContext>();
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
            db.EmailListeners.Add(new EmailListener
            {
                Id = listenerId, Name = "Saved before", NormalizedName = "SAVED BEFORE", Settings = new ListenerSettings().Set(EwsProtocol.Id, "url", AttackerEws), Mailbox = "ceo@contoso.com",
                CredentialId = credential.Id, PollIntervalSeconds = 5, Version = 1, CreatedAt = now, NextPollAt = now,
            });
            await db.SaveChangesAsync(Ct);
        }

        await ListenerServerFixture.EventuallyAsync(
            async () => (await server.QueryAsync(db => db.EmailListeners.AsNoTracking().SingleAsync(l => l.Id == listenerId))).LastError is not null,
            "the listener shows its error");
        var listener = await server.QueryAsync(db => db.EmailListeners.AsNoTracking().SingleAsync(l => l.Id == listenerId));
        Assert.Contains("is not among them", listener.LastError, StringComparison.Ordinal);

        // Test connection refuses before asking for a token, too; the attacker saw not even a connection.
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var steps = await scope.ServiceProvider.GetRequiredService<ConnectionTest>().RunAsync(listenerId, "tests", Ct);
            var step = Assert.Single(steps!);
            Assert.Equal(("Token destination", false), (step.Name, step.Succeeded));
        }

        await Task.Delay(TimeSpan.FromSeconds(6), Ct);
        Assert.False(_attacker.Pending(), "the attacker's host received a connection");
    }

    [Fact]
    public async Task A_Graph_scoped_credential_is_refused_on_an_EWS_listener_and_an_Exchange_one_on_Graph()
    {
        var graph = await server.AddCredentialAsync("Graph only", "127.0.0.1", SandboxClient.GraphScope);
        var exchange = await server.AddCredentialAsync("Exchange only", "127.0.0.1", SandboxClient.ExchangeOnlineScope);
        using var http = await AdministratorAsync();

        using var ews = await http.PostAsJsonAsync("/api/v1/listeners", new
        {
            name = "EWS with Graph", protocol = "EWS", ews = new { url = server.Sandbox.EwsEndpoint.ToString() }, mailbox = "a@sandbox.test", credentialId = graph.Id,
        }, Ct);
        using var onGraph = await http.PostAsJsonAsync("/api/v1/listeners", new
        {
            name = "Graph with Exchange", protocol = "Graph", graph = new { url = server.Sandbox.GraphEndpoint.ToString() }, mailbox = "a@sandbox.test", credentialId = exchange.Id,
        }, Ct);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (ews.StatusCode, onGraph.StatusCode));
        Assert.Contains("https://outlook.office365.com/.default", JsonDocument.Parse(await ews.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors").GetProperty("credentialId")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("https://graph.microsoft.com/.default", JsonDocument.Parse(await onGraph.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors").GetProperty("credentialId")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Widening_the_resource_hosts_needs_the_secret_and_is_audited_old_to_new()
    {
        var credential = await server.AddCredentialAsync("Widened", "127.0.0.1");
        using var http = await AdministratorAsync();
        var change = new
        {
            name = credential.Name, clientId = credential.ClientId, tokenEndpoint = credential.TokenEndpoint, scopes = credential.Scopes,
            resourceHosts = "127.0.0.1 127.0.0.2", version = credential.Version,
        };

        using var refused = await http.PutAsJsonAsync($"/api/v1/credentials/{credential.Id}", change, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(CredentialRules.RetypeSecret, JsonDocument.Parse(await refused.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors").GetProperty("clientSecret")[0].GetString());

        using var saved = await http.PutAsJsonAsync($"/api/v1/credentials/{credential.Id}", new
        {
            change.name, change.clientId, change.tokenEndpoint, change.scopes, change.resourceHosts, change.version, clientSecret = SandboxClient.Default().ClientSecret,
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var shown = JsonDocument.Parse(await saved.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("127.0.0.1 127.0.0.2", shown.GetProperty("resourceHosts").GetString());
        var audit = await server.QueryAsync(db => db.AuditEntries.Where(a => a.EntityId == credential.Id.ToString() && a.Action == "update").Select(a => a.Details).SingleAsync());
        Assert.Contains("Resource Hosts: 127.0.0.1 → 127.0.0.1, 127.0.0.2", audit, StringComparison.Ordinal);
    }

    private async Task<HttpClient> AdministratorAsync()
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.CreateApiKeyAsync(UserRole.Administrator));
        return http;
    }

    // An "attacker" server on another loopback address: it accepts connections and never answers, and is only asked
    // whether anyone connected.
    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        listener.Start();
        return listener;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Credo.Ews.Tests.Infrastructure;
using Credo.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Ews.Tests;

/// <summary>The sandbox's control API over HTTP: mailboxes, folders, mail, clients and faults.</summary>
public sealed class SandboxControlApiTests(EwsSandboxFixture sandbox) : IClassFixture<EwsSandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Mailboxes_folders_mail_clients_and_faults_are_set_up_over_HTTP()
    {
        using var http = new HttpClient { BaseAddress = sandbox.Server.BaseAddress };
        const string address = "control@sandbox.test";

        (await http.PostAsJsonAsync("sandbox/mailboxes", new { address }, Ct)).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"sandbox/mailboxes/{address}/folders", new { parent = "Inbox", name = "Invoices" }, Ct)).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"sandbox/mailboxes/{address}/messages", new { count = 3, attachmentBytes = 512 }, Ct)).EnsureSuccessStatusCode();
        var eml = new StringContent("From: a@example.com\r\nTo: control@sandbox.test\r\nSubject: From an eml\r\nMessage-ID: <eml-1@example.com>\r\n\r\nBody\r\n", Encoding.ASCII, "message/rfc822");
        (await http.PostAsync($"sandbox/mailboxes/{address}/messages?folder=Invoices", eml, Ct)).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync("sandbox/clients", new { clientId = "added-client", clientSecret = "added-secret", authenticationMethods = new[] { "client_secret_post" } }, Ct)).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"sandbox/mailboxes/{address}/faults", new { kind = "ServerBusy", backOffMilliseconds = 100 }, Ct)).EnsureSuccessStatusCode();

        using var state = JsonDocument.Parse(await http.GetStringAsync($"sandbox/mailboxes/{address}", Ct));
        var folders = state.RootElement.GetProperty("folders").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("total").GetInt32());
        Assert.Equal((3, 1), (folders["Inbox"], folders["Invoices"]));

        var token = await sandbox.Services.GetRequiredService<ITokenClient>().RequestTokenAsync(
            new ClientCredentials(sandbox.Server.TokenEndpoint, "added-client", new Secret("added-secret"), ScopeSet.Parse("https://outlook.office365.com/.default"), ClientAuthenticationMethod.ClientSecretPost), Ct);
        Assert.True(token.Succeeded, token.ToString());
        var mailbox = new EwsMailbox(sandbox.Server.EwsEndpoint, address, new FixedTokenSource(token.Token));
        var busy = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        var invoices = await sandbox.Client.ResolveFolderAsync(mailbox, "inbox/invoices", Ct);
        Assert.Equal(EwsErrorKind.ServerBusy, busy.Error?.Kind);
        Assert.Equal(1, invoices.Value?.TotalCount);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("sandbox/mailboxes/nobody@sandbox.test", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("sandbox/mailboxes", new { address = "not-an-address" }, Ct)).StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Credo.Ews.Tests.Infrastructure;
using Credo.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Ews.Tests;

/// <summary>The sandbox's control API over HTTP: mailboxes, folders, mail, clients, faults and request counts.</summary>
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
        var mailbox = new EwsMailbox(sandbox.Server.EwsEndpoint, address, new FixedTokenSource(token.Value));
        var busy = await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct);
        var invoices = await sandbox.Client.ResolveFolderAsync(mailbox, "inbox/invoices", Ct);
        Assert.Equal(EwsErrorKind.ServerBusy, busy.Error?.Kind);
        Assert.Equal(1, invoices.Value?.TotalCount);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("sandbox/mailboxes/nobody@sandbox.test", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("sandbox/mailboxes", new { address = "not-an-address" }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Fault_rate_is_set_and_requests_are_read_reset_and_cleared_over_HTTP()
    {
        using var http = new HttpClient { BaseAddress = sandbox.Server.BaseAddress };
        const string address = "rate@sandbox.test";
        (await http.PostAsJsonAsync("sandbox/mailboxes", new { address }, Ct)).EnsureSuccessStatusCode();
        var mailbox = sandbox.MailboxFor(address);
        async Task<bool[]> SucceededAsync(int requests)
        {
            var results = new bool[requests];
            for (var i = 0; i < requests; i++)
            {
                results[i] = (await sandbox.Client.GetFolderAsync(mailbox, EwsFolderId.Inbox, Ct)).Succeeded;
            }

            return results;
        }

        var set = await http.PutAsJsonAsync($"sandbox/mailboxes/{address}/fault-rate", new { kind = "ServerBusy", oneIn = 2, backOffMilliseconds = 300 }, Ct);
        using var described = JsonDocument.Parse(await http.GetStringAsync($"sandbox/mailboxes/{address}", Ct));
        var throttled = await SucceededAsync(4);
        using var counted = JsonDocument.Parse(await http.GetStringAsync($"sandbox/mailboxes/{address}/requests", Ct));
        var cleared = await http.DeleteAsync($"sandbox/mailboxes/{address}/faults", Ct);
        var afterClear = await SucceededAsync(2);
        (await http.PutAsJsonAsync($"sandbox/mailboxes/{address}/fault-rate", new { kind = "ServerBusy", oneIn = 1 }, Ct)).EnsureSuccessStatusCode();
        var off = await http.PutAsJsonAsync($"sandbox/mailboxes/{address}/fault-rate", new { oneIn = 0 }, Ct);
        var afterOff = await SucceededAsync(2);
        var reset = await http.DeleteAsync($"sandbox/mailboxes/{address}/requests", Ct);
        using var afterReset = JsonDocument.Parse(await http.GetStringAsync($"sandbox/mailboxes/{address}/requests", Ct));

        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        Assert.Equal((2, 300), (described.RootElement.GetProperty("faultRate").GetProperty("oneIn").GetInt32(), described.RootElement.GetProperty("faultRate").GetProperty("backOffMilliseconds").GetInt32()));
        Assert.Equal([true, false, true, false], throttled);
        Assert.Equal((4, 2, 4), (counted.RootElement.GetProperty("total").GetInt32(), counted.RootElement.GetProperty("faulted").GetInt32(), counted.RootElement.GetProperty("byOperation").GetProperty("GetFolder").GetInt32()));
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal([true, true], afterClear);
        Assert.Equal(HttpStatusCode.NoContent, off.StatusCode);
        Assert.Equal([true, true], afterOff);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal((0, 0), (afterReset.RootElement.GetProperty("total").GetInt32(), afterReset.RootElement.GetProperty("byOperation").EnumerateObject().Count()));
    }

    [Theory]
    [InlineData("{\"kind\":\"ServerBusy\",\"oneIn\":-1}")]
    [InlineData("{\"kind\":\"Sometimes\",\"oneIn\":13}")]
    [InlineData("{\"oneIn\":13}")]
    [InlineData("{\"kind\":\"ServerBusy\"}")]
    [InlineData("{\"kind\":\"ServerBusy\",\"oneIn\":13,\"backOffMilliseconds\":-5}")]
    [InlineData("not json")]
    public async Task Bad_fault_rate_is_a_400_that_says_what_to_give(string body)
    {
        using var http = new HttpClient { BaseAddress = sandbox.Server.BaseAddress };
        const string address = "bad-rate@sandbox.test";
        (await http.PostAsJsonAsync("sandbox/mailboxes", new { address }, Ct)).EnsureSuccessStatusCode();

        var response = await http.PutAsync($"sandbox/mailboxes/{address}/fault-rate", new StringContent(body, Encoding.UTF8, "application/json"), Ct);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ServiceUnavailable", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(sandbox.Server.Mailboxes.Find(address)?.FaultRate);
    }

    [Fact]
    public async Task Fault_rate_and_requests_of_an_unknown_mailbox_are_404()
    {
        using var http = new HttpClient { BaseAddress = sandbox.Server.BaseAddress };

        var put = await http.PutAsJsonAsync("sandbox/mailboxes/nobody@sandbox.test/fault-rate", new { kind = "ServerBusy", oneIn = 13 }, Ct);
        var get = await http.GetAsync("sandbox/mailboxes/nobody@sandbox.test/requests", Ct);
        var delete = await http.DeleteAsync("sandbox/mailboxes/nobody@sandbox.test/requests", Ct);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound), (put.StatusCode, get.StatusCode, delete.StatusCode));
        Assert.Contains("POST /sandbox/mailboxes", await get.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Credo.Sandbox.Tests.Infrastructure;

namespace Credo.Sandbox.Tests;

/// <summary>Tokens whose audience and roles follow their scope, and the Graph endpoint's checks of them.</summary>
public sealed class GraphAuthorizationTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_token_has_the_audience_and_roles_of_its_scope()
    {
        var graph = GraphJson.Claims(await sandbox.TokenAsync(scope: SandboxClient.GraphScope));
        var exchange = GraphJson.Claims(await sandbox.TokenAsync(scope: SandboxClient.ExchangeOnlineScope));

        Assert.Equal(["https://graph.microsoft.com"], GraphJson.Strings(graph.GetProperty("aud")));
        Assert.Equal(["Mail.ReadWrite"], GraphJson.Strings(graph.GetProperty("roles")));
        Assert.Equal(["https://outlook.office365.com"], GraphJson.Strings(exchange.GetProperty("aud")));
        Assert.Equal(["full_access_as_app"], GraphJson.Strings(exchange.GetProperty("roles")));
    }

    [Fact]
    public async Task A_request_without_a_token_gets_401_InvalidAuthenticationToken_with_a_bearer_challenge()
    {
        var mailbox = sandbox.NewMailbox();
        using var request = sandbox.Request(HttpMethod.Get, $"users/{mailbox.Address}/mailFolders/inbox", token: null);
        request.Headers.Add("client-request-id", "7d6c1f7e-0000-4000-8000-000000000001");

        using var response = await sandbox.Http.SendAsync(request, Ct);
        var body = await GraphJson.ReadAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("InvalidAuthenticationToken", GraphJson.ErrorCode(body));
        Assert.Equal("7d6c1f7e-0000-4000-8000-000000000001", body.GetProperty("error").GetProperty("innerError").GetProperty("client-request-id").GetString());
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Exchange_token_is_refused_by_Graph_and_a_Graph_token_by_EWS()
    {
        var mailbox = sandbox.NewMailbox();
        using var graphRequest = sandbox.Request(HttpMethod.Get, $"users/{mailbox.Address}/mailFolders/inbox", await sandbox.TokenAsync(scope: SandboxClient.ExchangeOnlineScope));
        using var graphResponse = await sandbox.Http.SendAsync(graphRequest, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, graphResponse.StatusCode);
        Assert.Equal("InvalidAuthenticationToken", GraphJson.ErrorCode(await GraphJson.ReadAsync(graphResponse)));
        Assert.Contains("audience", (await GraphJson.ReadAsync(graphResponse)).GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        using var ewsRequest = new HttpRequestMessage(HttpMethod.Post, sandbox.Server.EwsEndpoint)
        {
            Content = new StringContent(EwsRequests.Envelope(mailbox.Address, "<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:FolderIds></m:GetFolder>"), Encoding.UTF8, "text/xml"),
        };
        ewsRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await sandbox.TokenAsync(scope: SandboxClient.GraphScope));
        ewsRequest.Headers.Add("X-AnchorMailbox", mailbox.Address);
        using var ewsResponse = await sandbox.Http.SendAsync(ewsRequest, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, ewsResponse.StatusCode);
    }

    [Fact]
    public async Task A_token_with_only_Mail_Read_reads_but_gets_403_ErrorAccessDenied_for_changes()
    {
        var mailbox = sandbox.NewMailbox();
        var item = mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        var token = await sandbox.TokenAsync(GraphSandboxFixture.ReadOnlyClient);
        Assert.Equal(["Mail.Read"], GraphJson.Strings(GraphJson.Claims(token).GetProperty("roles")));
        var id = item.Id.Replace('/', '-').Replace('+', '_');

        using var get = sandbox.Request(HttpMethod.Get, $"users/{mailbox.Address}/messages/{id}?$select=subject", token);
        using var read = await sandbox.Http.SendAsync(get, Ct);
        using var patch = sandbox.Request(HttpMethod.Patch, $"users/{mailbox.Address}/messages/{id}", token);
        patch.Content = new StringContent("{\"isRead\":true}", Encoding.UTF8, "application/json");
        using var refused = await sandbox.Http.SendAsync(patch, Ct);
        using var move = sandbox.Request(HttpMethod.Post, $"users/{mailbox.Address}/messages/{id}/move", token);
        move.Content = new StringContent("{\"destinationId\":\"deleteditems\"}", Encoding.UTF8, "application/json");
        using var refusedMove = await sandbox.Http.SendAsync(move, Ct);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("ErrorAccessDenied", GraphJson.ErrorCode(await GraphJson.ReadAsync(refused)));
        Assert.Equal(HttpStatusCode.Forbidden, refusedMove.StatusCode);
        Assert.False(item.IsRead);
        Assert.Single(mailbox.ItemsIn(mailbox.WellKnown("inbox").Id));
    }

    [Theory]
    [InlineData("users/nobody@sandbox.test/mailFolders/inbox", HttpStatusCode.NotFound, "ErrorInvalidUser")]
    [InlineData("users/{mailbox}/messages/AAMkAGUnknown", HttpStatusCode.NotFound, "ErrorItemNotFound")]
    [InlineData("users/{mailbox}/messages/AAMkAGUnknown/$value", HttpStatusCode.NotFound, "ErrorItemNotFound")]
    [InlineData("users/{mailbox}/mailFolders/NoSuchFolder", HttpStatusCode.NotFound, "ErrorItemNotFound")]
    [InlineData("users/{mailbox}/mailFolders/inbox/messages/delta?$select=nonsense", HttpStatusCode.BadRequest, "RequestBroker--ParseUri")]
    [InlineData("users/{mailbox}/calendars", HttpStatusCode.BadRequest, "BadRequest")]
    [InlineData("users/{mailbox}", HttpStatusCode.Forbidden, "Authorization_RequestDenied")]
    public async Task Failures_answer_in_Graphs_error_shape(string path, HttpStatusCode status, string code)
    {
        var mailbox = sandbox.NewMailbox();
        using var request = sandbox.Request(HttpMethod.Get, path.Replace("{mailbox}", mailbox.Address, StringComparison.Ordinal), await sandbox.TokenAsync());

        using var response = await sandbox.Http.SendAsync(request, Ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, GraphJson.ErrorCode(await GraphJson.ReadAsync(response)));
        Assert.True(response.Headers.Contains("request-id"));
    }

    [Fact]
    public async Task Paths_are_case_insensitive_and_accept_the_key_form()
    {
        var mailbox = sandbox.NewMailbox();
        using var request = sandbox.Request(HttpMethod.Get, $"Users('{mailbox.Address.ToUpperInvariant()}')/MAILFOLDERS('Inbox')", await sandbox.TokenAsync());

        using var response = await sandbox.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Inbox", (await GraphJson.ReadAsync(response)).GetProperty("displayName").GetString());
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;

namespace Credo.Sandbox.Tests.Infrastructure;

/// <summary>Hand-written EWS requests, enough to look at a mailbox the way an EWS client sees it.</summary>
public static class EwsRequests
{
    public static readonly XNamespace Types = "http://schemas.microsoft.com/exchange/services/2006/types";

    public static string Envelope(string mailbox, string operation) =>
        $"""
        <?xml version="1.0" encoding="utf-8"?>
        <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
          <s:Header>
            <t:RequestServerVersion Version="Exchange2013_SP1"/>
            <t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>{mailbox}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>
          </s:Header>
          <s:Body>{operation}</s:Body>
        </s:Envelope>
        """;

    /// <summary>The EWS item ids in a well-known folder, through <c>FindItem</c>.</summary>
    public static async Task<IReadOnlyList<string>> FindItemIdsAsync(GraphSandboxFixture sandbox, string mailbox, string folder)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, sandbox.Server.EwsEndpoint)
        {
            Content = new StringContent(
                Envelope(mailbox, $"<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id=\"{folder}\"/></m:ParentFolderIds></m:FindItem>"),
                Encoding.UTF8,
                "text/xml"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await sandbox.TokenAsync(scope: SandboxClient.ExchangeOnlineScope));
        request.Headers.Add("X-AnchorMailbox", mailbox);
        using var response = await sandbox.Http.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var document = XDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return [.. document.Descendants(Types + "ItemId").Select(e => (string)e.Attribute("Id")!)];
    }
}

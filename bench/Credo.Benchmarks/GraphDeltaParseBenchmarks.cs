using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Credo.Graph.Internal.Wire;
using Microsoft.Graph.Users.Item.MailFolders.Item.Messages.Delta;
using Microsoft.Kiota.Serialization.Json;

namespace Credo.Benchmarks;

/// <summary>
/// Reading one delta page of 100 messages with the properties a listener selects: Credo's Graph client
/// (System.Text.Json with source-generated metadata) against the official Microsoft Graph SDK's reader (Kiota's
/// JSON parse nodes and the SDK's generated models). The "warm" job measures steady state; the "cold" job measures
/// the first page a fresh process reads, which is what start-up costs (loading and compiling the SDK's models).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(id: "warm", warmupCount: 3, iterationCount: 10)]
[SimpleJob(RunStrategy.ColdStart, id: "cold", launchCount: 10, iterationCount: 1, warmupCount: 0)]
public class GraphDeltaParseBenchmarks
{
    private byte[] _page = [];

    [GlobalSetup]
    public void Setup() => _page = DeltaPage(100);

    [Benchmark(Baseline = true)]
    public int CredoGraphClient() => JsonSerializer.Deserialize(_page, GraphJson.Default.WireMessagePage)!.Value!.Count;

    [Benchmark]
    public async Task<int> MicrosoftGraphSdk()
    {
        using var stream = new MemoryStream(_page, writable: false);
        var node = await new JsonParseNodeFactory().GetRootParseNodeAsync("application/json", stream);
        return node.GetObjectValue(DeltaGetResponse.CreateFromDiscriminatorValue)!.Value!.Count;
    }

    private static byte[] DeltaPage(int messages)
    {
        var json = new StringBuilder("""{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Collection(message)","@odata.nextLink":"https://graph.microsoft.com/v1.0/users/invoices%40contoso.com/mailFolders('inbox')/messages/delta?$skiptoken=GwcBoTmPuoTQWfcsAbkYM","value":[""");
        for (var i = 0; i < messages; i++)
        {
            json.Append(CultureInfo.InvariantCulture, $$$"""
                {"@odata.type":"#microsoft.graph.message","@odata.etag":"W/\"CQAAABYAAAARn2vdzPFjSbaPPxzjlzOTAAASsKZ{{{i}}}\"","id":"AAMkADNkNAAASq35xAAA{{{i:D6}}}=",
                "internetMessageId":"<{{{Guid.NewGuid():N}}}@mail.contoso.com>","subject":"Invoice {{{i}}} for November",
                "from":{"emailAddress":{"name":"Dana Swope","address":"danas@contoso.com"}},
                "toRecipients":[{"emailAddress":{"name":"Invoices","address":"invoices@contoso.com"}}],
                "ccRecipients":[{"emailAddress":{"name":"Accounting","address":"accounting@contoso.com"}}],
                "receivedDateTime":"2026-11-30T09:{{{i % 60:D2}}}:00Z","hasAttachments":{{{(i % 3 == 0 ? "true" : "false")}}},"isRead":false}
                """);
            json.Append(i + 1 < messages ? "," : "]}");
        }

        return Encoding.UTF8.GetBytes(json.ToString());
    }
}

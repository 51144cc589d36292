using System.Collections.Concurrent;
using System.Text;
using System.Xml.Linq;

namespace Credo.Ews.Tests.Infrastructure;

/// <summary>What the recorders of one test host saw: counts and schema errors.</summary>
public sealed class TrafficLog
{
    private int _requests;
    private int _validated;

    public ConcurrentQueue<string> SchemaErrors { get; } = new();

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The EWS operation of every request, in the order sent (<c>UpdateItem</c>, ...).</summary>
    public ConcurrentQueue<string> Operations { get; } = new();

    /// <summary>Envelopes (requests and answers) checked against the schema.</summary>
    public int Validated => Volatile.Read(ref _validated);

    public void AssertValid()
    {
        EwsSchema.Require();
        Assert.True(Validated > 0, "No EWS traffic was checked against the schema.");
        Assert.True(SchemaErrors.IsEmpty, string.Join(Environment.NewLine, SchemaErrors.Take(20)));
    }

    internal void CountRequest(string envelope)
    {
        Interlocked.Increment(ref _requests);
        Operations.Enqueue(OperationOf(envelope));
    }

    internal void Check(string what, string envelope)
    {
        Interlocked.Increment(ref _validated);
        foreach (var error in EwsSchema.Validate(envelope))
        {
            SchemaErrors.Enqueue($"{what}: {error}");
        }
    }

    private static string OperationOf(string envelope)
    {
        try
        {
            var body = XDocument.Parse(envelope).Root?.Element((XNamespace)"http://schemas.xmlsoap.org/soap/envelope/" + "Body");
            return body?.Elements().FirstOrDefault()?.Name.LocalName ?? "(no operation)";
        }
        catch (System.Xml.XmlException)
        {
            return "(not XML)";
        }
    }
}

/// <summary>
/// Sits in the EWS client's pipeline and validates every request Credo sends and every SOAP answer it gets against
/// the EWS schema, into a shared <see cref="TrafficLog"/>.
/// </summary>
public sealed class TrafficRecorder(TrafficLog log) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var envelope = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        log.CountRequest(envelope);
        if (EwsSchema.Available && request.Content is not null)
        {
            log.Check("request", envelope);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (EwsSchema.Available && response.Content.Headers.ContentType?.MediaType == "text/xml")
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            log.Check("response", Encoding.UTF8.GetString(body));
            var replaced = new ByteArrayContent(body);
            foreach (var header in response.Content.Headers)
            {
                replaced.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = replaced;
        }

        return response;
    }
}

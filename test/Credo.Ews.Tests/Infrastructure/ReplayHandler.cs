using System.Net;
using System.Text;

namespace Credo.Ews.Tests.Infrastructure;

/// <summary>
/// Answers every request with a recorded response (status, headers, body), after checking the request against the
/// EWS schema, so recorded transcripts are replayed through the real client.
/// </summary>
public sealed class ReplayHandler(HttpStatusCode status, string? body, string contentType = "text/xml; charset=utf-8", Action<HttpResponseMessage>? headers = null) : HttpMessageHandler
{
    public List<string> RequestSchemaErrors { get; } = [];

    public string? LastRequest { get; private set; }

    public int Requests { get; private set; }

    public static string Transcript(string name)
    {
        using var stream = typeof(ReplayHandler).Assembly.GetManifestResourceStream($"Credo.Ews.Tests.Transcripts.{name}.xml")
            ?? throw new InvalidOperationException($"No transcript {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests++;
        LastRequest = await request.Content!.ReadAsStringAsync(cancellationToken);
        if (EwsSchema.Available)
        {
            RequestSchemaErrors.AddRange(EwsSchema.Validate(LastRequest));
        }

        var response = new HttpResponseMessage(status) { RequestMessage = request };
        if (body is not null)
        {
            response.Content = new StringContent(body, Encoding.UTF8);
            response.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }

        headers?.Invoke(response);
        return response;
    }
}

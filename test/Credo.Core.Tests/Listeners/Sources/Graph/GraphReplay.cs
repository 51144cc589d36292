using System.Net;
using System.Text;

namespace Credo.Core.Tests.Listeners.Sources.Graph;

/// <summary>
/// Answers requests in turn with recorded HTTP responses (status line, headers, body, as Microsoft's documentation
/// prints them), and keeps what each request sent, so that recorded exchanges are replayed through the real client.
/// </summary>
public sealed class GraphReplay : HttpMessageHandler
{
    private readonly Queue<string> _answers = new();

    public List<(HttpMethod Method, Uri Uri, string? Prefer, string? Authorization, string? Body)> Requests { get; } = [];

    public GraphReplay Then(string transcript)
    {
        _answers.Enqueue(transcript);
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add((
            request.Method,
            request.RequestUri!,
            request.Headers.TryGetValues("Prefer", out var prefer) ? string.Join(", ", prefer) : null,
            request.Headers.Authorization?.Scheme,
            request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken)));
        if (!_answers.TryDequeue(out var name))
        {
            throw new InvalidOperationException($"No recorded answer left for {request.Method} {request.RequestUri}.");
        }

        return Parse(Read(name), request);
    }

    private static string Read(string name)
    {
        using var stream = typeof(GraphReplay).Assembly.GetManifestResourceStream($"Graph.{name}.http")
            ?? throw new InvalidOperationException($"No transcript {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static HttpResponseMessage Parse(string transcript, HttpRequestMessage request)
    {
        var lines = transcript.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var response = new HttpResponseMessage((HttpStatusCode)status) { RequestMessage = request };
        var headers = new List<(string Name, string Value)>();
        var i = 1;
        for (; i < lines.Length && lines[i].Length > 0; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            headers.Add((lines[i][..colon].Trim(), lines[i][(colon + 1)..].Trim()));
        }

        response.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join('\n', lines.Skip(i + 1))));
        foreach (var (name, value) in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }
}

using System.Net;
using System.Text;

namespace Credo.Benchmarks;

/// <summary>Answers discovery and token requests from memory, so the benchmarks measure caches, not networks.</summary>
internal sealed class InMemoryHandler : HttpMessageHandler
{
    private int _tokenRequests;

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        string body;
        if (path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            var issuer = request.RequestUri.GetLeftPart(UriPartial.Authority) + path[..^"/.well-known/openid-configuration".Length];
            body = $$"""{"issuer":"{{issuer}}","token_endpoint":"{{issuer}}/oauth2/v2.0/token","authorization_endpoint":"{{issuer}}/oauth2/v2.0/authorize","jwks_uri":"{{issuer}}/keys","response_types_supported":["code"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["RS256"]}""";
        }
        else
        {
            Interlocked.Increment(ref _tokenRequests);
            body = """{"access_token":"eyJhbGciOiJub25lIn0.eyJhdWQiOiJhcGkifQ.c2ln","token_type":"Bearer","expires_in":3600}""";
        }

        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json"), RequestMessage = request });
    }
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Credo.Sandbox.Graph.Subscriptions;

/// <summary>
/// Graph's validation request: before a subscription is created, <c>POST {url}?validationToken={token}</c> with an empty
/// body; the endpoint must answer <c>200</c>, <c>Content-Type: text/plain</c> and the URL-decoded token as the body,
/// within the timeout of the <see cref="ChangeNotificationSender.HttpClientName"/> client (10 seconds by default).
/// </summary>
internal sealed class NotificationEndpointValidator(IHttpClientFactory httpClients, TimeProvider time)
{
    // Longer answers are not the token; reading stops there.
    private const int MaxAnswerChars = 16 * 1024;

    /// <summary>Makes the request; <see langword="null"/> when the endpoint answered correctly, else what was wrong, naming the URL.</summary>
    public async Task<string?> ValidateAsync(Uri url, CancellationToken cancellationToken)
    {
        // Graph's tokens are text with spaces and colons, so an endpoint that does not URL-decode fails here as there.
        var token = "Validation: Testing client application reachability for subscription Request-Id: " + Guid.NewGuid();
        var target = new UriBuilder(url)
        {
            Query = (url.Query.Length > 1 ? url.Query[1..] + "&" : "") + "validationToken=" + Uri.EscapeDataString(token),
        }.Uri;
        var client = httpClients.CreateClient(ChangeNotificationSender.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent([]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };

        // The client's timeout ends waiting for the headers; this one also covers the body.
        using var timeout = new CancellationTokenSource(client.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                return $"Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. {url} answered {(int)response.StatusCode} {response.ReasonPhrase}.";
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (!string.Equals(mediaType, "text/plain", StringComparison.OrdinalIgnoreCase))
            {
                return $"Subscription validation request failed. Notification endpoint must respond with Content-Type text/plain to validation request. {url} answered with {mediaType ?? "no Content-Type"}.";
            }

            var answer = await ReadAsync(response, linked.Token);
            return answer == token
                ? null
                : $"Subscription validation request failed. Response must exactly match validationToken query parameter. {url} answered {Describe(answer)} instead of the URL-decoded token.";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Subscription validation request timed out. {url} did not answer within {client.Timeout.TotalSeconds:0.#} seconds.");
        }
        catch (HttpRequestException e)
        {
            return $"Subscription validation request failed. {url} could not be reached: {e.Message}";
        }
    }

    private static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var buffer = new char[MaxAnswerChars + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await reader.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return new string(buffer, 0, length);
    }

    private static string Describe(string answer) => answer.Length switch
    {
        0 => "an empty body",
        > 200 => string.Create(CultureInfo.InvariantCulture, $"a body of {answer.Length} characters"),
        _ => "'" + answer + "'",
    };
}

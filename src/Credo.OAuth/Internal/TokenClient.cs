using System.Net.Http.Headers;
using System.Text;
using Credo.Net;
using Credo.Net.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Credo.OAuth.Internal;

/// <summary>
/// The token request of RFC 6749 §4.4.2 exactly as the README's "credo token" section describes it, over the guarded outbound
/// handler (no redirects), with a timeout that covers the whole answer and a cap on its size.
/// </summary>
internal sealed class TokenClient(
    IHttpClientFactory httpClientFactory,
    IOptionsMonitor<TokenClientOptions> options,
    TimeProvider timeProvider,
    OAuthMetrics metrics,
    ILogger<TokenClient> logger) : ITokenClient
{
    public const string HttpClientName = "Credo.OAuth.Token";

    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeHeaderValue FormContentType = new("application/x-www-form-urlencoded");

    public async Task<Result<AccessToken, TokenFailure>> RequestTokenAsync(ClientCredentials credentials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var settings = options.CurrentValue;
        var endpoint = TokenFailures.Display(credentials.TokenEndpoint);
        Log.TokenRequesting(logger, endpoint, credentials.ClientId, credentials.AuthenticationMethod);

        var started = timeProvider.GetTimestamp();
        using var activity = OAuthActivities.StartTokenRequest(credentials.TokenEndpoint);
        using var timeout = new CancellationTokenSource(settings.Timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        Result<AccessToken, TokenFailure> result;
        try
        {
            using var request = CreateRequest(credentials);
            using var response = await httpClientFactory.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var (body, tooLarge) = await ReadBoundedAsync(response.Content, settings.MaxResponseBytes, linked.Token);
            var answer = new TokenResponseParser.Answer(
                (int)response.StatusCode,
                response.Content.Headers.ContentType?.MediaType,
                body,
                tooLarge,
                RetryAfter(response));
            result = TokenResponseParser.Parse(answer, credentials, timeProvider.GetUtcNow(), settings);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested && !timeout.IsCancellationRequested
            && ConnectionFailure.Of(e, credentials.TokenEndpoint.Host, credentials.TokenEndpoint.Port) is not null)
        {
            result = TokenFailures.Transport(credentials.TokenEndpoint, e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = TokenFailures.Timeout(credentials.TokenEndpoint, settings.Timeout);
        }
        catch (HttpRequestException e)
        {
            result = TokenFailures.Transport(credentials.TokenEndpoint, e);
        }

        var elapsed = timeProvider.GetElapsedTime(started);
        OAuthActivities.Finished(activity, result.Succeeded ? "success" : result.Error.Stage);
        if (result.Succeeded)
        {
            metrics.TokenRequested("success", elapsed);
            Log.TokenObtained(logger, endpoint, credentials.ClientId, result.Value.Lifetime, result.Value.LifetimeSource, result.Value.GrantedScope);
        }
        else
        {
            metrics.TokenRequested(result.Error.Stage, elapsed);
            Log.TokenRequestFailed(logger, endpoint, credentials.ClientId, result.Error.Kind, result.Error.Message);
        }

        return result;
    }

    private HttpRequestMessage CreateRequest(ClientCredentials credentials)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, credentials.TokenEndpoint);
        request.Headers.Accept.Add(AcceptJson);
        string body;
        switch (credentials.AuthenticationMethod)
        {
            case ClientAuthenticationMethod.ClientSecretBasic:
                // RFC 6749 §2.3.1: each part is form-urlencoded before "id:secret" is base64-encoded.
                var pair = FormUrlEncoding.Encode(credentials.ClientId) + ":" + FormUrlEncoding.Encode(credentials.ClientSecret!.Reveal());
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(pair)));
                body = FormUrlEncoding.Join(("grant_type", "client_credentials"), ("scope", credentials.Scopes.Value));
                break;
            case ClientAuthenticationMethod.PrivateKeyJwt:
                body = FormUrlEncoding.Join(
                    ("grant_type", "client_credentials"),
                    ("scope", credentials.Scopes.Value),
                    ("client_id", credentials.ClientId),
                    ("client_assertion_type", ClientAssertion.Type),
                    ("client_assertion", ClientAssertion.Create(credentials, timeProvider.GetUtcNow())));
                break;
            default:
                body = FormUrlEncoding.Join(
                    ("grant_type", "client_credentials"),
                    ("scope", credentials.Scopes.Value),
                    ("client_id", credentials.ClientId),
                    ("client_secret", credentials.ClientSecret!.Reveal()));
                break;
        }

        request.Content = new ByteArrayContent(Encoding.ASCII.GetBytes(body)) { Headers = { ContentType = FormContentType } };
        return request;
    }

    private static async Task<(ReadOnlyMemory<byte> Body, bool TooLarge)> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            return (ReadOnlyMemory<byte>.Empty, true);
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[Math.Min(maxBytes + 1, (int?)content.Headers.ContentLength + 1 ?? 16 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > maxBytes)
                {
                    return (ReadOnlyMemory<byte>.Empty, true);
                }

                Array.Resize(ref buffer, Math.Min(maxBytes + 1, buffer.Length * 2));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return (buffer.AsMemory(0, length), false);
            }

            length += read;
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - timeProvider.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}

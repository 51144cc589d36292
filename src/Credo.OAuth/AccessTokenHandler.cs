using System.Net;
using Credo.Net;
using Credo.OAuth.Internal;
using Microsoft.Extensions.Logging;

namespace Credo.OAuth;

/// <summary>
/// Adds <c>Authorization: Bearer</c> from the request's <see cref="TokenSource"/>. When the resource server
/// answers <c>401</c>, the token is reported bad, renewed once and the request retried once; a second
/// <c>401</c> is returned to the caller. Request content must be re-readable (byte array or string content).
/// </summary>
public sealed class AccessTokenHandler(ILogger<AccessTokenHandler> logger) : DelegatingHandler
{
    /// <summary>The request option that names the token source of a request; a request without it is a bug.</summary>
    public static readonly HttpRequestOptionsKey<IAccessTokenSource> TokenSource = new("Credo.OAuth.AccessTokenSource");

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Options.TryGetValue(TokenSource, out var source))
        {
            throw new InvalidOperationException(
                $"The request to {request.RequestUri} has no token source; set request.Options with {nameof(AccessTokenHandler)}.{nameof(TokenSource)}.");
        }

        // The last check before a token leaves: a request to a host outside the credential's Resource Hosts gets none.
        if (request.RequestUri is { } destination && source.RefuseDestination(destination) is { } refused)
        {
            throw new AccessTokenUnavailableException(refused);
        }

        var token = Require(await source.GetTokenAsync(cancellationToken));
        request.Headers.Authorization = Bearer(token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        source.Reject(token);
        var renewed = await source.GetTokenAsync(cancellationToken);
        if (!renewed.Succeeded || ReferenceEquals(renewed.Value, token))
        {
            return response;
        }

        response.Dispose();
        Log.RetryingAfterUnauthorized(logger, request.RequestUri?.GetLeftPart(UriPartial.Path) ?? "(no URI)");
        request.Headers.Authorization = Bearer(renewed.Value);
        return await base.SendAsync(request, cancellationToken);
    }

    private static System.Net.Http.Headers.AuthenticationHeaderValue Bearer(AccessToken token) => token.AuthorizationHeader;

    private static AccessToken Require(Result<AccessToken, TokenFailure> result) =>
        result.Succeeded ? result.Value : throw new AccessTokenUnavailableException(result.Error);
}

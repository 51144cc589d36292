using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Credo.Sandbox.Tests.Infrastructure;

/// <summary>
/// The smallest token source the Graph SDK accepts: a client credentials request to the sandbox's token endpoint,
/// with the secret in the body, for one scope. No caching: each test asks for few tokens.
/// </summary>
public sealed class SandboxTokenProvider(HttpClient http, Uri tokenEndpoint, SandboxClient client, string scope) : IAccessTokenProvider
{
    public AllowedHostsValidator AllowedHostsValidator { get; } = new();

    public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret,
            ["scope"] = scope,
        });
        using var response = await http.PostAsync(tokenEndpoint, form, cancellationToken);
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
        return token?.AccessToken ?? throw new InvalidOperationException("The token endpoint answered without access_token.");
    }

    private sealed record TokenResponse([property: JsonPropertyName("access_token")] string? AccessToken);
}

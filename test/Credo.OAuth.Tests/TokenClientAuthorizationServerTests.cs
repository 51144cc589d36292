using Credo.Net;
using Credo.OAuth.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.OAuth.Tests;

/// <summary>The token client against a real OpenIddict authorization server on loopback.</summary>
public sealed class TokenClientAuthorizationServerTests(AuthorizationServerFixture server) : IClassFixture<AuthorizationServerFixture>
{
    [Theory]
    [InlineData(ClientAuthenticationMethod.ClientSecretBasic)]
    [InlineData(ClientAuthenticationMethod.ClientSecretPost)]
    public async Task Client_with_special_characters_gets_a_token_with_its_method(ClientAuthenticationMethod method)
    {
        var client = method == ClientAuthenticationMethod.ClientSecretBasic ? AuthorizationServerFixture.BasicClient : AuthorizationServerFixture.PostClient;

        var result = await RequestAsync(server.Credentials(client, method));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("Bearer", result.Value.TokenType);
        Assert.Equal(LifetimeSource.ExpiresIn, result.Value.LifetimeSource);
        Assert.InRange(result.Value.Lifetime, TimeSpan.FromMinutes(19), TimeSpan.FromMinutes(20));
        var claims = result.Value.ReadJwtClaims();
        Assert.NotNull(claims);
        Assert.Equal(["https://outlook.office365.com"], claims.Audiences);
        Assert.Equal(["full_access_as_app"], claims.Roles);
        Assert.NotNull(claims.ExpiresAt);
    }

    [Theory]
    [InlineData(ClientAuthenticationMethod.ClientSecretBasic)]
    [InlineData(ClientAuthenticationMethod.ClientSecretPost)]
    public async Task Wrong_secret_is_invalid_client_with_a_hint(ClientAuthenticationMethod method)
    {
        var client = method == ClientAuthenticationMethod.ClientSecretBasic ? AuthorizationServerFixture.BasicClient : AuthorizationServerFixture.PostClient;

        var result = await RequestAsync(server.Credentials(client, method, secret: "not the secret"));

        Assert.False(result.Succeeded);
        Assert.Equal(TokenFailureKind.OAuthError, result.Error.Kind);
        Assert.Equal("invalid_client", result.Error.Error);
        Assert.NotNull(result.Error.Hint);
        Assert.Contains("invalid_client", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_only_client_sending_credentials_in_the_body_is_invalid_client()
    {

        var result = await RequestAsync(server.Credentials(AuthorizationServerFixture.BasicClient, ClientAuthenticationMethod.ClientSecretPost));

        Assert.Equal("invalid_client", result.Error?.Error);
    }

    [Fact]
    public async Task Body_only_client_sending_HTTP_Basic_is_invalid_client_and_the_hint_suggests_the_body()
    {

        var result = await RequestAsync(server.Credentials(AuthorizationServerFixture.PostClient, ClientAuthenticationMethod.ClientSecretBasic));

        Assert.Equal("invalid_client", result.Error?.Error);
        Assert.Contains("Send credentials in the body of the request", result.Error?.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scope_the_client_may_not_request_is_invalid_scope()
    {

        var result = await RequestAsync(server.Credentials(AuthorizationServerFixture.BasicClient, ClientAuthenticationMethod.ClientSecretBasic, scope: "https://graph.microsoft.com/.default"));

        Assert.Equal(TokenFailureKind.OAuthError, result.Error?.Kind);
        Assert.Equal("invalid_scope", result.Error?.Error);
        Assert.Equal(400, result.Error?.StatusCode);
    }

    private static async Task<Result<AccessToken, TokenFailure>> RequestAsync(ClientCredentials credentials)
    {
        await using var services = OAuthServices.Create();
        return await services.GetRequiredService<ITokenClient>().RequestTokenAsync(credentials, TestContext.Current.CancellationToken);
    }
}

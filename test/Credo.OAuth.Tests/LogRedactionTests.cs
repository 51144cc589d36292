using System.Text;
using Credo.OAuth.Internal;
using Credo.OAuth.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace Credo.OAuth.Tests;

/// <summary>Secrets and tokens never reach a log line, on success or failure.</summary>
public sealed class LogRedactionTests(AuthorizationServerFixture server) : IClassFixture<AuthorizationServerFixture>
{
    [Fact]
    public async Task Secret_and_tokens_never_appear_in_any_log_line()
    {
        await using var services = OAuthServices.Create(s => s.AddCredoOutboundHttpClient("resource").AddAccessTokenHandler());
        var client = AuthorizationServerFixture.BasicClient;
        var tokens = new List<string>();

        // Success with each method, and through the cache and the handler with a 401 that forces a renewal.
        foreach (var method in new[] { ClientAuthenticationMethod.ClientSecretBasic, ClientAuthenticationMethod.ClientSecretPost })
        {
            var target = method == ClientAuthenticationMethod.ClientSecretBasic ? client : AuthorizationServerFixture.PostClient;
            var result = await services.GetRequiredService<ITokenClient>().RequestTokenAsync(server.Credentials(target, method), TestContext.Current.CancellationToken);
            tokens.Add(result.Value!.Value);
        }

        await using var resource = await LoopbackServer.StartAsync((context, n) =>
        {
            context.Response.StatusCode = n == 1 ? 401 : 200;
            return Task.CompletedTask;
        });
        var credentials = server.Credentials(client, ClientAuthenticationMethod.ClientSecretBasic);
        var cache = services.GetRequiredService<ITokenCache>();
        using (var request = new HttpRequestMessage(HttpMethod.Get, resource.Url("ews")))
        {
            request.Options.Set(AccessTokenHandler.TokenSource, new CachedAccessTokenSource(cache, "credential", 1, credentials));
            using var response = await services.GetRequiredService<IHttpClientFactory>().CreateClient("resource").SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(200, (int)response.StatusCode);
        }

        var cached = await cache.GetTokenAsync(TokenCacheKey.For("credential", 1, credentials), credentials, TestContext.Current.CancellationToken);
        tokens.Add(cached.Value!.Value);

        // Failures: wrong secret, wrong method, a server that echoes what it was sent.
        await services.GetRequiredService<ITokenClient>().RequestTokenAsync(server.Credentials(client, ClientAuthenticationMethod.ClientSecretBasic, secret: client.ClientSecret + "x"), TestContext.Current.CancellationToken);
        await services.GetRequiredService<ITokenClient>().RequestTokenAsync(server.Credentials(client, ClientAuthenticationMethod.ClientSecretPost), TestContext.Current.CancellationToken);
        await using var echo = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            await context.Response.WriteAsync("{\"error\":\"invalid_request\",\"error_description\":\"got " + context.Request.Headers.Authorization + " " + body.Replace("\"", "", StringComparison.Ordinal) + "\"}");
        });
        foreach (var method in new[] { ClientAuthenticationMethod.ClientSecretBasic, ClientAuthenticationMethod.ClientSecretPost })
        {
            var echoed = await services.GetRequiredService<ITokenClient>().RequestTokenAsync(
                OAuthServices.Credentials(echo.Url("token"), client.ClientId, client.ClientSecret, method: method),
                TestContext.Current.CancellationToken);
            Assert.Equal("invalid_request", echoed.Error?.Error);
            Assert.Contains("[redacted]", echoed.Error?.ErrorDescription, StringComparison.Ordinal);
        }

        var forbidden = new List<string> { client.ClientSecret, AuthorizationServerFixture.PostClient.ClientSecret, FormUrlEncoding.Encode(client.ClientSecret) };
        forbidden.Add(Convert.ToBase64String(Encoding.ASCII.GetBytes(FormUrlEncoding.Encode(client.ClientId) + ":" + FormUrlEncoding.Encode(client.ClientSecret))));
        forbidden.AddRange(tokens);

        LogAssert.NoRecordHolds(services.GetFakeLogCollector(), forbidden);
    }
}

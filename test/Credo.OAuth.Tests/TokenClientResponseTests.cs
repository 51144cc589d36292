using System.Text;
using Credo.Net;
using Credo.OAuth.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Credo.OAuth.Tests;

/// <summary>The token client against answers real servers give, served by Kestrel on loopback.</summary>
public sealed class TokenClientResponseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("3600", 3600)]
    [InlineData("\"3600\"", 3600)]
    [InlineData("3599.9", 3599.9)]
    public async Task Expires_in_as_number_or_numeric_string_sets_the_lifetime(string expiresIn, double seconds)
    {
        var result = await RequestAsync(200, "application/json", $$"""{"access_token":"abc","token_type":"Bearer","expires_in":{{expiresIn}}}""");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(LifetimeSource.ExpiresIn, result.Value.LifetimeSource);
        Assert.Equal(Now.AddSeconds(seconds), result.Value.ExpiresAt);
    }

    [Fact]
    public async Task Missing_expires_in_takes_the_exp_claim_of_a_JWT()
    {
        var exp = Now.AddMinutes(42).ToUnixTimeSeconds();
        var jwt = Jwt($$"""{"exp":{{exp}},"aud":"api"}""");

        var result = await RequestAsync(200, "application/json", $$"""{"access_token":"{{jwt}}","token_type":"bearer"}""");

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(LifetimeSource.JwtExpClaim, result.Value.LifetimeSource);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(exp), result.Value.ExpiresAt);
    }

    [Theory]
    [InlineData("""{"access_token":"opaque","token_type":"BEARER"}""")]
    [InlineData("""{"access_token":"opaque","token_type":"Bearer","expires_in":"soon"}""")]
    [InlineData("""{"access_token":"opaque","token_type":"Bearer","expires_in":-5}""")]
    public async Task Without_a_usable_expires_in_or_JWT_the_default_lifetime_applies(string body)
    {
        var result = await RequestAsync(200, "application/json", body, o => o.DefaultLifetime = TimeSpan.FromMinutes(7));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(LifetimeSource.Default, result.Value.LifetimeSource);
        Assert.Equal(Now.AddMinutes(7), result.Value.ExpiresAt);
    }

    [Fact]
    public async Task Granted_scope_is_reported_when_the_server_narrows_it()
    {
        var result = await RequestAsync(200, "application/json", """{"access_token":"abc","token_type":"Bearer","expires_in":60,"scope":"read"}""");

        Assert.Equal("read", result.Value?.GrantedScope);
    }

    [Fact]
    public async Task Missing_access_token_is_an_invalid_token_response()
    {
        var result = await RequestAsync(200, "application/json", """{"token_type":"Bearer","expires_in":60}""");

        Assert.Equal(TokenFailureKind.InvalidTokenResponse, result.Error?.Kind);
        Assert.Contains("no access_token", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_type_other_than_Bearer_is_refused()
    {
        var result = await RequestAsync(200, "application/json", """{"access_token":"abc","token_type":"mac","expires_in":60}""");

        Assert.Equal(TokenFailureKind.InvalidTokenResponse, result.Error?.Kind);
        Assert.Contains("\"mac\"", result.Error?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, "text/html", "<html><body>Sign in to continue SECRET-PAGE</body></html>")]
    [InlineData(500, "text/html", "<html><body>Internal error SECRET-PAGE</body></html>")]
    [InlineData(200, "application/json", "")]
    [InlineData(502, "text/plain", "upstream SECRET-PAGE")]
    [InlineData(200, "application/json", "[\"SECRET-PAGE\"]")]
    public async Task Non_OAuth_answers_are_reported_by_status_and_content_type_only(int status, string contentType, string body)
    {
        var result = await RequestAsync(status, contentType, body);

        Assert.Equal(TokenFailureKind.NotOAuthResponse, result.Error?.Kind);
        Assert.Equal(status, result.Error?.StatusCode);
        Assert.Equal(contentType, result.Error?.ContentType);
        Assert.Contains($"HTTP {status}", result.Error?.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-PAGE", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OAuth_error_as_text_plain_JSON_is_still_an_OAuth_error_and_its_texts_are_sanitized()
    {
        var description = "AADSTS7000215: Invalid client secret provided.\r\n<script>" + new string('x', 2000);
        var result = await RequestAsync(401, "text/plain", $$"""{"error":"invalid_client","error_description":"{{description.Replace("\r\n", "\\r\\n", StringComparison.Ordinal)}}","error_uri":"https://example.com/e"}""");

        Assert.Equal(TokenFailureKind.OAuthError, result.Error?.Kind);
        Assert.Equal("invalid_client", result.Error?.Error);
        Assert.Equal("https://example.com/e", result.Error?.ErrorUri);
        Assert.StartsWith("AADSTS7000215: Invalid client secret provided.", result.Error?.ErrorDescription, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', result.Error?.ErrorDescription ?? "");
        Assert.True(result.Error?.ErrorDescription?.Length <= 1001);
    }

    [Fact]
    public async Task Body_of_2_MiB_is_refused_as_too_large()
    {
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"access_token\":\"" + new string('a', 2 * 1024 * 1024) + "\",\"token_type\":\"Bearer\"}");
        });

        var result = await RequestAsync(server);

        Assert.Equal(TokenFailureKind.NotOAuthResponse, result.Error?.Kind);
        Assert.Contains("larger than 1024 KiB", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_without_content_length_is_refused()
    {
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            var chunk = Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
            for (var i = 0; i < 40; i++)
            {
                await context.Response.Body.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
            }
        });

        var result = await RequestAsync(server);

        Assert.Equal(TokenFailureKind.NotOAuthResponse, result.Error?.Kind);
        Assert.Contains("larger than", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_that_never_answers_times_out()
    {
        var time = new FakeTimeProvider(Now);
        var requestArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            requestArrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        await using var services = OAuthServices.Create(s => s.AddSingleton<TimeProvider>(time).Configure<TokenClientOptions>(o => o.Timeout = TimeSpan.FromSeconds(30)));
        var sut = services.GetRequiredService<ITokenClient>();

        var pending = sut.RequestTokenAsync(OAuthServices.Credentials(server.Url("token")), TestContext.Current.CancellationToken);
        await requestArrived.Task.WaitAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(30));
        var result = await pending;

        Assert.Equal(TokenFailureKind.Timeout, result.Error?.Kind);
        Assert.Contains("within 30 s", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_429_with_Retry_After_reports_the_wait()
    {
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "17";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":"temporarily_unavailable"}""");
        });

        var result = await RequestAsync(server);

        Assert.Equal(TimeSpan.FromSeconds(17), result.Error?.RetryAfter);
        Assert.Equal(429, result.Error?.StatusCode);
    }

    [Fact]
    public async Task Redirects_are_not_followed()
    {
        await using var target = await LoopbackServer.AnsweringAsync(200, "application/json", """{"access_token":"abc","token_type":"Bearer"}""");
        await using var server = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.Redirect(target.Url("token").ToString(), permanent: false, preserveMethod: true);
            return Task.CompletedTask;
        });

        var result = await RequestAsync(server);

        Assert.Equal(TokenFailureKind.NotOAuthResponse, result.Error?.Kind);
        Assert.Equal(307, result.Error?.StatusCode);
        Assert.Equal(0, target.Requests);
    }

    [Fact]
    public async Task Request_is_the_form_of_RFC_6749_4_4_2()
    {
        string? method = null, contentType = null, accept = null, authorization = null, body = null;
        await using var server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            method = context.Request.Method;
            contentType = context.Request.ContentType;
            accept = context.Request.Headers.Accept;
            authorization = context.Request.Headers.Authorization;
            body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"access_token":"abc","token_type":"Bearer"}""");
        });
        await using var services = OAuthServices.Create();
        var sut = services.GetRequiredService<ITokenClient>();

        await sut.RequestTokenAsync(OAuthServices.Credentials(server.Url("token"), "id:1", " %&+£€", "a b"), TestContext.Current.CancellationToken);

        Assert.Equal("POST", method);
        Assert.Equal("application/x-www-form-urlencoded", contentType);
        Assert.Equal("application/json", accept);
        Assert.Equal("grant_type=client_credentials&scope=a+b", body);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes("id%3A1:+%25%26%2B%C2%A3%E2%82%AC")), authorization);

        await sut.RequestTokenAsync(OAuthServices.Credentials(server.Url("token"), "id:1", " %&+£€", "a b", ClientAuthenticationMethod.ClientSecretPost), TestContext.Current.CancellationToken);

        Assert.True(string.IsNullOrEmpty(authorization));
        Assert.Equal("grant_type=client_credentials&scope=a+b&client_id=id%3A1&client_secret=+%25%26%2B%C2%A3%E2%82%AC", body);
    }

    private static async Task<Result<AccessToken, TokenFailure>> RequestAsync(int status, string contentType, string body, Action<TokenClientOptions>? configure = null)
    {
        await using var server = await LoopbackServer.AnsweringAsync(status, contentType, body);
        return await RequestAsync(server, configure);
    }

    private static async Task<Result<AccessToken, TokenFailure>> RequestAsync(LoopbackServer server, Action<TokenClientOptions>? configure = null)
    {
        await using var services = OAuthServices.Create(s =>
        {
            s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
            s.Configure(configure ?? (_ => { }));
        });
        return await services.GetRequiredService<ITokenClient>()
            .RequestTokenAsync(OAuthServices.Credentials(server.Url("token")), TestContext.Current.CancellationToken);
    }

    private static string Jwt(string payloadJson) =>
        "eyJhbGciOiJub25lIn0." + System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payloadJson)) + ".c2ln";
}

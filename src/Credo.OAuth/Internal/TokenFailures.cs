using System.Globalization;
using System.Net.Http;
using Credo.Net;
using Credo.Net.Outbound;

namespace Credo.OAuth.Internal;

/// <summary>Builds <see cref="TokenFailure"/>s with their messages and hints.</summary>
internal static class TokenFailures
{
    private static readonly string[] EntraHosts =
        ["login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn", "login.chinacloudapi.cn"];

    public static string Display(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Path);

    public static Result<AccessToken, TokenFailure> NotOAuth(in TokenResponseParser.Answer answer, string endpoint, string? what)
    {
        var contentType = answer.ContentType is null ? "no content type" : Sanitize(answer.ContentType, 100);
        var body = what is null ? contentType : $"{what} ({contentType})";
        return Fail(new TokenFailure(
            TokenFailureKind.NotOAuthResponse,
            $"The token endpoint {endpoint} answered HTTP {answer.StatusCode} with {body}, which is not an OAuth token response.")
        {
            StatusCode = answer.StatusCode,
            ContentType = answer.ContentType is null ? null : Sanitize(answer.ContentType, 100),
            RetryAfter = answer.RetryAfter,
            Hint = answer.StatusCode switch
            {
                404 or 405 => "Check the token endpoint URL: the server does not accept token requests there.",
                429 or 503 => "The server is overloaded or throttling; Credo waits before asking again.",
                >= 200 and < 300 => "Check that the URL is the token endpoint and not a sign-in page.",
                _ => null,
            },
        });
    }

    public static Result<AccessToken, TokenFailure> InvalidTokenResponse(in TokenResponseParser.Answer answer, string endpoint, string what) =>
        Fail(new TokenFailure(TokenFailureKind.InvalidTokenResponse, $"The token response of {endpoint} {what}.")
        {
            StatusCode = answer.StatusCode,
            ContentType = answer.ContentType is null ? null : Sanitize(answer.ContentType, 100),
        });

    public static Result<AccessToken, TokenFailure> OAuthError(in TokenResponseParser.Answer answer, ClientCredentials credentials, string endpoint, string error, string? description, string? uri)
    {
        // A server that echoes the request back must not make Credo show or log the secret.
        var code = Sanitize(Redact(error, credentials), 100);
        var text = description is null ? null : Sanitize(Redact(description, credentials), 1000);
        return Fail(new TokenFailure(
            TokenFailureKind.OAuthError,
            text is null
                ? $"The authorization server at {endpoint} refused the request: {code}."
                : $"The authorization server at {endpoint} refused the request: {code}: {text}")
        {
            StatusCode = answer.StatusCode,
            ContentType = answer.ContentType is null ? null : Sanitize(answer.ContentType, 100),
            Error = code,
            ErrorDescription = text,
            ErrorUri = uri is null ? null : Sanitize(Redact(uri, credentials), 500),
            RetryAfter = answer.RetryAfter,
            Hint = HintFor(code, credentials),
        });
    }

    public static Result<AccessToken, TokenFailure> Timeout(Uri endpoint, TimeSpan timeout) =>
        Fail(new TokenFailure(
            TokenFailureKind.Timeout,
            $"The token endpoint {Display(endpoint)} did not answer within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s."));

    public static Result<AccessToken, TokenFailure> Transport(Uri endpoint, Exception exception)
    {
        var failure = ConnectionFailure.Of(exception, endpoint.Host, endpoint.Port);
        if (failure is null)
        {
            return Fail(new TokenFailure(TokenFailureKind.Connection, $"The connection to {endpoint.Host}:{endpoint.Port} failed: {Sanitize(exception.Message, 300)}"));
        }

        var kind = failure.Kind switch
        {
            ConnectionFailureKind.Blocked => TokenFailureKind.Blocked,
            ConnectionFailureKind.HostNotFound or ConnectionFailureKind.NameResolution => TokenFailureKind.NameResolution,
            ConnectionFailureKind.Tls => TokenFailureKind.Tls,
            _ => TokenFailureKind.Connection,
        };
        return Fail(new TokenFailure(kind, $"Token endpoint {Display(endpoint)}: {failure.Message}") { Hint = failure.Hint });
    }

    /// <summary>Strips control characters and caps the length of a text that came from a server.</summary>
    public static string Sanitize(string text, int maxLength)
    {
        var clean = string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        }).Trim();
        return clean.Length <= maxLength ? clean : string.Concat(clean.AsSpan(0, maxLength), "…");
    }

    private static Result<AccessToken, TokenFailure> Fail(TokenFailure failure) => failure;

    /// <summary>Replaces every form in which the secret travels (plain, form-encoded, inside the Basic header) with <c>[redacted]</c>.</summary>
    private static string Redact(string text, ClientCredentials credentials)
    {
        if (credentials is { Certificate: { } certificate, SigningAlgorithm: { } algorithm })
        {
            // An echoed assertion could be replayed at a server that does not track jti until it expires.
            var header = ClientAssertion.EncodedHeader(certificate, algorithm);
            for (var at = text.IndexOf(header, StringComparison.Ordinal); at >= 0; at = text.IndexOf(header, at + 1, StringComparison.Ordinal))
            {
                var end = at + header.Length;
                while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '_' or '.'))
                {
                    end++;
                }

                text = string.Concat(text.AsSpan(0, at), "[redacted]", text.AsSpan(end));
            }

            return text;
        }

        var secret = credentials.ClientSecret!.Reveal();
        var encoded = FormUrlEncoding.Encode(secret);
        var basic = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(FormUrlEncoding.Encode(credentials.ClientId) + ":" + encoded));
        foreach (var form in new[] { basic, encoded, Uri.EscapeDataString(secret), secret })
        {
            text = text.Replace(form, "[redacted]", StringComparison.Ordinal);
        }

        return text;
    }

    internal static string? HintFor(string error, ClientCredentials credentials)
    {
        var entra = EntraHosts.Contains(credentials.TokenEndpoint.Host, StringComparer.OrdinalIgnoreCase);
        if (entra && error != "invalid_client" && credentials.Scopes.Tokens.FirstOrDefault(s => !s.EndsWith("/.default", StringComparison.Ordinal)) is { } scope)
        {
            if (credentials.Scopes.Tokens.Any(s => s.EndsWith("/.default", StringComparison.Ordinal)))
            {
                return $"Microsoft Entra's client credentials grant takes one scope of the form {{resource}}/.default and nothing beside it: remove {Sanitize(scope, 100)}.";
            }

            return $"Microsoft Entra's client credentials grant needs a scope of the form {{resource}}/.default: did you mean {DefaultScopeFor(scope)} instead of {Sanitize(scope, 100)}? "
                + "EWS, IMAP and POP3 take https://outlook.office365.com/.default; Microsoft Graph takes https://graph.microsoft.com/.default.";
        }

        if (entra && credentials.TokenEndpoint.AbsolutePath.Split('/') is [_, "common" or "organizations" or "consumers", ..])
        {
            return "Use the tenant ID or domain in the token endpoint, not common or organizations: https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token.";
        }

        return error switch
        {
            "invalid_client" when credentials.Certificate is { } certificate =>
                $"Check the client identifier, and that the certificate {certificate.Sha1Thumbprint} (SHA-1 thumbprint) is uploaded to this client on the authorization server (in Microsoft Entra: Certificates & secrets) and has not expired; if it is, try another signing algorithm than {credentials.SigningAlgorithm}.",
            "invalid_client" when credentials.AuthenticationMethod == ClientAuthenticationMethod.ClientSecretBasic =>
                "Check the client identifier and secret. If they are right, try \"Send credentials in the body of the request\": some servers, Microsoft Entra among them, expect it.",
            "invalid_client" =>
                "Check the client identifier and secret, and that the secret has not expired. If they are right, try \"Send credentials using the HTTP Basic authentication scheme\".",
            "unauthorized_client" => "The client is not allowed the client credentials grant; enable it for this client on the authorization server.",
            "invalid_scope" => "Check the scopes: the server does not grant one of them to this client.",
            _ => null,
        };
    }

    // The .default scope a client credentials request means by a delegated or resource-less scope: the resource's own
    // (https://graph.microsoft.com/Mail.Read → https://graph.microsoft.com/.default), or the one its permission name belongs to.
    private static string DefaultScopeFor(string scope)
    {
        if (Uri.TryCreate(scope, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" or "api")
        {
            return uri.Scheme == "api" ? $"api://{uri.Host}/.default" : $"{uri.Scheme}://{uri.Authority}/.default";
        }

        return scope.StartsWith("IMAP.", StringComparison.OrdinalIgnoreCase) || scope.StartsWith("POP.", StringComparison.OrdinalIgnoreCase)
            || scope.StartsWith("EWS.", StringComparison.OrdinalIgnoreCase) || scope.Equals("full_access_as_app", StringComparison.OrdinalIgnoreCase)
            ? "https://outlook.office365.com/.default"
            : "https://graph.microsoft.com/.default";
    }
}

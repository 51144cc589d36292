using Credo.OAuth.Internal;

namespace Credo.OAuth.Tests.Internal;

/// <summary>The hint beside an OAuth error: for Microsoft Entra, a scope without /.default gets the one it most likely meant.</summary>
public sealed class TokenFailureHintTests
{
    private static readonly Uri Entra = new("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");

    [Theory]
    [InlineData("https://graph.microsoft.com/Mail.Read", "https://graph.microsoft.com/.default")]
    [InlineData("https://graph.microsoft.com", "https://graph.microsoft.com/.default")]
    [InlineData("https://outlook.office365.com/EWS.AccessAsUser.All", "https://outlook.office365.com/.default")]
    [InlineData("IMAP.AccessAsApp", "https://outlook.office365.com/.default")]
    [InlineData("POP.AccessAsApp", "https://outlook.office365.com/.default")]
    [InlineData("Mail.ReadWrite", "https://graph.microsoft.com/.default")]
    [InlineData("api://8d3c1f9e-0000-4000-8000-000000000001/read", "api://8d3c1f9e-0000-4000-8000-000000000001/.default")]
    public void An_Entra_scope_without_default_gets_the_default_scope_it_most_likely_meant(string scope, string meant)
    {
        var hint = TokenFailures.HintFor("invalid_scope", Credentials(Entra, scope));

        Assert.NotNull(hint);
        Assert.Contains($"did you mean {meant} instead of {scope}?", hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scope_beside_a_default_scope_is_to_be_removed_rather_than_replaced()
    {
        var hint = TokenFailures.HintFor("invalid_scope", Credentials(Entra, "https://outlook.office365.com/.default openid"));

        Assert.Equal("Microsoft Entra's client credentials grant takes one scope of the form {resource}/.default and nothing beside it: remove openid.", hint);
    }

    [Fact]
    public void Default_scopes_and_other_authorization_servers_get_no_such_hint()
    {
        Assert.Equal(
            "Check the scopes: the server does not grant one of them to this client.",
            TokenFailures.HintFor("invalid_scope", Credentials(Entra, "https://graph.microsoft.com/.default")));
        Assert.Equal(
            "Check the scopes: the server does not grant one of them to this client.",
            TokenFailures.HintFor("invalid_scope", Credentials(new Uri("https://auth.contoso.com/token"), "mail.read")));
    }

    private static ClientCredentials Credentials(Uri endpoint, string scope) =>
        new(endpoint, "client", new Secret("s3cret"), ScopeSet.Parse(scope));
}

namespace Credo.OAuth.Tests;

public sealed class ClientCredentialsRulesTests
{
    [Theory]
    [InlineData("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", false, null)]
    [InlineData("http://127.0.0.1:5090/connect/token", false, null)]
    [InlineData("http://127.8.9.10/connect/token", false, null)]
    [InlineData("http://[::1]:5090/connect/token", false, null)]
    [InlineData("http://localhost/connect/token", false, null)]
    [InlineData("http://idp.example.com/token", true, null)]
    [InlineData("http://idp.example.com/token", false, "uses http")]
    [InlineData("", false, "Enter the token endpoint")]
    [InlineData("/connect/token", false, "absolute URL")]
    [InlineData("ftp://idp.example.com/token", false, "absolute URL")]
    [InlineData("https://user:pass@idp.example.com/token", false, "user name or password")]
    [InlineData("https://idp.example.com/token#frag", false, "fragment")]
    public void Token_endpoint_rules(string url, bool allowHttp, string? expectedError)
    {
        var error = ClientCredentialsRules.CheckTokenEndpoint(url, allowHttp);

        if (expectedError is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains(expectedError, error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000000", null)]
    [InlineData("id with spaces+%:/=&ü", null)]
    [InlineData("", "Enter the client identifier")]
    [InlineData("line\nbreak", "control character (U+000A) at position 5")]
    [InlineData("del\u007f", "control character (U+007F)")]
    public void Client_identifier_rules(string clientId, string? expectedError)
    {
        var error = ClientCredentialsRules.CheckClientId(clientId);

        if (expectedError is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains(expectedError, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Client_identifier_of_256_characters_is_too_long()
    {
        Assert.Null(ClientCredentialsRules.CheckClientId(new string('a', 255)));
        Assert.Contains("at most 255", ClientCredentialsRules.CheckClientId(new string('a', 256)), StringComparison.Ordinal);
    }

    [Fact]
    public void Client_secret_of_1_to_4096_characters_is_accepted_and_the_message_never_repeats_it()
    {
        Assert.Null(ClientCredentialsRules.CheckClientSecret("s"));
        Assert.Null(ClientCredentialsRules.CheckClientSecret(new string('s', 4096)));
        Assert.Contains("Enter the client secret", ClientCredentialsRules.CheckClientSecret(""), StringComparison.Ordinal);

        var tooLong = "TopSecret" + new string('x', 4096);
        var error = ClientCredentialsRules.CheckClientSecret(tooLong);
        Assert.Contains("at most 4096", error, StringComparison.Ordinal);
        Assert.DoesNotContain("TopSecret", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_never_shows_its_value_as_text()
    {
        var sut = new Secret("hunter2");

        Assert.Equal("[redacted]", sut.ToString());
        Assert.Equal("[redacted]", $"{sut}");
        Assert.Equal("hunter2", sut.Reveal());
    }
}

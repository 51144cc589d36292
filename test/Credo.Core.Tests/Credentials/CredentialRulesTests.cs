using Credo.Core.Credentials;
using Credo.OAuth;

namespace Credo.Core.Tests.Credentials;

/// <summary>Every field of PRODUCT §2, valid and invalid values, each invalid one with its message.</summary>
public sealed class CredentialRulesTests
{
    public static TheoryData<string, string?, string?> Cases => new()
    {
        // field, value, expected message fragment (null: valid)
        { CredentialFields.Name, "Exchange Online", null },
        { CredentialFields.Name, "  padded  ", null },
        { CredentialFields.Name, new string('n', 100), null },
        { CredentialFields.Name, "", "Enter a name" },
        { CredentialFields.Name, "   ", "Enter a name" },
        { CredentialFields.Name, new string('n', 101), "at most 100" },
        { CredentialFields.Name, "two\nlines", "control character" },
        { CredentialFields.ClientId, "00000000-0000-0000-0000-000000000000", null },
        { CredentialFields.ClientId, new string('c', 255), null },
        { CredentialFields.ClientId, "", "Enter the client identifier" },
        { CredentialFields.ClientId, new string('c', 256), "at most 255" },
        { CredentialFields.ClientId, "tab\there", "control character" },
        { CredentialFields.ClientSecret, "s", null },
        { CredentialFields.ClientSecret, new string('s', 4096), null },
        { CredentialFields.ClientSecret, "", "Enter the client secret" },
        { CredentialFields.ClientSecret, new string('s', 4097), "at most 4096" },
        { CredentialFields.TokenEndpoint, "https://login.microsoftonline.com/contoso/oauth2/v2.0/token", null },
        { CredentialFields.TokenEndpoint, "http://127.0.0.1:5090/connect/token", null },
        { CredentialFields.TokenEndpoint, "http://localhost/token", null },
        { CredentialFields.TokenEndpoint, "http://[::1]/token", null },
        { CredentialFields.TokenEndpoint, "", "Enter the token endpoint" },
        { CredentialFields.TokenEndpoint, "login.microsoftonline.com/token", "absolute URL" },
        { CredentialFields.TokenEndpoint, "http://idp.example.com/token", "uses http" },
        { CredentialFields.TokenEndpoint, "https://u:p@idp.example.com/token", "user name or password" },
        { CredentialFields.TokenEndpoint, "https://idp.example.com/token#x", "fragment" },
        { CredentialFields.Scopes, "https://outlook.office365.com/.default", null },
        { CredentialFields.Scopes, "a b c", null },
        { CredentialFields.Scopes, "", "at least one scope" },
        { CredentialFields.Scopes, "a\"b", "double quote" },
        { CredentialFields.Scopes, "é", "non-ASCII" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_field_is_checked_with_a_message_that_says_how_to_fix_it(string field, string? value, string? expected)
    {
        var input = Valid();
        typeof(CredentialInput).GetProperty(field)!.SetValue(input, value);

        var errors = CredentialRules.Check(input, allowHttp: false, secretRequired: true);

        if (expected is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Equal([field], errors.Keys);
            Assert.Contains(expected, errors[field], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Unknown_authentication_method_is_refused()
    {
        var input = Valid();
        input.AuthenticationMethod = (ClientAuthenticationMethod)7;

        Assert.Contains("Choose how the client authenticates", CredentialRules.Check(input, false, true)[CredentialFields.AuthenticationMethod], StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_secret_is_allowed_on_update_where_it_keeps_the_stored_one()
    {
        var input = Valid();
        input.ClientSecret = "";

        Assert.Empty(CredentialRules.Check(input, allowHttp: false, secretRequired: false));
    }

    [Fact]
    public void Every_field_is_reported_at_once_for_an_empty_form()
    {
        var errors = CredentialRules.Check(new CredentialInput(), allowHttp: false, secretRequired: true);

        string[] expected = [CredentialFields.Name, CredentialFields.ClientId, CredentialFields.ClientSecret, CredentialFields.TokenEndpoint, CredentialFields.Scopes];
        Assert.Equal(expected.Order(StringComparer.Ordinal), errors.Keys.Order(StringComparer.Ordinal));
    }

    private static CredentialInput Valid() => new()
    {
        Name = "Exchange Online",
        ClientId = "00000000-0000-0000-0000-000000000000",
        ClientSecret = "s3cret",
        TokenEndpoint = "https://login.microsoftonline.com/contoso/oauth2/v2.0/token",
        Scopes = "https://outlook.office365.com/.default",
    };
}

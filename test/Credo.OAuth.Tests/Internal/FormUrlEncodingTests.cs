using System.Text;
using Credo.OAuth.Internal;

namespace Credo.OAuth.Tests.Internal;

public sealed class FormUrlEncodingTests
{
    [Fact]
    public void Rfc6749_appendix_B_vector_encodes_byte_for_byte()
    {
        var sut = FormUrlEncoding.Encode(" %&+£€");

        Assert.Equal("+%25%26%2B%C2%A3%E2%82%AC"u8.ToArray(), Encoding.ASCII.GetBytes(sut));
    }

    [Theory]
    [InlineData("AZaz09*-._", "AZaz09*-._")]
    [InlineData("a:b/c=d&e", "a%3Ab%2Fc%3Dd%26e")]
    [InlineData("~!'()", "%7E%21%27%28%29")]
    [InlineData("ü", "%C3%BC")]
    public void Only_the_unreserved_form_characters_stay_literal(string value, string expected)
    {
        Assert.Equal(expected, FormUrlEncoding.Encode(value));
    }

    [Fact]
    public void Join_encodes_names_and_values_and_separates_with_ampersands()
    {
        var sut = FormUrlEncoding.Join(("grant_type", "client_credentials"), ("scope", "a b+c"));

        Assert.Equal("grant_type=client_credentials&scope=a+b%2Bc", sut);
    }
}

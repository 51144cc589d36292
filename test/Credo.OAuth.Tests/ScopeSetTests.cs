namespace Credo.OAuth.Tests;

public sealed class ScopeSetTests
{
    [Fact]
    public void Order_is_kept_and_duplicates_are_dropped()
    {
        var sut = ScopeSet.Parse("  b a  b c a ");

        Assert.Equal(["b", "a", "c"], sut.Tokens);
        Assert.Equal("b a c", sut.Value);
    }

    [Fact]
    public void Scopes_are_case_sensitive()
    {
        Assert.Equal(["Mail.Read", "mail.read"], ScopeSet.Parse("Mail.Read mail.read").Tokens);
    }

    [Theory]
    [InlineData("", "at least one scope")]
    [InlineData("   ", "at least one scope")]
    [InlineData("a\"b", "double quote")]
    [InlineData("a\\b", "backslash")]
    [InlineData("a\tb", "U+0009")]
    [InlineData("café", "non-ASCII")]
    public void Invalid_scopes_are_refused_with_a_reason(string text, string reason)
    {
        Assert.False(ScopeSet.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_printable_character_the_RFC_allows_is_accepted()
    {
        var all = string.Concat(Enumerable.Range(0x21, 0x7E - 0x21 + 1).Select(c => (char)c).Where(c => c is not '"' and not '\\'));

        Assert.True(ScopeSet.TryParse(all, out var scopes, out _));
        Assert.Equal(all, scopes.Value);
    }
}

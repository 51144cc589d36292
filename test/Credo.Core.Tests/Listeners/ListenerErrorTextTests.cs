using Credo.Core.Listeners;

namespace Credo.Core.Tests.Listeners;

public sealed class ListenerErrorTextTests
{
    private const string ScopeHint = "Check that the credential's scope is https://outlook.office365.com/.default and that the token's audience matches the EWS host.";

    [Fact]
    public void An_expired_token_is_explained_as_expired_not_as_a_scope_problem_and_the_raw_text_is_kept()
    {
        const string raw = "EWS refused the access token for SyncFolderItems (HTTP 401): 2000003;reason=\"The token has expired.\";error_category=\"invalid_token\"";

        var sut = ListenerErrorText.Explain(raw, ScopeHint);

        Assert.Equal("Exchange refused the access token because it had expired.", sut.Sentence);
        Assert.Contains("clock", sut.Hint, StringComparison.Ordinal);
        Assert.DoesNotContain("scope", sut.Hint, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(raw, sut.Raw);
    }

    [Fact]
    public void A_token_for_another_resource_keeps_the_scope_hint()
    {
        const string raw = "EWS refused the access token for GetFolder (HTTP 401): 2000003;reason=\"The audience claim value is invalid 'api://other'.\";error_category=\"invalid_resource\"";

        var sut = ListenerErrorText.Explain(raw, ScopeHint);

        Assert.StartsWith("Exchange refused the access token: it was issued for another resource", sut.Sentence, StringComparison.Ordinal);
        Assert.Equal(ScopeHint, sut.Hint);
        Assert.Equal(raw, sut.Raw);
    }

    [Fact]
    public void Errors_without_server_diagnostics_are_shown_as_written_with_their_hint()
    {
        var sut = ListenerErrorText.Explain("ErrorNonExistentMailbox: No mailbox with such guid.", "Check the mailbox's SMTP address.");

        Assert.Equal(("ErrorNonExistentMailbox: No mailbox with such guid.", "Check the mailbox's SMTP address.", (string?)null), (sut.Sentence, sut.Hint, sut.Raw));
    }
}

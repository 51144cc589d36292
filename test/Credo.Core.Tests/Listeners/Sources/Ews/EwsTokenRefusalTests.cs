using Credo.Core.Listeners.Sources.Ews.Internal;
using Credo.Ews;

namespace Credo.Core.Tests.Listeners.Sources.Ews;

/// <summary>Exchange's reason for refusing a token becomes the listener's error in plain words, with a hint that follows the reason.</summary>
public sealed class EwsTokenRefusalTests
{
    [Fact]
    public void An_expired_token_is_explained_as_expired_not_as_a_scope_problem()
    {
        var error = Refused("2000003;reason=\"The token has expired.\";error_category=\"invalid_token\"");

        var (message, hint) = EwsTokenRefusal.Explain(error)!.Value;

        Assert.Equal("Exchange refused the access token because it had expired.", message);
        Assert.Contains("clock", hint, StringComparison.Ordinal);
        Assert.DoesNotContain("scope", hint, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_token_for_another_resource_keeps_the_scope_hint()
    {
        var error = Refused("2000003;reason=\"The audience claim value is invalid 'api://other'.\";error_category=\"invalid_resource\"");

        var (message, hint) = EwsTokenRefusal.Explain(error)!.Value;

        Assert.Equal("Exchange refused the access token: it was issued for another resource (The audience claim value is invalid 'api://other').", message);
        Assert.Equal(error.Hint, hint);
    }

    [Fact]
    public void A_missing_role_points_at_the_permission()
    {
        var (message, hint) = EwsTokenRefusal.Explain(Refused("2000008;reason=\"The token contains no permissions, or permissions can not be understood.\""))!.Value;

        Assert.StartsWith("Exchange refused the access token: the application lacks the permission", message, StringComparison.Ordinal);
        Assert.Contains("full_access_as_app", hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_that_Exchange_did_not_explain_are_left_as_they_are()
    {
        Assert.Null(EwsTokenRefusal.Explain(new EwsError(EwsErrorKind.Unauthorized, "EWS refused the access token for GetFolder (HTTP 401).")));
        Assert.Null(EwsTokenRefusal.Explain(new EwsError(EwsErrorKind.MailboxNotFound, "No mailbox with such guid.") { Diagnostics = "2000003;reason=\"x\"" }));
    }

    private static EwsError Refused(string diagnostics) =>
        new(EwsErrorKind.Unauthorized, $"EWS refused the access token for SyncFolderItems (HTTP 401): {diagnostics}") { HttpStatus = 401, Diagnostics = diagnostics };
}

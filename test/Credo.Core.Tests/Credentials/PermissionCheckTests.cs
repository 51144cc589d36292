using System.Text;
using Credo.Core.Credentials;
using Credo.OAuth;

namespace Credo.Core.Tests.Credentials;

public sealed class PermissionCheckTests
{
    private static readonly ScopeSet Graph = ScopeSet.Parse("https://graph.microsoft.com/.default");
    private static readonly ScopeSet Exchange = ScopeSet.Parse("https://outlook.office365.com/.default");

    [Fact]
    public void A_Graph_token_with_Mail_ReadWrite_needs_no_warning() =>
        Assert.Empty(PermissionCheck.Warnings(Graph, Claims("https://graph.microsoft.com", "Mail.ReadWrite")));

    [Fact]
    public void A_Graph_token_without_mail_roles_is_warned_of_access_denied()
    {
        var warning = Assert.Single(PermissionCheck.Warnings(Graph, Claims("https://graph.microsoft.com", "User.Read.All")));
        Assert.Contains("no Mail.ReadWrite", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Graph_token_with_Mail_Read_only_is_warned_that_listeners_can_only_leave_mail_unchanged()
    {
        var warning = Assert.Single(PermissionCheck.Warnings(Graph, Claims("https://graph.microsoft.com", "Mail.Read")));
        Assert.Contains("only leave mail unchanged", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_1_token_names_Graph_by_its_application_id() =>
        Assert.Single(PermissionCheck.Warnings(ScopeSet.Parse("custom"), Claims("00000003-0000-0000-c000-000000000000")));

    [Fact]
    public void Tokens_for_other_resources_and_opaque_tokens_are_not_judged()
    {
        Assert.Empty(PermissionCheck.Warnings(Exchange, Claims("https://outlook.office365.com")));
        Assert.Empty(PermissionCheck.Warnings(Graph, null));
    }

    private static JwtClaims Claims(string audience, params string[] roles)
    {
        var payload = $$"""{"aud":"{{audience}}","roles":[{{string.Join(",", roles.Select(r => $"\"{r}\""))}}]}""";
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return JwtClaims.TryRead($"{Part("""{"alg":"none"}""")}.{Part(payload)}.c2ln")!;
    }
}

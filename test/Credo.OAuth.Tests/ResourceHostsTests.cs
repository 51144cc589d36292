namespace Credo.OAuth.Tests;

public sealed class ResourceHostsTests
{
    [Theory]
    [InlineData("https://graph.microsoft.com/.default", "graph.microsoft.com")]
    [InlineData("https://outlook.office365.com/.default", "outlook.office365.com")]
    [InlineData("https://microsoftgraph.chinacloudapi.cn/.default", "microsoftgraph.chinacloudapi.cn")]
    [InlineData("https://Mail.Contoso.com/EWS/.default offline_access", "mail.contoso.com")]
    [InlineData("https://graph.microsoft.com/Mail.Read https://graph.microsoft.com/User.Read", "graph.microsoft.com")]
    [InlineData("Mail.Read openid", "")]
    public void Hosts_are_derived_from_the_scopes_that_name_one(string scopes, string hosts)
    {
        var sut = ResourceHosts.Of(null, ScopeSet.Parse(scopes));

        Assert.True(sut.Derived);
        Assert.Equal(hosts, sut.Value);
    }

    [Fact]
    public void A_list_replaces_what_the_scopes_name()
    {
        var sut = ResourceHosts.Of("mail.contoso.com\n*.contoso.net, 127.0.0.1:8443 [::1]", ScopeSet.Parse("https://outlook.office365.com/.default"));

        Assert.False(sut.Derived);
        Assert.Equal("mail.contoso.com *.contoso.net 127.0.0.1:8443 [::1]", sut.Value);
        Assert.False(sut.Allows("outlook.office365.com", 443));
    }

    [Theory]
    [InlineData("mail.contoso.com", "MAIL.contoso.com.", 443, true)]
    [InlineData("mail.contoso.com", "mail.contoso.com", 993, true)]
    [InlineData("mail.contoso.com", "evil.com", 443, false)]
    [InlineData("mail.contoso.com", "mail.contoso.com.evil.com", 443, false)]
    [InlineData("mail.contoso.com:8443", "mail.contoso.com", 8443, true)]
    [InlineData("mail.contoso.com:8443", "mail.contoso.com", 443, false)]
    [InlineData("*.contoso.com", "mail.contoso.com", 443, true)]
    [InlineData("*.contoso.com", "a.b.contoso.com", 443, true)]
    [InlineData("*.contoso.com", "contoso.com", 443, false)]
    [InlineData("*.contoso.com", "evilcontoso.com", 443, false)]
    [InlineData("127.0.0.1", "127.0.0.1", 5090, true)]
    [InlineData("127.0.0.1", "127.0.0.2", 5090, false)]
    [InlineData("[::1]", "[::1]", 443, true)]
    [InlineData("[::1]:8443", "::1", 8443, true)]
    public void A_destination_is_allowed_only_when_a_listed_host_matches_it(string listed, string host, int port, bool allowed) =>
        Assert.Equal(allowed, ResourceHosts.Parse(listed).Allows(host, port));

    [Theory]
    [InlineData("https://mail.contoso.com")]
    [InlineData("*.com")]
    [InlineData("*")]
    [InlineData("mail.contoso.com:0")]
    [InlineData("mail.contoso.com:70000")]
    [InlineData("mail contoso.com:x")]
    [InlineData("[not-an-ip]")]
    [InlineData("user@mail.contoso.com")]
    public void What_is_not_a_host_is_refused_with_a_reason(string listed)
    {
        Assert.False(ResourceHosts.TryParse(listed, out _, out var error));
        Assert.Contains("is not a host", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_handler_attaches_no_token_for_a_destination_outside_the_hosts()
    {
        var refused = ResourceHostRule.Refuse(ResourceHosts.Parse("outlook.office365.com"), new Uri("https://attacker.example:8443/EWS/Exchange.asmx"));

        Assert.NotNull(refused);
        Assert.Equal(TokenFailureKind.Blocked, refused.Kind);
        Assert.Contains("attacker.example:8443", refused.Message, StringComparison.Ordinal);
        Assert.Contains("outlook.office365.com", refused.Message, StringComparison.Ordinal);
        Assert.Null(ResourceHostRule.Refuse(ResourceHosts.Parse("outlook.office365.com"), new Uri("https://outlook.office365.com/EWS/Exchange.asmx")));
    }
}

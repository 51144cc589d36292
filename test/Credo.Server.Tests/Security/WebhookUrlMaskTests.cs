using Credo.Server.Security;

namespace Credo.Server.Tests.Security;

public sealed class WebhookUrlMaskTests
{
    [Theory]
    [InlineData("https://hooks.example.com/in?token=abc", "https://hooks.example.com/in?…")]
    [InlineData("https://hooks.example.com/in#token=abc", "https://hooks.example.com/in?…")]
    [InlineData("https://user:pass@hooks.example.com:8443/in", "https://…@hooks.example.com:8443/in")]
    [InlineData("https://hooks.example.com/in", "https://hooks.example.com/in")]
    [InlineData("not a url token=abc", "…")]
    public void Mask_keeps_scheme_host_and_path_and_hides_what_may_carry_a_token(string url, string expected) =>
        Assert.Equal(expected, WebhookUrlMask.Mask(url));
}

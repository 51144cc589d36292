using Credo.Core.Listeners.Sources;

namespace Credo.Core.Tests.Listeners.Sources;

/// <summary><c>Credo:PublicUrl</c>: what Graph can post to, and the hook addresses built from it (also under a path).</summary>
public sealed class PushOptionsTests
{
    [Theory]
    [InlineData("https://credo.example.com")]
    [InlineData("https://credo.example.com/credo/")]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080")]
    public void An_https_address_or_http_on_loopback_is_accepted(string url) => Assert.Null(PushOptions.Problem(new Uri(url)));

    [Theory]
    [InlineData("http://credo.example.com", "only to https")]
    [InlineData("ftp://credo.example.com", "absolute https address")]
    [InlineData("https://credo.example.com/?a=1", "without query")]
    public void Anything_else_is_refused_with_what_to_give(string url, string words) =>
        Assert.Contains(words, PushOptions.Problem(new Uri(url)), StringComparison.Ordinal);

    [Theory]
    [InlineData("https://credo.example.com", "https://credo.example.com/hooks/graph", "https://credo.example.com/hooks/graph/lifecycle")]
    [InlineData("https://proxy.example.com/credo", "https://proxy.example.com/credo/hooks/graph", "https://proxy.example.com/credo/hooks/graph/lifecycle")]
    [InlineData("https://proxy.example.com/credo/", "https://proxy.example.com/credo/hooks/graph", "https://proxy.example.com/credo/hooks/graph/lifecycle")]
    public void The_hooks_are_under_the_public_address(string url, string notifications, string lifecycle)
    {
        var options = new PushOptions { PublicUrl = new Uri(url) };

        Assert.Equal(new Uri(notifications), options.NotificationUrl);
        Assert.Equal(new Uri(lifecycle), options.LifecycleUrl);
    }

    [Fact]
    public void Without_an_address_there_is_no_push() => Assert.Null(new PushOptions().NotificationUrl);
}

using Credo.Core.Webhooks;

namespace Credo.Core.Tests.Listeners;

public sealed class WebhookAnswerTests
{
    [Fact]
    public void The_snippet_is_plain_text_on_one_line_and_capped()
    {
        var sut = WebhookAnswer.Snippet("<html><body><h1>Server Error</h1>\r\n<p>Database\u202E unavailable</p>" + new string('x', 500) + "</body></html>");

        Assert.NotNull(sut);
        Assert.StartsWith("Server Error Database unavailable xxx", sut, StringComparison.Ordinal);
        Assert.Equal(WebhookAnswer.MaxLength, sut.Length);
        Assert.EndsWith("…", sut, StringComparison.Ordinal);
        Assert.DoesNotContain('<', sut);
    }

    [Fact]
    public void An_empty_answer_has_no_snippet() => Assert.Null(WebhookAnswer.Snippet(" \r\n "));
}

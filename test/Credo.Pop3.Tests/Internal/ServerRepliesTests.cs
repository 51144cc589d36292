using System.Text;
using Credo.Pop3.Internal;

namespace Credo.Pop3.Tests.Internal;

public sealed class ServerRepliesTests
{
    [Fact]
    public void Status_lines_and_challenges_are_kept_while_listening_across_reads()
    {
        var sut = new ServerReplies();
        sut.Listen();

        Server(sut, "+ eyJzdGF0dXMiOiI0MDEifQ==\r\n-ERR [IN-");
        Server(sut, "USE] locked\r\n+OK ");
        Server(sut, "bye\r\n");

        Assert.Equal(["+ eyJzdGF0dXMiOiI0MDEifQ==", "-ERR [IN-USE] locked", "+OK bye"], sut.Stop());
    }

    [Fact]
    public void Nothing_is_read_while_not_listening_and_the_client_side_never()
    {
        var sut = new ServerReplies();

        Server(sut, "+OK message follows\r\n-ERR within a mail\r\n");
        sut.Listen();
        var client = Encoding.ASCII.GetBytes("-ERR not the server\r\n");
        sut.LogClient(client, 0, client.Length);

        Assert.Empty(sut.Stop());
        Server(sut, "-ERR after\r\n");
        Assert.Empty(sut.Stop());
    }

    [Fact]
    public void A_long_line_is_capped_and_few_lines_are_kept()
    {
        var sut = new ServerReplies();
        sut.Listen();

        Server(sut, "-ERR " + new string('x', 5000) + "\r\n" + string.Concat(Enumerable.Repeat("+OK\r\n", 50)));

        var replies = sut.Stop();
        Assert.True(replies[0].Length <= 1024);
        Assert.True(replies.Count <= 8);
    }

    private static void Server(ServerReplies replies, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        replies.LogServer(bytes, 0, bytes.Length);
    }
}

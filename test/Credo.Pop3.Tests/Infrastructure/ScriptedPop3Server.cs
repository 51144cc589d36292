using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Credo.Pop3.Tests.Infrastructure;

/// <summary>
/// A POP3 peer on 127.0.0.1 that answers each command line with a scripted answer, for what no Dovecot does: a server
/// without UIDL, one that asks to wait, one that refuses QUIT. It counts connections and keeps the command names sent.
/// </summary>
internal sealed class ScriptedPop3Server : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, string> _answer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    /// <param name="answer">The answer (one or more CRLF lines) to a command line: <c>CAPA</c>, <c>AUTH XOAUTH2</c>, the SASL response, <c>STAT</c> ...</param>
    public ScriptedPop3Server(Func<string, string> answer)
    {
        _answer = answer;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The first word of every line the client sent (SASL responses as <c>(sasl)</c>), in order.</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>Answers of a server that signs in with XOAUTH2 or OAUTHBEARER and holds <paramref name="messages"/> messages; <paramref name="other"/> answers the rest.</summary>
    public static Func<string, string> SignsIn(int messages, Func<string, string?> other, string capabilities = "SASL XOAUTH2 OAUTHBEARER\r\nUIDL\r\n") => line =>
        other(line) ?? line switch
        {
            "CAPA" => $"+OK\r\n{capabilities}.\r\n",
            "AUTH XOAUTH2" or "AUTH OAUTHBEARER" => "+ \r\n",
            "STAT" => $"+OK {messages} {messages * 100}\r\n",
            "QUIT" => "+OK bye\r\n",
            _ when !line.Contains(' ', StringComparison.Ordinal) && line.Length > 20 => "+OK signed in\r\n",
            _ => "-ERR unknown command\r\n",
        };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await stream.WriteAsync(Encoding.ASCII.GetBytes("+OK scripted POP3 ready\r\n"), _stop.Token);
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var word = line.Split(' ')[0];
                    Commands.Enqueue(word.Length > 20 ? "(sasl)" : word);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(_answer(line)), _stop.Token);
                    if (word == "QUIT")
                    {
                        return;
                    }
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }
}

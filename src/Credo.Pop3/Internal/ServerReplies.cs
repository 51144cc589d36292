using System.Text;
using MailKit;

namespace Credo.Pop3.Internal;

/// <summary>
/// Keeps the status lines (<c>+OK</c>, <c>-ERR</c>) and SASL challenges (<c>+ ...</c>) the server sends while it is asked
/// to listen: MailKit drops the server's text when <c>AUTH</c> fails (and with it <c>[IN-USE]</c> or <c>[SYS/TEMP]</c>),
/// stops at an error challenge, and swallows the answer to <c>QUIT</c>. It reads only what the server sends, never what
/// the client sends (which holds the token), and nothing while it does not listen (so no mail content).
/// </summary>
internal sealed class ServerReplies : IProtocolLogger
{
    private const int MaxLineBytes = 1024;
    private const int MaxReplies = 8;
    private readonly List<byte> _line = new(MaxLineBytes);
    private readonly List<string> _replies = new(MaxReplies);
    private bool _listening;

    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>Forgets what was kept and listens for the answers to the commands about to be sent.</summary>
    public void Listen()
    {
        _line.Clear();
        _replies.Clear();
        _listening = true;
    }

    /// <summary>Stops listening and returns the status lines and challenges heard since <see cref="Listen"/>, first first.</summary>
    public IReadOnlyList<string> Stop()
    {
        _listening = false;
        return [.. _replies];
    }

    public void LogConnect(Uri uri)
    {
    }

    public void LogClient(byte[] buffer, int offset, int count)
    {
    }

    public void LogServer(byte[] buffer, int offset, int count)
    {
        if (!_listening)
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(buffer);
        for (var i = offset; i < offset + count; i++)
        {
            if (buffer[i] == (byte)'\n')
            {
                Complete();
            }
            else if (_line.Count < MaxLineBytes)
            {
                _line.Add(buffer[i]);
            }
        }
    }

    public void Dispose()
    {
    }

    private void Complete()
    {
        var line = Encoding.Latin1.GetString([.. _line]).TrimEnd('\r');
        _line.Clear();

        if (_replies.Count < MaxReplies && (line.StartsWith('+') || line.StartsWith("-ERR", StringComparison.Ordinal)))
        {
            _replies.Add(line);
        }
    }
}

using System.Text;

namespace Credo.Server.Cli;

/// <summary>Reads a secret from standard input without echoing it.</summary>
internal static class SecretInput
{
    /// <summary>
    /// From a pipe or file: everything up to the end, less one trailing line break. From a terminal: one
    /// line typed without echo, after a prompt on standard error.
    /// </summary>
    public static async Task<string> ReadAsync(string prompt, CancellationToken cancellationToken)
    {
        if (Console.IsInputRedirected)
        {
            var text = await Console.In.ReadToEndAsync(cancellationToken);
            return text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2]
                : text.EndsWith('\n') ? text[..^1]
                : text;
        }

        await Console.Error.WriteAsync(prompt);
        var secret = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                await Console.Error.WriteLineAsync();
                return secret.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                secret.Length = Math.Max(0, secret.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                secret.Append(key.KeyChar);
            }
        }
    }
}

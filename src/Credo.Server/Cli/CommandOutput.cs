using System.Text;
using System.Text.Json;
using Credo.Core.Text;
using Credo.Net.Text;
using Credo.OAuth;

namespace Credo.Server.Cli;

/// <summary>
/// How commands print: a result as JSON for <c>--json</c> or as text, problems as a clear line on standard error (or
/// JSON on standard output for <c>--json</c>), and text tables. Text output passes what came from outside (names, subjects, senders, servers' messages) through
/// <see cref="DisplayText.Clean"/>, so nothing in it can steer the terminal; JSON keeps it as it is, escaped.
/// </summary>
internal static class CommandOutput
{
    /// <summary>
    /// Prints a command's result: <paramref name="value"/> as JSON (camelCase, enums by name) when <paramref name="json"/>,
    /// else the text <paramref name="text"/> makes of it.
    /// </summary>
    public static Task WriteAsync<T>(bool json, T value, Func<T, string> text) =>
        json ? WriteJsonAsync(value) : Console.Out.WriteAsync(text(value));

    /// <summary>Prints <paramref name="value"/> as JSON: camelCase, indented, enums by name.</summary>
    public static Task WriteJsonAsync<T>(T value) => Console.Out.WriteLineAsync(JsonSerializer.Serialize(value, CliJson.Output));

    public static async Task<int> BadInputAsync(string command, IEnumerable<string> messages)
    {
        foreach (var message in messages)
        {
            await Console.Error.WriteLineAsync($"credo {command}: {DisplayText.Clean(message)}");
        }

        return ExitCodes.BadInput;
    }

    public static async Task<int> FailureAsync(string command, TokenFailure failure, bool json)
    {
        if (json)
        {
            var output = new ErrorOutput(
                failure.Stage,
                failure.Message,
                failure.Hint,
                failure.StatusCode,
                failure.ContentType,
                failure.Error,
                failure.ErrorDescription,
                failure.ErrorUri);
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(output, CliJson.Relaxed.ErrorOutput));
        }
        else
        {
            await Console.Error.WriteLineAsync($"credo {command}: {DisplayText.Clean(failure.Message)}");
            if (failure.Hint is not null)
            {
                await Console.Error.WriteLineAsync($"hint: {DisplayText.Clean(failure.Hint)}");
            }
        }

        return ExitCodeOf(failure);
    }

    /// <summary>
    /// A text table: each column as wide as its widest cell or heading, two spaces between columns, the last one
    /// unpadded; ends with a newline. Every cell is <see cref="DisplayText.Clean">cleaned</see>.
    /// </summary>
    public static string Table(IReadOnlyList<string> headings, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.Prepend(headings).Select(row => row.Select(DisplayText.Clean).ToList()).ToList();
        var widths = headings.Select((_, column) => all.Max(row => row[column].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            for (var column = 0; column < row.Count; column++)
            {
                text.Append(column == row.Count - 1 ? row[column] : row[column].PadRight(widths[column] + 2));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    public static int ExitCodeOf(TokenFailure failure) => failure.Kind switch
    {
        TokenFailureKind.OAuthError => ExitCodes.RemoteRefused,
        TokenFailureKind.Blocked => ExitCodes.BadInput,
        _ => ExitCodes.Transport,
    };
}

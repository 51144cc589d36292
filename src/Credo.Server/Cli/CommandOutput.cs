using System.Text.Json;
using Credo.OAuth;

namespace Credo.Server.Cli;

/// <summary>How commands report problems: a clear line on standard error, or JSON on standard output for <c>--json</c>.</summary>
internal static class CommandOutput
{
    public static async Task<int> BadInputAsync(string command, IEnumerable<string> messages)
    {
        foreach (var message in messages)
        {
            await Console.Error.WriteLineAsync($"credo {command}: {message}");
        }

        return ExitCodes.BadInput;
    }

    public static async Task<int> FailureAsync(string command, TokenFailure failure, bool json)
    {
        if (json)
        {
            var output = new ErrorOutput(
                StageName(failure.Kind),
                failure.Message,
                failure.Hint,
                failure.StatusCode,
                failure.ContentType,
                failure.Error,
                failure.ErrorDescription,
                failure.ErrorUri);
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(output, CliJson.Default.ErrorOutput));
        }
        else
        {
            await Console.Error.WriteLineAsync($"credo {command}: {failure.Message}");
            if (failure.Hint is not null)
            {
                await Console.Error.WriteLineAsync($"hint: {failure.Hint}");
            }
        }

        return ExitCodeOf(failure);
    }

    /// <summary>The <c>stage</c> of the JSON error: a stable snake_case name.</summary>
    public static string StageName(TokenFailureKind kind) => kind switch
    {
        TokenFailureKind.Blocked => "blocked",
        TokenFailureKind.NameResolution => "name_resolution",
        TokenFailureKind.Connection => "connection",
        TokenFailureKind.Tls => "tls",
        TokenFailureKind.Timeout => "timeout",
        TokenFailureKind.NotOAuthResponse => "not_oauth_response",
        TokenFailureKind.OAuthError => "oauth_error",
        TokenFailureKind.InvalidTokenResponse => "invalid_token_response",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static int ExitCodeOf(TokenFailure failure) => failure.Kind switch
    {
        TokenFailureKind.OAuthError => ExitCodes.RemoteRefused,
        TokenFailureKind.Blocked => ExitCodes.BadInput,
        _ => ExitCodes.Transport,
    };
}

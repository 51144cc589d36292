using Microsoft.AspNetCore.Http;

namespace Credo.OAuth.Tests.Infrastructure;

/// <summary>
/// A scripted token endpoint on loopback that issues <c>token-1</c>, <c>token-2</c>, ... valid for an hour.
/// Requests can be held at a gate, and the first ones can be made to fail.
/// </summary>
public sealed class TokenEndpoint : IAsyncDisposable
{
    private readonly LoopbackServer _server;
    private TaskCompletionSource _gate = Open();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TokenEndpoint(LoopbackServer server) => _server = server;

    public Uri Url => _server.Url("connect/token");

    public int Requests => _server.Requests;

    /// <summary>Answers with this status and headers instead of a token while it returns non-null for the request number.</summary>
    public Func<int, (int Status, string? RetryAfter)?> Failure { get; set; } = _ => null;

    public static async Task<TokenEndpoint> StartAsync()
    {
        TokenEndpoint? endpoint = null;
        var server = await LoopbackServer.StartAsync((context, n) => endpoint!.AnswerAsync(context, n));
        endpoint = new TokenEndpoint(server);
        return endpoint;
    }

    /// <summary>Holds every request until <see cref="Release"/>; <see cref="Arrived"/> completes when one is held.</summary>
    public void Hold()
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Task Arrived => _arrived.Task;

    public void Release() => _gate.TrySetResult();

    public ClientCredentials Credentials(string scope = "api://resource/.default") => OAuthServices.Credentials(Url, scope: scope);

    public ValueTask DisposeAsync()
    {
        Release();
        return _server.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context, int n)
    {
        _arrived.TrySetResult();
        await _gate.Task.WaitAsync(context.RequestAborted);
        context.Response.ContentType = "application/json";
        if (Failure(n) is { } failure)
        {
            context.Response.StatusCode = failure.Status;
            if (failure.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = failure.RetryAfter;
            }

            await context.Response.WriteAsync("""{"error":"temporarily_unavailable"}""");
            return;
        }

        await context.Response.WriteAsync($$"""{"access_token":"token-{{n}}","token_type":"Bearer","expires_in":3600}""");
    }

    private static TaskCompletionSource Open()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}

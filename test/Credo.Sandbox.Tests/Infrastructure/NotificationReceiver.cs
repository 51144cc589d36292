using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Credo.Sandbox.Tests.Infrastructure;

/// <summary>
/// A notification endpoint on loopback, as an app that subscribes has: <c>/hooks/graph</c> for change notifications and
/// <c>/hooks/graph/lifecycle</c> for lifecycle events. It answers validation requests as told and records what it got.
/// </summary>
public sealed class NotificationReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Path, string Token)> _validations = new();
    private readonly ConcurrentQueue<(string Path, string ContentType, JsonElement Body)> _posts = new();
    private LoopbackServer _server = null!;
    private int _failuresLeft;
    private int _refused;

    private NotificationReceiver(ValidationAnswer validation) => Validation = validation;

    public ValidationAnswer Validation { get; }

    public Uri NotificationUrl => _server.Url("hooks/graph");

    public Uri LifecycleUrl => _server.Url("hooks/graph/lifecycle");

    /// <summary>Validation requests received: the path and the token as the query carried it, URL-decoded.</summary>
    public IReadOnlyList<(string Path, string Token)> Validations => [.. _validations];

    /// <summary>Notification posts accepted (answered 202), in order.</summary>
    public IReadOnlyList<(string Path, string ContentType, JsonElement Body)> Posts => [.. _posts];

    /// <summary>Posts answered 500 because of <see cref="FailNext"/>.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Every notification (each element of each <c>value</c>) posted to <paramref name="path"/>.</summary>
    public IReadOnlyList<JsonElement> Notifications(string path = "/hooks/graph") =>
        [.. Posts.Where(p => p.Path == path).SelectMany(p => p.Body.GetProperty("value").EnumerateArray())];

    public static async Task<NotificationReceiver> StartAsync(ValidationAnswer validation = ValidationAnswer.Token)
    {
        var receiver = new NotificationReceiver(validation);
        receiver._server = await LoopbackServer.StartAsync((context, _) => receiver.AnswerAsync(context));
        return receiver;
    }

    /// <summary>Answers the next <paramref name="count"/> notification posts with 500.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    /// <summary>Waits (at most 10 s) until <paramref name="count"/> notifications matching <paramref name="match"/> arrived at <paramref name="path"/>.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForAsync(int count = 1, Func<JsonElement, bool>? match = null, string path = "/hooks/graph")
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var found = Notifications(path).Where(n => match?.Invoke(n) ?? true).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            try
            {
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"{found.Count} of {count} notification(s) arrived at {path} within 10 s; posts seen: {Posts.Count}.");
            }
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (context.Request.Query.TryGetValue("validationToken", out var token))
        {
            _validations.Enqueue((path, token.ToString()));
            await AnswerValidationAsync(context, token.ToString());
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = 500;
            return;
        }

        _posts.Enqueue((path, context.Request.ContentType ?? "", body.RootElement.Clone()));
        context.Response.StatusCode = 202;
    }

    private async Task AnswerValidationAsync(HttpContext context, string token)
    {
        switch (Validation)
        {
            case ValidationAnswer.Silence:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            case ValidationAnswer.ServerError:
                context.Response.StatusCode = 500;
                return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = Validation == ValidationAnswer.WrongContentType ? "application/json" : "text/plain; charset=utf-8";
        await context.Response.WriteAsync(Validation == ValidationAnswer.WrongToken ? "not-the-token" : token);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

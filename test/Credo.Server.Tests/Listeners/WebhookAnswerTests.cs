using Credo.Core.Webhooks;
using Credo.Tests;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Credo.Server.Tests.Listeners;

/// <summary>What the dispatcher does with the receiver's answer: the status decides, the body is never taken in.</summary>
public sealed class WebhookAnswerTests(ListenerServerFixture server) : IClassFixture<ListenerServerFixture>
{
    private const long BodyBytes = 64L * 1024 * 1024;

    // The receiver sends its answer slowly (64 KiB every 20 ms, at least 20 s in all), so a dispatcher that read it
    // could not mark the delivery before the body ended; one that judges the status alone marks it long before.
    private static readonly TimeSpan ChunkPause = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task A_huge_answer_body_is_not_read_and_the_delivery_is_marked_delivered()
    {
        var written = 0L;
        var bodyEnded = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await LoopbackServer.StartAsync(async (context, _) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = BodyBytes;
            var chunk = new byte[64 * 1024];
            try
            {
                while (Interlocked.Read(ref written) < BodyBytes)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                    Interlocked.Add(ref written, chunk.Length);
                    await Task.Delay(ChunkPause, context.RequestAborted);
                }

                bodyEnded.TrySetResult(true);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                bodyEnded.TrySetResult(false);
            }
        });
        var address = $"h{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address), mailbox.WellKnown("inbox").Id);

        var listener = await server.ListenerAsync(address, l =>
        {
            l.WebhookUrl = receiver.Url("hooks/huge").ToString();
            l.WebhookSecret = WebhookSignature.NewSecret();
        });

        await ListenerServerFixture.EventuallyAsync(
            () => server.QueryAsync(db => db.WebhookDeliveries.AnyAsync(d => d.ListenerId == listener.Id && d.Status == DeliveryStatus.Delivered)),
            "the delivery is marked delivered");

        Assert.False(bodyEnded.Task.IsCompletedSuccessfully && await bodyEnded.Task,
            $"The receiver had sent all {BodyBytes} bytes of its answer before the delivery was marked: the dispatcher read the body.");
        Assert.True(Interlocked.Read(ref written) < BodyBytes, $"The receiver sent {Interlocked.Read(ref written)} bytes before the delivery was marked.");
    }
}

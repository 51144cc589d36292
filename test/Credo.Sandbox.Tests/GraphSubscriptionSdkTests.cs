using Credo.Sandbox.Graph.Subscriptions;
using Credo.Sandbox.Tests.Infrastructure;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Credo.Sandbox.Tests;

/// <summary>The official Microsoft Graph SDK (6.10), used as its documentation shows, on the sandbox's subscriptions.</summary>
public sealed class GraphSubscriptionSdkTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    private const string ImmutableIds = "IdType=\"ImmutableId\"";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sdk_creates_reads_renews_reauthorizes_and_deletes_a_subscription_and_is_notified_between()
    {
        await using var receiver = await NotificationReceiver.StartAsync();
        var mailbox = sandbox.NewMailbox();
        var sut = sandbox.Sdk();
        var now = TimeProvider.System.GetUtcNow();
        var clientState = Convert.ToHexString(Guid.NewGuid().ToByteArray());

        var created = await sut.Subscriptions.PostAsync(new Subscription
        {
            ChangeType = "created",
            NotificationUrl = receiver.NotificationUrl.ToString(),
            LifecycleNotificationUrl = receiver.LifecycleUrl.ToString(),
            Resource = $"users/{mailbox.Address}/mailFolders('inbox')/messages",
            ExpirationDateTime = now.AddMinutes(4200),
            ClientState = clientState,
        }, r => r.Headers.Add("Prefer", ImmutableIds), Ct);
        var id = created!.Id!;

        Assert.Equal("created", created.ChangeType);
        Assert.Equal(clientState, created.ClientState);
        Assert.Equal(now.AddMinutes(4200), created.ExpirationDateTime);
        Assert.Equal(2, receiver.Validations.Count);

        var read = await sut.Subscriptions[id].GetAsync(cancellationToken: Ct);
        var list = await sut.Subscriptions.GetAsync(cancellationToken: Ct);
        Assert.Equal(receiver.NotificationUrl.ToString(), read!.NotificationUrl);
        Assert.Contains(list!.Value!, s => s.Id == id);

        mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address, subject: "Pushed"), mailbox.WellKnown("inbox").Id);
        var notification = Assert.Single(await receiver.WaitForAsync());
        var delta = await sut.Users[mailbox.Address].MailFolders["inbox"].Messages.Delta.GetAsDeltaGetResponseAsync(r => r.Headers.Add("Prefer", ImmutableIds), Ct);
        Assert.Equal(Assert.Single(delta!.Value!).Id, notification.GetProperty("resourceData").GetProperty("id").GetString());

        var renewed = await sut.Subscriptions[id].PatchAsync(new Subscription { ExpirationDateTime = now.AddMinutes(10_000) }, cancellationToken: Ct);
        Assert.Equal(now.AddMinutes(10_000), renewed!.ExpirationDateTime);

        Assert.True(sandbox.Server.Subscriptions.SendLifecycleEvent(id, SandboxLifecycleEvent.ReauthorizationRequired));
        await sut.Subscriptions[id].Reauthorize.PostAsync(cancellationToken: Ct);
        Assert.False(sandbox.Server.Subscriptions.Find(id)!.ReauthorizationRequired);

        await sut.Subscriptions[id].DeleteAsync(cancellationToken: Ct);
        var gone = await Assert.ThrowsAsync<ODataError>(() => sut.Subscriptions[id].GetAsync(cancellationToken: Ct));
        Assert.Equal(404, gone.ResponseStatusCode);
        Assert.Equal("ResourceNotFound", gone.Error!.Code);
    }

    [Fact]
    public async Task Sdk_sees_a_failed_validation_as_an_ODataError_with_Graphs_code()
    {
        await using var receiver = await NotificationReceiver.StartAsync(ValidationAnswer.ServerError);
        var mailbox = sandbox.NewMailbox();
        var sut = sandbox.Sdk();

        var refused = await Assert.ThrowsAsync<ODataError>(() => sut.Subscriptions.PostAsync(new Subscription
        {
            ChangeType = "created",
            NotificationUrl = receiver.NotificationUrl.ToString(),
            Resource = $"users/{mailbox.Address}/mailFolders/inbox/messages",
            ExpirationDateTime = TimeProvider.System.GetUtcNow().AddHours(1),
        }, cancellationToken: Ct));

        Assert.Equal(400, refused.ResponseStatusCode);
        Assert.Equal("ValidationError", refused.Error!.Code);
        Assert.Contains("500", refused.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(sandbox.Server.Subscriptions.All, s => s.Mailbox == mailbox.Address);
    }
}

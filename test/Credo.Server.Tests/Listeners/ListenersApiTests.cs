using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Credo.Core.Users;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;

namespace Credo.Server.Tests.Listeners;

/// <summary>Listeners, messages and deliveries over <c>/api/v1</c>, and the logs of a whole run.</summary>
public sealed class ListenersApiTests(ListenerServerFixture server) : IClassFixture<ListenerServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> Read(HttpResponseMessage response, List<string> bodies)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        bodies.Add(text);
        return text;
    }

    [Fact]
    public async Task Listener_set_up_over_the_API_records_mail_and_no_log_line_holds_a_secret_or_token()
    {
        var address = $"api{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        for (var i = 0; i < 5; i++)
        {
            mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address, attachmentBytes: 100), mailbox.WellKnown("inbox").Id);
        }

        await using var receiver = await WebhookReceiver.StartAsync("api-webhook-secret-42");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.CreateApiKeyAsync(UserRole.Administrator));
        var credentialId = await server.CredentialAsync();
        var bodies = new List<string>();

        using var created = await http.PostAsJsonAsync("/api/v1/listeners", new
        {
            name = "API listener " + Guid.NewGuid().ToString("N")[..6],
            ews = new { url = server.Sandbox.EwsEndpoint },
            mailbox = address,
            credentialId,
            pollIntervalSeconds = 5,
            afterProcessing = "MarkRead",
            webhookUrl = receiver.Url,
            webhookSecret = receiver.Secret,
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var listener = JsonDocument.Parse(await Read(created, bodies)).RootElement;
        var id = listener.GetProperty("id").GetString();

        await ListenerServerFixture.EventuallyAsync(() => Task.FromResult(receiver.Deliveries.Count == 5), "5 webhooks arrive");
        using var messages = await http.GetAsync($"/api/v1/listeners/{id}/messages", Ct);
        using var deliveries = await http.GetAsync($"/api/v1/listeners/{id}/deliveries", Ct);
        using var list = await http.GetAsync("/api/v1/listeners", Ct);
        var messageList = JsonDocument.Parse(await Read(messages, bodies)).RootElement;
        Assert.Equal(5, messageList.GetArrayLength());
        Assert.Equal(5, JsonDocument.Parse(await Read(deliveries, bodies)).RootElement.GetArrayLength());
        await Read(list, bodies);
        using var eml = await http.GetAsync($"/api/v1/messages/{messageList[0].GetProperty("id").GetString()}/eml", Ct);
        Assert.Equal("message/rfc822", eml.Content.Headers.ContentType?.MediaType);

        using var invalid = await http.PostAsJsonAsync("/api/v1/listeners", new { name = "", mailbox = "nope", pollIntervalSeconds = 1 }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = JsonDocument.Parse(await Read(invalid, bodies)).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("mailbox", out _) && errors.TryGetProperty("pollIntervalSeconds", out _) && errors.TryGetProperty("credentialId", out _));

        Assert.All(bodies, b => Assert.DoesNotContain(receiver.Secret, b, StringComparison.Ordinal));
        server.AssertLogsHoldNone(receiver.Secret, SandboxClient.Default().ClientSecret, "eyJ");
    }
}

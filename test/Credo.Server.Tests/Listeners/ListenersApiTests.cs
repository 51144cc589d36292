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

        await using var receiver = await WebhookReceiver.StartAsync();
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
        var deliveryList = JsonDocument.Parse(await Read(deliveries, bodies)).RootElement;
        Assert.Equal(5, deliveryList.GetArrayLength());
        await Read(list, bodies);

        // One delivery: its attempts and the body it is sent with; the state filter; nothing failed to resend.
        using var detail = await http.GetAsync($"/api/v1/deliveries/{deliveryList[0].GetProperty("id").GetString()}", Ct);
        var delivery = JsonDocument.Parse(await Read(detail, bodies)).RootElement;
        Assert.Equal(200, delivery.GetProperty("attempts")[0].GetProperty("statusCode").GetInt32());
        Assert.Equal("application/json", delivery.GetProperty("contentType").GetString());
        Assert.Equal(delivery.GetProperty("webhookId").GetString(), JsonDocument.Parse(delivery.GetProperty("body").GetString()!).RootElement.GetProperty("deliveryId").GetString());
        using var failed = await http.GetAsync($"/api/v1/listeners/{id}/deliveries?state=Failed", Ct);
        Assert.Equal(0, JsonDocument.Parse(await Read(failed, bodies)).RootElement.GetArrayLength());
        using var badState = await http.GetAsync($"/api/v1/listeners/{id}/deliveries?state=7", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Contains("Send one of Pending, Delivered, Stopped, Failed", await Read(badState, bodies), StringComparison.Ordinal);
        using var resend = await http.PostAsync($"/api/v1/listeners/{id}/deliveries/resend-failed", content: null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        Assert.Equal(0, JsonDocument.Parse(await Read(resend, bodies)).RootElement.GetProperty("queued").GetInt32());
        // A page at a time: the Link header names the next page, and an offset is refused rather than ignored.
        using var firstPage = await http.GetAsync($"/api/v1/listeners/{id}/messages?take=3", Ct);
        var next = firstPage.Headers.GetValues("Link").Single();
        Assert.Matches($"^</api/v1/listeners/{id}/messages\\?take=3&before=[0-9a-f-]{{36}}>; rel=\"next\"$", next);
        using var secondPage = await http.GetAsync(next[1..next.IndexOf('>', StringComparison.Ordinal)], Ct);
        Assert.False(secondPage.Headers.Contains("Link"));
        var paged = JsonDocument.Parse(await Read(firstPage, bodies)).RootElement.EnumerateArray()
            .Concat(JsonDocument.Parse(await Read(secondPage, bodies)).RootElement.EnumerateArray()).Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(messageList.EnumerateArray().Select(m => m.GetProperty("id").GetString()), paged);
        using var offset = await http.GetAsync($"/api/v1/listeners/{id}/messages?offset=3", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, offset.StatusCode);
        Assert.Contains("before=", await Read(offset, bodies), StringComparison.Ordinal);

        using var eml = await http.GetAsync($"/api/v1/messages/{messageList[0].GetProperty("id").GetString()}/eml", Ct);
        Assert.Equal("message/rfc822", eml.Content.Headers.ContentType?.MediaType);

        using var invalid = await http.PostAsJsonAsync("/api/v1/listeners", new { name = "", mailbox = "nope", pollIntervalSeconds = 1 }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = JsonDocument.Parse(await Read(invalid, bodies)).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("mailbox", out _) && errors.TryGetProperty("pollIntervalSeconds", out _) && errors.TryGetProperty("credentialId", out _));

        Assert.All(bodies, b => Assert.DoesNotContain(receiver.Secret, b, StringComparison.Ordinal));
        server.AssertLogsHoldNone(receiver.Secret, SandboxClient.Default().ClientSecret, "eyJ");
    }

    [Fact]
    public async Task Protocol_settings_round_trip_and_a_stale_version_is_a_conflict()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.CreateApiKeyAsync(UserRole.Administrator));

        // One credential for both resources, so that the listener may move from IMAP to Graph.
        var credentialId = await server.CredentialAsync($"{SandboxClient.ExchangeOnlineScope} {SandboxClient.GraphScope}");
        var name = "IMAP " + Guid.NewGuid().ToString("N")[..6];

        using var created = await http.PostAsJsonAsync("/api/v1/listeners", new
        {
            name, protocol = "IMAP", imap = new { host = "imap.example.test", port = 993, security = "Tls", sasl = "OAuthBearer" },
            mailbox = "reader@contoso.com", credentialId, pollIntervalSeconds = 5,
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var listener = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement;
        var id = listener.GetProperty("id").GetString();
        Assert.Equal(("IMAP", "imap.example.test", "OAuthBearer", 1L), (listener.GetProperty("protocol").GetString(),
            listener.GetProperty("imap").GetProperty("host").GetString(), listener.GetProperty("imap").GetProperty("sasl").GetString(), listener.GetProperty("version").GetInt64()));

        // The engine polls it and says clearly that the host cannot be reached: a status, not a crash.
        await ListenerServerFixture.EventuallyAsync(async () =>
        {
            using var read = await http.GetAsync($"/api/v1/listeners/{id}", Ct);
            var status = JsonDocument.Parse(await read.Content.ReadAsStringAsync(Ct)).RootElement;
            return status.GetProperty("status").GetString() == "Error" &&
                   status.GetProperty("lastError").GetString()!.Contains("imap.example.test does not resolve", StringComparison.Ordinal);
        }, "the IMAP listener reports that its host cannot be resolved");

        var change = new
        {
            name, protocol = "Graph", graph = new { url = "https://graph.example.test/v1.0" }, mailbox = "reader@contoso.com", credentialId, pollIntervalSeconds = 5, version = 1,
        };
        using var updated = await http.PutAsJsonAsync($"/api/v1/listeners/{id}", change, Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = JsonDocument.Parse(await updated.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(("Graph", "https://graph.example.test/v1.0", 2L), (after.GetProperty("protocol").GetString(), after.GetProperty("graph").GetProperty("url").GetString(), after.GetProperty("version").GetInt64()));

        using var stale = await http.PutAsJsonAsync($"/api/v1/listeners/{id}", change, Ct);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        using var unversioned = await http.PutAsJsonAsync($"/api/v1/listeners/{id}", new { name, mailbox = "reader@contoso.com", credentialId }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unversioned.StatusCode);
        Assert.True(JsonDocument.Parse(await unversioned.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors").TryGetProperty("version", out _));

        using var invalid = await http.PostAsJsonAsync("/api/v1/listeners", new { name = name + "x", protocol = "IMAP", mailbox = "reader@contoso.com", credentialId }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.True(JsonDocument.Parse(await invalid.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors").TryGetProperty("imap.host", out _));
    }
}

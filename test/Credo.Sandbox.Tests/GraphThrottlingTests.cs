using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Credo.Sandbox.Ews;
using Credo.Sandbox.Tests.Infrastructure;

namespace Credo.Sandbox.Tests;

/// <summary>Exchange Online's limits and the sandbox's injected throttling, as a Graph client meets them.</summary>
public sealed class GraphThrottlingTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_fifth_request_in_flight_for_a_mailbox_gets_429_ApplicationThrottled_MailboxConcurrency()
    {
        var mailbox = sandbox.NewMailbox();
        var other = sandbox.NewMailbox();
        var token = await sandbox.TokenAsync();
        // Four slow answers hold all four places until the test lets them go.
        mailbox.InjectFault(new SandboxFault(SandboxFaultKind.Delay, Count: 4, DelayMilliseconds: 600_000));
        using var release = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var slow = Enumerable.Range(0, 4).Select(_ => SendIgnoringCancellationAsync($"users/{mailbox.Address}/mailFolders/inbox", token, release.Token)).ToList();
        while (mailbox.GraphRequestsInFlight < 4)
        {
            await Task.Delay(10, Ct);
        }

        using var fifth = await SendAsync($"users/{mailbox.Address}/mailFolders/inbox", token);
        using var otherMailbox = await SendAsync($"users/{other.Address}/mailFolders/inbox", token);
        await release.CancelAsync();
        await Task.WhenAll(slow);
        while (mailbox.GraphRequestsInFlight > 0)
        {
            await Task.Delay(10, Ct);
        }

        using var afterwards = await SendAsync($"users/{mailbox.Address}/mailFolders/inbox", token);

        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        var error = (await GraphJson.ReadAsync(fifth)).GetProperty("error");
        Assert.Equal("ApplicationThrottled", error.GetProperty("code").GetString());
        Assert.Equal("Application is over its MailboxConcurrency limit.", error.GetProperty("message").GetString());
        Assert.NotNull(fifth.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, otherMailbox.StatusCode);
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }

    [Fact]
    public async Task A_steady_rate_set_through_the_control_API_throttles_one_Graph_request_in_N_with_Retry_After()
    {
        var mailbox = sandbox.NewMailbox();
        var token = await sandbox.TokenAsync();
        using var set = await sandbox.Http.PutAsJsonAsync(
            new Uri(sandbox.Server.BaseAddress, $"sandbox/mailboxes/{mailbox.Address}/fault-rate"), new { kind = "TooManyRequests", oneIn = 3, retryAfterSeconds = 2 }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 9; i++)
        {
            using var response = await SendAsync($"users/{mailbox.Address}/mailFolders/inbox", token);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter!.Delta);
                Assert.Equal("TooManyRequests", GraphJson.ErrorCode(await GraphJson.ReadAsync(response)));
            }
        }

        HttpStatusCode[] expected = [.. Enumerable.Range(1, 9).Select(n => n % 3 == 0 ? HttpStatusCode.TooManyRequests : HttpStatusCode.OK)];
        Assert.Equal(expected, statuses);
        var counts = mailbox.Requests;
        Assert.Equal(9, counts.ByProtocol[SandboxRequestCounts.Graph]);
        Assert.Equal(9, counts.ByOperation["graph:getFolder"]);
        Assert.Equal(3, counts.Faulted);
    }

    [Fact]
    public async Task The_throttle_one_in_N_rate_answers_Graph_with_429_and_Retry_After_one_second()
    {
        var mailbox = sandbox.NewMailbox();
        mailbox.SetFaultRate(SandboxFaultRate.ServerBusy(2));
        var token = await sandbox.TokenAsync();

        using var first = await SendAsync($"users/{mailbox.Address}/mailFolders", token);
        using var second = await SendAsync($"users/{mailbox.Address}/mailFolders", token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), second.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task One_shot_faults_answer_Graph_as_Graph_does()
    {
        var mailbox = sandbox.NewMailbox();
        var token = await sandbox.TokenAsync();
        mailbox.InjectFault(new SandboxFault(SandboxFaultKind.Unauthorized));
        mailbox.InjectFault(new SandboxFault(SandboxFaultKind.InternalServerError));
        mailbox.InjectFault(new SandboxFault(SandboxFaultKind.ServiceUnavailable, RetryAfterSeconds: 3));

        using var unauthorized = await SendAsync($"users/{mailbox.Address}/mailFolders/inbox", token);
        using var failed = await SendAsync($"users/{mailbox.Address}/mailFolders/inbox", token);
        using var unavailable = await SendAsync($"users/{mailbox.Address}/mailFolders/inbox", token);
        using var fine = await SendAsync($"users/{mailbox.Address}/mailFolders/inbox", token);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("InvalidAuthenticationToken", GraphJson.ErrorCode(await GraphJson.ReadAsync(unauthorized)));
        Assert.NotEmpty(unauthorized.Headers.WwwAuthenticate);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), unavailable.Headers.RetryAfter!.Delta);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task A_batch_of_more_than_twenty_requests_is_refused_with_400()
    {
        var mailbox = sandbox.NewMailbox();
        var requests = Enumerable.Range(1, 21).Select(i => new { id = i.ToString(System.Globalization.CultureInfo.InvariantCulture), method = "GET", url = $"/users/{mailbox.Address}/mailFolders/inbox" });

        using var response = await PostBatchAsync(new { requests }, await sandbox.TokenAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadRequest", GraphJson.ErrorCode(await GraphJson.ReadAsync(response)));
        Assert.Equal(0, mailbox.Requests.Total);
    }

    [Fact]
    public async Task A_batch_honours_dependsOn_and_answers_424_when_the_dependency_failed()
    {
        var mailbox = sandbox.NewMailbox();
        var item = mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address), mailbox.WellKnown("inbox").Id);
        var id = item.Id.Replace('/', '-').Replace('+', '_');
        var requests = new object[]
        {
            new { id = "read", method = "PATCH", url = $"/users/{mailbox.Address}/messages/{id}", headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" }, body = new { isRead = true } },
            new { id = "missing", method = "GET", url = $"/users/{mailbox.Address}/messages/AAMkNothing", dependsOn = new[] { "read" } },
            new { id = "after", method = "GET", url = $"/users/{mailbox.Address}/messages/{id}/$value", dependsOn = new[] { "missing" } },
        };

        using var response = await PostBatchAsync(new { requests }, await sandbox.TokenAsync());
        var answers = (await GraphJson.ReadAsync(response)).GetProperty("responses").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);

        Assert.Equal(200, answers["read"].GetProperty("status").GetInt32());
        Assert.True(answers["read"].GetProperty("body").GetProperty("isRead").GetBoolean());
        Assert.Equal(404, answers["missing"].GetProperty("status").GetInt32());
        Assert.Equal("ErrorItemNotFound", answers["missing"].GetProperty("body").GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(424, answers["after"].GetProperty("status").GetInt32());
        Assert.True(item.IsRead);
    }

    private async Task<HttpResponseMessage> PostBatchAsync(object batch, string token)
    {
        using var request = sandbox.Request(HttpMethod.Post, "$batch", token);
        request.Content = new StringContent(JsonSerializer.Serialize(batch), Encoding.UTF8, "application/json");
        return await sandbox.Http.SendAsync(request, Ct);
    }

    private Task<HttpResponseMessage> SendAsync(string path, string token) => SendUntilAsync(path, token, Ct);

    private async Task<HttpResponseMessage> SendUntilAsync(string path, string token, CancellationToken cancellationToken)
    {
        using var request = sandbox.Request(HttpMethod.Get, path, token);
        return await sandbox.Http.SendAsync(request, cancellationToken);
    }

    private async Task SendIgnoringCancellationAsync(string path, string token, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendUntilAsync(path, token, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Credo.Sandbox.Ews;
using Credo.Sandbox.Tests.Infrastructure;

namespace Credo.Sandbox.Tests;

/// <summary>Delta over plain HTTP: page sizes, <c>$select</c>, and the tokens a client must not be able to forge.</summary>
public sealed class GraphDeltaTests(GraphSandboxFixture sandbox) : IClassFixture<GraphSandboxFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Delta_pages_ten_by_default_and_honours_maxpagesize_with_Preference_Applied()
    {
        var mailbox = Seeded(12);
        var token = await sandbox.TokenAsync();

        var (first, firstBody) = await GetAsync($"users/{mailbox.Address}/mailFolders/inbox/messages/delta?changeType=created", token);
        var (sized, sizedBody) = await GetAsync($"users/{mailbox.Address}/mailFolders/inbox/messages/delta?changeType=created", token, "odata.maxpagesize=5");

        Assert.Equal(10, firstBody.GetProperty("value").GetArrayLength());
        Assert.False(first.Headers.Contains("Preference-Applied"));
        Assert.Equal(5, sizedBody.GetProperty("value").GetArrayLength());
        Assert.Equal("odata.maxpagesize=5", Assert.Single(sized.Headers.GetValues("Preference-Applied")));
        var next = sizedBody.GetProperty("@odata.nextLink").GetString()!;
        Assert.StartsWith(sandbox.Server.GraphEndpoint + "/users/", next, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("$skiptoken=", Uri.UnescapeDataString(next), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Select_returns_only_the_selected_properties_and_the_id_on_every_page()
    {
        var mailbox = Seeded(3);
        var token = await sandbox.TokenAsync();

        var (_, first) = await GetAsync($"users/{mailbox.Address}/mailFolders/inbox/messages/delta?changeType=created&$select=subject,isRead", token, "odata.maxpagesize=2");
        var (_, second) = await GetAsync(first.GetProperty("@odata.nextLink").GetString()!, token, "odata.maxpagesize=2");

        foreach (var message in first.GetProperty("value").EnumerateArray().Concat(second.GetProperty("value").EnumerateArray()))
        {
            var names = message.EnumerateObject().Select(p => p.Name).Where(n => !n.StartsWith('@')).Order(StringComparer.Ordinal);
            Assert.Equal(["id", "isRead", "subject"], names);
        }

        Assert.Equal(1, second.GetProperty("value").GetArrayLength());
        Assert.True(second.TryGetProperty("@odata.deltaLink", out _));
    }

    [Fact]
    public async Task Unknown_tampered_or_misused_tokens_answer_410_syncStateNotFound()
    {
        var mailbox = Seeded(3);
        var token = await sandbox.TokenAsync();
        var (_, first) = await GetAsync($"users/{mailbox.Address}/mailFolders/inbox/messages/delta", token, "odata.maxpagesize=2");
        var next = first.GetProperty("@odata.nextLink").GetString()!;
        var skip = Uri.UnescapeDataString(next)[(Uri.UnescapeDataString(next).IndexOf("$skiptoken=", StringComparison.Ordinal) + "$skiptoken=".Length)..];
        var tampered = skip[..^2] + (skip[^2] == 'A' ? 'B' : 'A') + skip[^1];

        string[] refused =
        [
            $"users/{mailbox.Address}/mailFolders/inbox/messages/delta?$deltatoken=garbage",
            $"users/{mailbox.Address}/mailFolders/inbox/messages/delta?$skiptoken={tampered}",
            $"users/{mailbox.Address}/mailFolders/inbox/messages/delta?$deltatoken={skip}",
            $"users/{mailbox.Address}/mailFolders/deleteditems/messages/delta?$skiptoken={skip}",
        ];
        foreach (var path in refused)
        {
            var (response, body) = await GetAsync(path, token);
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            Assert.Equal("syncStateNotFound", GraphJson.ErrorCode(body));
        }

        var (ok, _) = await GetAsync(next, token);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Invalid_sync_state_injected_through_the_control_API_refuses_the_next_delta_link_once()
    {
        var mailbox = Seeded(1);
        var token = await sandbox.TokenAsync();
        var (_, initial) = await GetAsync($"users/{mailbox.Address}/mailFolders/inbox/messages/delta", token);
        var deltaLink = initial.GetProperty("@odata.deltaLink").GetString()!;
        using var inject = await sandbox.Http.PostAsJsonAsync(new Uri(sandbox.Server.BaseAddress, $"sandbox/mailboxes/{mailbox.Address}/faults"), new { kind = "InvalidSyncState" }, Ct);
        inject.EnsureSuccessStatusCode();

        var (unaffected, _) = await GetAsync($"users/{mailbox.Address}/mailFolders/inbox/messages/delta", token);
        var (refused, body) = await GetAsync(deltaLink, token);
        var (again, _) = await GetAsync(deltaLink, token);

        Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, refused.StatusCode);
        Assert.Equal("syncStateInvalid", GraphJson.ErrorCode(body));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Delta_lists_oldest_first_and_leaves_out_mail_moved_away()
    {
        var mailbox = Seeded(3);
        // By subject, the order of delivery: two deliveries may share a timestamp.
        var items = mailbox.ItemsIn(mailbox.WellKnown("inbox").Id).OrderBy(i => i.Subject, StringComparer.Ordinal).ToList();
        var token = await sandbox.TokenAsync();
        using var move = sandbox.Request(HttpMethod.Post, $"users/{mailbox.Address}/messages/{items[1].Id.Replace('/', '-').Replace('+', '_')}/move", token);
        move.Content = JsonContent.Create(new { destinationId = "archive" });
        using var moved = await sandbox.Http.SendAsync(move, Ct);
        Assert.Equal(HttpStatusCode.Created, moved.StatusCode);

        var (_, inbox) = await GetAsync($"users/{mailbox.Address}/mailFolders/inbox/messages/delta?$select=subject", token);
        var (_, archive) = await GetAsync($"users/{mailbox.Address}/mailFolders/archive/messages/delta?$select=subject", token);

        Assert.Equal([items[0].Subject, items[2].Subject], inbox.GetProperty("value").EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
        Assert.Equal([items[1].Subject], archive.GetProperty("value").EnumerateArray().Select(m => m.GetProperty("subject").GetString()));
    }

    private SandboxMailbox Seeded(int count)
    {
        var mailbox = sandbox.NewMailbox();
        for (var i = 0; i < count; i++)
        {
            mailbox.Deliver(sandbox.Server.Mailboxes.Generate(mailbox.Address, subject: $"Mail {i}"), mailbox.WellKnown("inbox").Id);
        }

        return mailbox;
    }

    private async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string path, string token, string? prefer = null)
    {
        using var request = sandbox.Request(HttpMethod.Get, path, token);
        if (prefer is not null)
        {
            request.Headers.Add("Prefer", prefer);
        }

        var response = await sandbox.Http.SendAsync(request, Ct);
        return (response, await GraphJson.ReadAsync(response));
    }
}

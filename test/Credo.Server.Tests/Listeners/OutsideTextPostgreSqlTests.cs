using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// PostgreSQL cannot store U+0000 in text. A mail whose subject or sender holds one (Graph's JSON and IMAP carry it)
/// must still be recorded, without it, rather than failing every poll of its listener from then on.
/// </summary>
public sealed class OutsideTextPostgreSqlTests(PostgreSqlListenerServerFixture server) : IClassFixture<PostgreSqlListenerServerFixture>
{
    [Fact]
    public async Task A_mail_with_a_NUL_in_its_subject_and_sender_is_recorded_without_it_and_the_next_mail_follows()
    {
        var address = $"n{Guid.NewGuid():N}"[..14] + "@sandbox.test";
        using var control = new HttpClient { BaseAddress = server.Sandbox.BaseAddress };
        (await control.PostAsJsonAsync("/sandbox/mailboxes", new { address }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        using var mail = new ByteArrayContent(OutsideTextTests.Mail(address));
        mail.Headers.ContentType = new("message/rfc822");
        (await control.PostAsync(new Uri($"/sandbox/mailboxes/{address}/messages", UriKind.Relative), mail, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        var listener = await server.GraphListenerAsync(address);

        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 1, "the mail is recorded");
        (await control.PostAsJsonAsync($"/sandbox/mailboxes/{address}/messages", new { subject = "The next one" }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 2, "the next mail is recorded too");

        var recorded = await server.QueryAsync(db => db.ReceivedMessages.AsNoTracking().Where(m => m.ListenerId == listener.Id).OrderBy(m => m.RecordedAt).ToListAsync());
        Assert.Equal(OutsideTextTests.Subject.Replace("\0", "", StringComparison.Ordinal), recorded[0].Subject);
        Assert.StartsWith(OutsideTextTests.SenderName.Replace("\0", "", StringComparison.Ordinal), recorded[0].From, StringComparison.Ordinal);
        Assert.Equal("The next one", recorded[1].Subject);
    }
}

using System.Net;
using Credo.Core.Audit;
using Credo.Core.Persistence;
using Credo.Server.Tests.Infrastructure;
using Credo.Server.Tests.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Server.Tests.Pages;

/// <summary>The audit log page: relative times, filters, and older entries a page at a time.</summary>
public sealed class AuditLogPageTests(CredoServerFixture server) : IClassFixture<CredoServerFixture>
{
    [Fact]
    public async Task Entries_filter_by_who_and_text_show_relative_times_and_page_back_through_older_ones()
    {
        var actor = "auditor-" + Guid.NewGuid().ToString("N")[..6];
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            audit.Record(actor, "create", "credential", "a", "First <b>one</b>");
            audit.Record(actor, "update", "credential", "a", "First <b>one</b>", "fields: Scopes");
            audit.Record(actor, "delete", "listener", "b", "Second");
            await scope.ServiceProvider.GetRequiredService<CredoDbContext>().SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        using var console = new ConsoleClient(server.BaseAddress);
        (await console.SignInAsync("admin", CredoServerFixture.AdminPassword)).Dispose();

        var mine = await HtmlAsync(console, $"/Administration/AuditLog?who={actor}");
        Assert.Contains($"<option value=\"{actor}\" selected=\"selected\">", mine, StringComparison.Ordinal);
        Assert.Equal(3, Rows(mine));
        Assert.Contains("First &lt;b&gt;one&lt;/b&gt;", mine, StringComparison.Ordinal);
        Assert.Matches("<td><time datetime=\"[^\"]+Z\" title=\"[^\"]+ UTC\">(now|\\d+ s ago)</time></td>", mine);
        Assert.DoesNotContain("Older entries", mine, StringComparison.Ordinal);

        var text = await HtmlAsync(console, $"/Administration/AuditLog?who={actor}&text=SCOPES");
        Assert.Equal(1, Rows(text));
        Assert.Contains("fields: Scopes", text, StringComparison.Ordinal);

        var first = await HtmlAsync(console, $"/Administration/AuditLog?who={actor}&take=2");
        Assert.Equal(2, Rows(first));
        var older = System.Text.RegularExpressions.Regex.Match(first, "<a href=\"([^\"]+)\" rel=\"next\">Older entries").Groups[1].Value;
        Assert.Contains("before=", older, StringComparison.Ordinal);
        var second = await HtmlAsync(console, WebUtility.HtmlDecode(older));
        Assert.Equal(1, Rows(second));
        Assert.Contains(">create<", second, StringComparison.Ordinal);
    }

    private static async Task<string> HtmlAsync(ConsoleClient console, string path)
    {
        using var response = await console.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    private static int Rows(string html) => System.Text.RegularExpressions.Regex.Count(html, "<tr>\\s*<td>");
}

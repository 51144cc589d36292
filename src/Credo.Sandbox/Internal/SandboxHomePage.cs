using System.Net;
using System.Text;
using Credo.Sandbox.Ews;
using Microsoft.AspNetCore.Http;

namespace Credo.Sandbox.Internal;

/// <summary>
/// The sandbox's <c>/</c>: a small page that says what it is and lists its endpoints, its clients (never a secret
/// or a key) and its mailboxes, so that the address the demo banner prints leads somewhere.
/// </summary>
internal static class SandboxHomePage
{
    public static IResult Render(SandboxServerAccessor accessor, SandboxClientRegistry clients, SandboxMailboxes mailboxes)
    {
        var sandbox = accessor.Server ?? throw new InvalidOperationException("The sandbox is still starting.");
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Credo sandbox</title></head><body>")
            .Append("<h1>Credo sandbox</h1>")
            .Append("<p>An OAuth 2.0 authorization server (client credentials), Exchange Web Services and Microsoft Graph mail on loopback, for demos and tests. Nothing here reaches Microsoft.</p>")
            .Append("<h2>Endpoints</h2><dl>");
        foreach (var (label, url) in new[]
        {
            ("Token endpoint", sandbox.TokenEndpoint), ("EWS URL", sandbox.EwsEndpoint), ("Graph URL", sandbox.GraphEndpoint),
            ("Control API", new Uri(sandbox.BaseAddress, "sandbox/mailboxes")), ("Graph subscriptions", new Uri(sandbox.BaseAddress, "sandbox/subscriptions")),
            ("Vault (KV v2) address", sandbox.Vault.Address), ("Azure Key Vault URI", sandbox.KeyVaultUri),
        })
        {
            html.Append("<dt>").Append(label).Append("</dt><dd><code>").Append(WebUtility.HtmlEncode(url.ToString())).Append("</code></dd>");
        }

        html.Append("</dl><h2>Clients</h2><table><thead><tr><th>Client identifier</th><th>Authentication</th><th>Scopes</th></tr></thead><tbody>");
        foreach (var client in clients.All)
        {
            html.Append("<tr><td><code>").Append(WebUtility.HtmlEncode(client.ClientId)).Append("</code></td><td>")
                .Append(WebUtility.HtmlEncode(string.Join(", ", client.AuthenticationMethods))).Append("</td><td>")
                .Append(WebUtility.HtmlEncode(string.Join(" ", client.Scopes))).Append("</td></tr>");
        }

        html.Append("</tbody></table><h2>Mailboxes</h2>");
        var all = mailboxes.All.OrderBy(m => m.Address, StringComparer.OrdinalIgnoreCase).ToList();
        if (all.Count == 0)
        {
            html.Append("<p>None yet: <code>POST /sandbox/mailboxes</code> with <code>{\"address\":\"finance@sandbox.test\"}</code> makes one.</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th>Address</th><th>Messages</th></tr></thead><tbody>");
            foreach (var mailbox in all)
            {
                html.Append("<tr><td>").Append(WebUtility.HtmlEncode(mailbox.Address)).Append("</td><td>")
                    .Append(mailbox.Folders.Sum(f => mailbox.ItemsIn(f.Id).Count)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        return Results.Content(html.Append("</body></html>").ToString(), "text/html; charset=utf-8");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Credo.Core.Users;
using Credo.Server.Tests.Infrastructure;
using Credo.Server.Tests.Listeners;
using Microsoft.EntityFrameworkCore;

namespace Credo.Server.Tests.Security;

/// <summary>Caching, Host and HSTS headers of a server that faces clients directly (no forwarded headers).</summary>
public sealed class ResponseHeaderTests(ListenerServerFixture server) : IClassFixture<ListenerServerFixture>
{
    private const string ForgedHost = "evil.example.test";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_API_answer_is_no_store_even_a_refusal()
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var anonymous = await http.GetAsync("/api/v1/listeners", Ct);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.CreateApiKeyAsync(UserRole.Viewer));
        using var listed = await http.GetAsync("/api/v1/listeners", Ct);
        using var missing = await http.GetAsync($"/api/v1/listeners/{Guid.NewGuid()}", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.All([anonymous, listed, missing], response => Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage!.RequestUri} is not no-store."));
    }

    [Fact]
    public async Task Eml_downloads_from_the_console_and_the_API_are_no_store()
    {
        var address = $"eml{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address, subject: "Not for caches"), mailbox.WellKnown("inbox").Id);
        var listener = await server.ListenerAsync(address);
        await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 1, "the mail is recorded");
        var messageId = await server.QueryAsync(db => db.ReceivedMessages.Where(m => m.ListenerId == listener.Id).Select(m => m.Id).SingleAsync(Ct));

        using var api = new HttpClient { BaseAddress = server.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.CreateApiKeyAsync(UserRole.Viewer));
        using var fromApi = await api.GetAsync($"/api/v1/messages/{messageId}/eml", Ct);
        using var console = await ConsoleSession.SignInAsync(server.BaseAddress, "admin", CredoServerFixture.AdminPassword);
        using var fromConsole = await console.SendAsync(HttpMethod.Get, $"/Administration/Integrations/EmailListeners/{listener.Id}/Messages/{messageId}/eml");

        foreach (var response in new[] { fromApi, fromConsole })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("message/rfc822", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Not for caches", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage!.RequestUri} is not no-store.");
        }
    }

    [Fact]
    public async Task Redirect_to_sign_in_is_relative_and_never_names_a_forged_host()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Administration/AuditLog");
        request.Headers.Host = ForgedHost;

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login?ReturnUrl=%2FAdministration%2FAuditLog", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Redirect_to_access_denied_is_relative_and_never_names_a_forged_host()
    {
        var viewer = "viewer-" + Guid.NewGuid().ToString("N")[..6];
        await server.AddUserAsync(viewer, "viewer-password-1", UserRole.Viewer);
        using var session = await ConsoleSession.SignInAsync(server.BaseAddress, viewer, "viewer-password-1", request => request.Headers.Host = ForgedHost);

        using var response = await session.SendAsync(HttpMethod.Get, "/Administration/ApiKeys");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/AccessDenied?ReturnUrl=%2FAdministration%2FApiKeys", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task OpenAPI_document_is_public_holds_only_the_API_shape_and_never_names_a_forged_host()
    {
        var listener = await server.ListenerAsync("openapi@sandbox.test");
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = ForgedHost;

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var paths = JsonDocument.Parse(text).RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/listeners", out _));
        Assert.DoesNotContain(ForgedHost, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(listener.Name, text, StringComparison.Ordinal);
        Assert.DoesNotContain(listener.Id.ToString(), text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Forwarded_proto_is_ignored_unless_enabled_so_no_HSTS_and_no_Secure_cookie()
    {
        using var session = await ConsoleSession.SignInAsync(server.BaseAddress, "admin", CredoServerFixture.AdminPassword, request =>
        {
            request.Headers.Host = "credo.example.test";
            request.Headers.Add("X-Forwarded-Proto", "https");
        });

        using var response = await session.SendAsync(HttpMethod.Get, "/Administration/AuditLog");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain("secure", session.SetCookie("credo.session"), StringComparison.OrdinalIgnoreCase);
    }
}

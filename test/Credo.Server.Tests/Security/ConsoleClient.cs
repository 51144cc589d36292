using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Credo.Server.Tests.Security;

/// <summary>
/// The console driven over plain HTTP with its own cookies and no redirects followed, optionally from another loopback
/// address (127.0.0.2, ...) so that a test can be two clients.
/// </summary>
public sealed partial class ConsoleClient : IDisposable
{
    public const string CredentialsPath = "/Administration/GlobalSettings/Credentials";

    private readonly HttpClient _http;

    public ConsoleClient(Uri baseAddress, IPAddress? from = null)
    {
        var handler = new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false };
        if (from is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        _http = new HttpClient(handler) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; } = new();

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

    /// <summary>Posts the sign-in form as the browser does.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string userName, string password) =>
        await PostFormAsync("/Account/Login", "/Account/Login", new() { ["UserName"] = userName, ["Password"] = password });

    /// <summary>Presses "Sign out" on the credentials page.</summary>
    public async Task<HttpResponseMessage> SignOutAsync() => await PostFormAsync(CredentialsPath, "/Account/Logout", []);

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, Dictionary<string, string> fields)
    {
        using var page = await GetAsync(formPage);
        var html = await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        fields["__RequestVerificationToken"] = AntiforgeryToken().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"{formPage} answered {(int)page.StatusCode} without an antiforgery token.");
        using var form = new FormUrlEncodedContent(fields);
        return await _http.PostAsync(new Uri(action, UriKind.Relative), form, TestContext.Current.CancellationToken);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

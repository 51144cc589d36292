using System.Net;
using System.Text.RegularExpressions;

namespace Credo.Server.Tests.Security;

/// <summary>
/// A console session over plain HTTP that handles cookies itself, so that cookies marked Secure (a request the server
/// believes is https) are still sent back, and every request can carry headers a proxy would add.
/// </summary>
internal sealed partial class ConsoleSession(Uri baseAddress, Action<HttpRequestMessage>? decorate = null) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    private readonly Dictionary<string, string> _cookies = [];

    /// <summary>Every <c>Set-Cookie</c> the server sent, as sent.</summary>
    public List<string> SetCookies { get; } = [];

    public static async Task<ConsoleSession> SignInAsync(Uri baseAddress, string userName, string password, Action<HttpRequestMessage>? decorate = null)
    {
        var session = new ConsoleSession(baseAddress, decorate);
        using var form = await session.SendAsync(HttpMethod.Get, "/Account/Login");
        var token = AntiforgeryToken().Match(await form.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Groups[1].Value;
        using var signedIn = await session.SendAsync(HttpMethod.Post, "/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["UserName"] = userName, ["Password"] = password,
        }));
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"Sign-in answered {(int)signedIn.StatusCode}.");
        Assert.True(session._cookies.ContainsKey("credo.session"), "Sign-in set no session cookie.");
        return session;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        decorate?.Invoke(request);
        var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                SetCookies.Add(setCookie);
                var pair = setCookie.Split(';')[0];
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                _cookies[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        return response;
    }

    /// <summary>The last <c>Set-Cookie</c> of <paramref name="name"/>.</summary>
    public string SetCookie(string name) => SetCookies.Last(c => c.StartsWith(name + "=", StringComparison.Ordinal));

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

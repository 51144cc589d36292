using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Credo.Core;
using Credo.Core.Credentials;
using Credo.Core.Listeners;
using Credo.Core.Listeners.Sources;
using Credo.Core.Listeners.Sources.Ews;
using Credo.Core.Listeners.Sources.Graph;
using Credo.Core.Listeners.Sources.Imap;
using Credo.Core.Users;
using Credo.Sandbox;
using Credo.Sandbox.Ews;
using Credo.Server.Tests.Infrastructure;
using Credo.Server.Tests.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Server.Tests.Listeners;

/// <summary>
/// What the console, the API and the CLI say while a listener's server fails is true at once: a refused connection, a
/// server that dies, a name that does not resolve each show Error with their cause within one poll interval and 15 s
/// (real sockets, no fake error codes); a long poll says what it does; a poll stops within seconds of its listener being
/// disabled or deleted and sends nothing after; a Graph link to another host is an error and never followed.
/// </summary>
public abstract class TruthfulStatusTests<TFixture>(TFixture server) : IClassFixture<TFixture>
    where TFixture : ListenerServerFixture
{
    private const int Interval = 5;

    // The contract: Error with its cause within one poll interval and 15 s.
    private static readonly TimeSpan ErrorWithin = TimeSpan.FromSeconds(Interval + 15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_that_refuses_connections_shows_Error_with_its_cause_in_console_API_and_CLI()
    {
        using var closed = ClosedPort(out var port);
        var listener = await server.ListenerAsync("refused@sandbox.test", l => l.Settings.Set(EwsProtocol.Id, "url", $"http://127.0.0.1:{port}/EWS/Exchange.asmx"));

        var health = await ErrorAsync(listener);

        var cause = $"Cannot connect to 127.0.0.1:{port}: the connection was refused";
        Assert.Contains(cause, health.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("Check the host, port and security", health.GetProperty("hint").GetString(), StringComparison.Ordinal);

        var (exit, stdout, stderr) = await CredoProcess.RunAsync(["--data", server.DataFolder, "listeners", "list"], environment: server.CliEnvironment);
        Assert.True(exit == 0, stderr);
        var line = Assert.Single(stdout.Split('\n'), l => l.StartsWith(listener.Name, StringComparison.Ordinal));
        Assert.Contains("  Error  ", line, StringComparison.Ordinal);
        Assert.Contains(cause, line, StringComparison.Ordinal);

        using var console = new ConsoleClient(server.BaseAddress);
        (await console.SignInAsync("admin", CredoServerFixture.AdminPassword)).Dispose();
        using var page = await console.GetAsync($"/Administration/Integrations/EmailListeners/{listener.Id}");
        var html = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync(Ct));
        Assert.Contains(">Error<", html, StringComparison.Ordinal);
        Assert.Contains(cause, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_dies_shows_Error_with_its_cause_within_one_interval()
    {
        var options = new SandboxOptions { Urls = "http://127.0.0.1:0", SeedMessages = 2 };
        var other = await SandboxServer.StartAsync(options, cancellationToken: Ct);
        var endpoint = other.EwsEndpoint;
        EmailListener listener;
        try
        {
            var credential = (await server.AddCredentialAsync("Other sandbox", "127.0.0.1", tokenEndpoint: other.TokenEndpoint)).Id;
            listener = await server.ListenerAsync(SandboxOptions.DemoMailbox, l =>
            {
                l.Settings.Set(EwsProtocol.Id, "url", endpoint);
                l.CredentialId = credential;
            });
            await ListenerServerFixture.EventuallyAsync(async () => await server.RecordedAsync(listener.Id) == 2 && (await HealthAsync(listener)).GetProperty("status").GetString() == "OK", "the listener records the server's mail");
        }
        finally
        {
            await other.DisposeAsync();
        }

        var health = await ErrorAsync(listener, wasOk: true);
        Assert.Contains($"Cannot connect to 127.0.0.1:{endpoint.Port}: the connection was refused", health.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_does_not_resolve_shows_Error_with_its_cause_within_one_interval()
    {
        var listener = await server.ListenerAsync("nowhere@sandbox.test", l => l.Settings.Set(EwsProtocol.Id, "url", "https://mail.credo-test.invalid/EWS/Exchange.asmx"));

        var health = await ErrorAsync(listener);

        Assert.Contains("The host name mail.credo-test.invalid does not resolve", health.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_IMAP_server_that_refuses_connections_shows_Error_with_its_cause_within_one_interval()
    {
        using var closed = ClosedPort(out var port);
        var listener = await server.ListenerAsync("imap@sandbox.test", l =>
        {
            l.Protocol = ImapProtocol.Id;
            l.Settings.Set(ImapProtocol.Id, "host", "127.0.0.1").Set(ImapProtocol.Id, "port", port).Set(ImapProtocol.Id, "security", "None");
        });

        var health = await ErrorAsync(listener);

        Assert.Contains($"Cannot connect to 127.0.0.1:{port}: the connection was refused", health.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_poll_says_what_it_does_and_stops_within_seconds_once_its_listener_is_disabled()
    {
        var (listener, mailbox) = await ThrottledListenerAsync();

        // Every request is throttled for 2 s: the poll waits and retries in place, and says so while it runs.
        await ListenerServerFixture.EventuallyAsync(async () =>
            (await HealthAsync(listener)).GetProperty("polling").GetString() is { } polling
            && polling.StartsWith("Polling for ", StringComparison.Ordinal)
            && polling.Contains("because the server throttled", StringComparison.Ordinal), "the API shows what the running poll does");
        var (_, list, _) = await CredoProcess.RunAsync(["--data", server.DataFolder, "listeners", "list"], environment: server.CliEnvironment);
        Assert.Contains("because the server throttled", list, StringComparison.Ordinal);

        await ChangeAsync(listener, l => l.Enabled = false);
        await AssertSilentFromFiveSecondsOnAsync(mailbox);
        var health = await HealthAsync(listener);
        Assert.Equal(("Disabled", JsonValueKind.Null), (health.GetProperty("status").GetString(), health.GetProperty("polling").ValueKind));
    }

    [Fact]
    public async Task A_long_poll_stops_within_seconds_once_its_listener_is_deleted()
    {
        var (listener, mailbox) = await ThrottledListenerAsync();
        await ListenerServerFixture.EventuallyAsync(async () => mailbox.Requests.Total >= 3, "the poll is retrying");

        await using (var scope = server.Services.CreateAsyncScope())
        {
            Assert.Equal(ChangeStatus.Done, (await scope.ServiceProvider.GetRequiredService<ListenerService>().DeleteAsync(listener.Id, "tests", Ct)).Status);
        }

        await AssertSilentFromFiveSecondsOnAsync(mailbox);
    }

    [Fact]
    public async Task A_Graph_link_to_another_port_is_an_Error_and_is_never_followed()
    {
        var address = $"g{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        mailbox.Deliver(server.Sandbox.Mailboxes.Generate(address), mailbox.WellKnown("inbox").Id);
        mailbox.SetFaultRate(new SandboxFaultRate(SandboxFaultKind.LinkElsewhere, 1));

        // Whoever listens on the port the links name gets nothing: not a connection, let alone a token.
        var elsewhere = server.Sandbox.GraphEndpoint.Port + 1;
        using var trap = TryListen(elsewhere);
        var listener = await server.GraphListenerAsync(address, l => l.PollIntervalSeconds = Interval);

        var health = await ErrorAsync(listener);
        Assert.Contains($"with a link to http://127.0.0.1:{elsewhere}", health.GetProperty("error").GetString(), StringComparison.Ordinal);
        var afterFirst = Deltas(mailbox);
        Assert.InRange(afterFirst, 1, 2);

        // Later polls come after a back-off of about the interval, each one delta request: no loop.
        await Task.Delay(TimeSpan.FromSeconds(2 * Interval), Ct);
        Assert.InRange(Deltas(mailbox) - afterFirst, 0, 3);
        Assert.Equal(0L, await server.RecordedAsync(listener.Id));
        if (trap is not null)
        {
            Assert.False(trap.Pending(), $"a connection reached port {elsewhere}");
        }

        await ChangeAsync(listener, l => l.Enabled = false);
        await AssertSilentFromFiveSecondsOnAsync(mailbox);
    }

    private static int Deltas(SandboxMailbox mailbox) => mailbox.Requests.ByOperation.GetValueOrDefault("graph:delta");

    private async Task<(EmailListener Listener, SandboxMailbox Mailbox)> ThrottledListenerAsync()
    {
        var address = $"t{Guid.NewGuid():N}"[..16] + "@sandbox.test";
        var mailbox = server.Sandbox.Mailboxes.Create(address);
        mailbox.SetFaultRate(new SandboxFaultRate(SandboxFaultKind.ServerBusy, 1, BackOffMilliseconds: 2000));
        return (await server.ListenerAsync(address), mailbox);
    }

    // The mailbox's server receives nothing from five seconds after the change on: sampled over six more seconds.
    private static async Task AssertSilentFromFiveSecondsOnAsync(SandboxMailbox mailbox)
    {
        await Task.Delay(TimeSpan.FromSeconds(5), Ct);
        var then = mailbox.Requests.Total;
        await Task.Delay(TimeSpan.FromSeconds(6), Ct);
        Assert.Equal(then, mailbox.Requests.Total);
    }

    private async Task ChangeAsync(EmailListener listener, Action<ListenerInput> change)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var listeners = scope.ServiceProvider.GetRequiredService<ListenerService>();
        var current = await listeners.FindAsync(listener.Id.ToString(), Ct);
        var input = ListenerInput.From(current!);
        change(input);
        Assert.Equal(ChangeStatus.Done, (await listeners.UpdateAsync(current!.Id, current.Version, input, "tests", Ct)).Status);
    }

    // Waits until the API says Error, at most one interval and 15 s after the listener was added, and returns its health.
    private async Task<JsonElement> ErrorAsync(EmailListener listener, bool wasOk = false)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ErrorWithin)
        {
            var health = await HealthAsync(listener);
            if (health.GetProperty("status").GetString() == "Error")
            {
                return health;
            }

            if (!wasOk)
            {
                Assert.NotEqual("OK", health.GetProperty("status").GetString());
            }

            await Task.Delay(200, Ct);
        }

        var log = string.Join("\n", server.Logs.GetSnapshot().TakeLast(40).Select(r => $"{r.Category}: {r.Message}"));
        Assert.Fail($"\"{listener.Name}\" did not show Error within {ErrorWithin.TotalSeconds} s: {await HealthAsync(listener)}\n{log}");
        return default;
    }

    private async Task<JsonElement> HealthAsync(EmailListener listener)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ViewerKeyAsync());
        using var response = await http.GetAsync($"/api/v1/listeners/{listener.Id}", Ct);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("health").Clone();
    }

    private string? _viewerKey;

    private async Task<string> ViewerKeyAsync() => _viewerKey ??= await server.CreateApiKeyAsync(UserRole.Viewer);

    // A loopback port that nothing listens on, kept for the test: bound without listening, so connecting is refused and no
    // other server of the test run can take the port meanwhile.
    private static Socket ClosedPort(out int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        return socket;
    }

    private static TcpListener? TryListen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            listener.Dispose();
            return null;
        }
    }
}

/// <summary>The truthful-status tests on SQLite.</summary>
public sealed class SqliteTruthfulStatusTests(ListenerServerFixture server) : TruthfulStatusTests<ListenerServerFixture>(server);

/// <summary>The truthful-status tests on PostgreSQL: the node that polls and the API that reads agree.</summary>
public sealed class PostgreSqlTruthfulStatusTests(PostgreSqlListenerServerFixture server) : TruthfulStatusTests<PostgreSqlListenerServerFixture>(server);

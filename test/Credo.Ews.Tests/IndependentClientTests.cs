using System.Diagnostics;
using System.Text.Json;
using Credo.Ews.Tests.Infrastructure;
using Credo.OAuth;
using Credo.Sandbox;
using Microsoft.Extensions.DependencyInjection;

namespace Credo.Ews.Tests;

/// <summary>
/// The sandbox is faithful enough for an independent EWS client: ews-javascript-api, the JavaScript port of
/// Microsoft's EWS Managed API, binds the Inbox, finds and syncs items, loads one with MIME and marks it read,
/// with an OAuth token from the sandbox, unchanged.
/// </summary>
public sealed class IndependentClientTests(EwsSandboxFixture sandbox) : IClassFixture<EwsSandboxFixture>
{
    [Fact]
    public async Task EWS_Managed_API_JavaScript_port_works_against_the_sandbox_unchanged()
    {
        var folder = ClientFolder();
        var address = $"js{Guid.NewGuid():N}"[..20] + "@sandbox.test";
        var mailbox = sandbox.Server.Mailboxes.Create(address);
        for (var i = 0; i < 3; i++)
        {
            mailbox.Deliver(sandbox.Server.Mailboxes.Generate(address), mailbox.WellKnown("inbox").Id);
        }

        var client = SandboxClient.Default();
        var token = await sandbox.Services.GetRequiredService<ITokenClient>().RequestTokenAsync(
            new ClientCredentials(sandbox.Server.TokenEndpoint, client.ClientId, new Secret(client.ClientSecret), ScopeSet.Parse(SandboxClient.ExchangeOnlineScope)),
            TestContext.Current.CancellationToken);
        Assert.True(token.Succeeded, token.ToString());

        var info = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("probe.js");
        info.ArgumentList.Add(sandbox.Server.EwsEndpoint.ToString());
        info.ArgumentList.Add(address);
        using var node = Process.Start(info)!;
        await node.StandardInput.WriteAsync(token.Value.Value);
        node.StandardInput.Close();
        var output = node.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = node.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await node.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(node.ExitCode == 0, await errors);
        using var json = JsonDocument.Parse(await output);
        var r = json.RootElement;
        Assert.Equal("Inbox", r.GetProperty("folder").GetString());
        Assert.Equal((3, 3, 2), (r.GetProperty("total").GetInt32(), r.GetProperty("unreadBefore").GetInt32(), r.GetProperty("unreadAfter").GetInt32()));
        Assert.Equal((3, 3, 3), (r.GetProperty("found").GetInt32(), r.GetProperty("totalInView").GetInt32(), r.GetProperty("syncChanges").GetInt32()));
        Assert.StartsWith("Sample message", r.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.True(r.GetProperty("mimeLength").GetInt32() > 100);
    }

    private static string ClientFolder()
    {
        var folder = Path.Combine(Repository.Root ?? throw new InvalidOperationException("The repository root (Credo.slnx) was not found."), "test", "Credo.Ews.Tests", "IndependentClient");
        if (Directory.Exists(Path.Combine(folder, "node_modules", "ews-javascript-api")))
        {
            return folder;
        }

        var reason = $"ews-javascript-api is not installed: run 'npm ci' in {folder} (.ci/run does).";
        MissingPrerequisite.Stop(reason);
        return folder;
    }
}

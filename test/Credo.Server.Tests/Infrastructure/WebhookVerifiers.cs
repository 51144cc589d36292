using System.Diagnostics;
using System.Text.Json;
using Credo.Server.Tests.Hosting;
using Credo.Tests;

namespace Credo.Server.Tests.Infrastructure;

/// <summary>
/// The receivers' own libraries, run in Node: <c>standardwebhooks</c> verifies each request's signature with each given
/// secret, and the <c>cloudevents</c> SDK reads a CloudEvents request (<c>WebhookVerifiers/verify.js</c>).
/// </summary>
public static class WebhookVerifiers
{
    /// <summary>What the libraries made of one request.</summary>
    public sealed record Verdict(string Id, string[] VerifiedBy, CloudEventRead? CloudEvent);

    /// <summary>What the CloudEvents SDK read from a request.</summary>
    public sealed record CloudEventRead(string Specversion, string Id, string Type, string Source, string? Subject, string Time, string Datacontenttype, string? DeliveryId);

    public static async Task<IReadOnlyList<Verdict>> RunAsync(IEnumerable<ReceivedWebhook> requests, params string[] secrets)
    {
        var folder = Path.Combine(Promtool.RepositoryRoot(), "test", "Credo.Server.Tests", "WebhookVerifiers");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "standardwebhooks")))
        {
            MissingPrerequisite.Stop($"The webhook verifiers are not installed: run 'npm ci' in {folder} (.ci/run does).");
        }

        var info = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("verify.js");
        using var node = Process.Start(info)!;
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        await node.StandardInput.WriteAsync(JsonSerializer.Serialize(new { secrets, requests }, web));
        node.StandardInput.Close();
        var output = node.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = node.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await node.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(node.ExitCode == 0, await errors);
        return JsonSerializer.Deserialize<List<Verdict>>(await output, web)!;
    }
}

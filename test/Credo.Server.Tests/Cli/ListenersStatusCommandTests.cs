using System.Text.Json;
using Credo.Sandbox;
using Credo.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Credo.Server.Tests.Cli;

/// <summary><c>credo listeners list</c> and <c>show</c> tell OK, Degraded, Error, Stalled and Not polled yet apart, in the console's words.</summary>
public sealed class ListenersStatusCommandTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("credo-cli-status-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task The_status_column_tells_OK_Degraded_Error_Stalled_and_Not_polled_yet_apart_in_the_consoles_words_with_what_explains_them()
    {
        var credential = await RunAsync(["credentials", "add", "--name", "Sandbox", "--client-id", SandboxFixture.Client.ClientId, "--client-secret-stdin",
            "--token-endpoint", sandbox.TokenEndpoint.ToString(), "--scope", SandboxClient.ExchangeOnlineScope, "--resource-hosts", "127.0.0.1"], SandboxFixture.Client.ClientSecret);
        Assert.True(credential.ExitCode == 0, credential.Stderr);
        foreach (var name in new[] { "Fine", "Degraded", "Failing", "Stalled", "Fresh" })
        {
            var added = await RunAsync(["listeners", "add", "--name", name, "--credential", "Sandbox", "--mailbox", SandboxOptions.DemoMailbox, "--ews-url", sandbox.EwsEndpoint.ToString()]);
            Assert.True(added.ExitCode == 0, added.Stderr);
        }

        // What the engine and the dispatcher would have written; no server runs on this data folder, so it stays.
        var now = TimeProvider.System.GetUtcNow();
        long Ago(int seconds) => now.AddSeconds(-seconds).UtcTicks;
        await UpdateAsync("Fine", $"CreatedAt = {Ago(600)}, LastSuccessAt = {Ago(5)}, LastMessageAt = {Ago(12)}");
        await UpdateAsync("Degraded", $"CreatedAt = {Ago(600)}, LastSuccessAt = {Ago(5)}, DeliveryFailures = 4, DeliveryFailingSince = {Ago(120)}");
        await UpdateAsync("Failing", $"CreatedAt = {Ago(600)}, LastSuccessAt = {Ago(70)}, ConsecutiveFailures = 3, FailingSince = {Ago(60)}, NextPollAt = {now.AddMinutes(5).UtcTicks}, "
            + "LastError = 'Exchange refused the access token because it had expired.', "
            + "LastErrorHint = 'Credo asks for a new token and tries again at the next poll.', "
            + "LastErrorDetails = 'Exchange at 127.0.0.1:443 answered for demo@credo.test: ErrorUnauthorized (HTTP 401): 2000003;reason=\"The token has expired.\"'");
        await UpdateAsync("Stalled", $"CreatedAt = {Ago(7200)}, LastSuccessAt = {Ago(3600)}");

        var list = await RunAsync(["listeners", "list"]);

        Assert.True(list.ExitCode == 0, list.Stderr);
        var lines = list.Stdout.Split('\n');
        string Line(string name) => Assert.Single(lines, l => l.StartsWith(name + " ", StringComparison.Ordinal));
        Assert.Matches(@"\sOK\s+last successful poll \d+ s ago, last mail \d+ s ago$", Line("Fine"));
        Assert.Matches(@"\sDegraded\s+Polls succeed, but the last 4 webhook delivery attempts failed\. Failing since 2 min ago\.$", Line("Degraded"));
        Assert.Matches(@"\sError\s+The last poll failed \(3 in a row\)\. Failing since 1 min ago, next retry in \d min\. Exchange refused the access token because it had expired\.", Line("Failing"));
        Assert.DoesNotContain("2000003", Line("Failing"), StringComparison.Ordinal);
        Assert.Matches(@"\sStalled\s+No successful poll for 1 h \(stalled after 5 min\)\.$", Line("Stalled"));

        Assert.Matches(@"\sNot polled yet\s+", Line("Fresh"));
        Assert.Matches(@"^NAME\s+PROTOCOL\s+MAILBOX\s+FOLDER\s+MAILS\s+STATUS\s+DETAILS$", lines[0]);
        var text = await RunAsync(["listeners", "show", "Failing"]);
        Assert.Contains("Status", text.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"Error — The last poll failed \(3 in a row\)", text.Stdout);

        var shown = await RunAsync(["listeners", "show", "Degraded", "--json"]);
        using var json = JsonDocument.Parse(shown.Stdout);
        var health = json.RootElement.GetProperty("health");
        Assert.Equal(("Degraded", 4), (health.GetProperty("status").GetString(), health.GetProperty("deliveryFailures").GetInt32()));
    }

    private async Task UpdateAsync(string name, string assignments)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "credo.db")};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE email_listeners SET {assignments} WHERE Name = $name";
        command.Parameters.AddWithValue("$name", name);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string? stdin = null) =>
        CredoProcess.RunAsync([.. args, "--data", _data], stdin);
}

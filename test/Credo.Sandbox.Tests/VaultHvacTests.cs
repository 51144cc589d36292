using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Credo.Sandbox.Tests.Infrastructure;
using Credo.Sandbox.Vaults.HashiCorp;

namespace Credo.Sandbox.Tests;

/// <summary>
/// The sandbox's Vault KV version 2 endpoint is faithful enough for hvac (Debian's <c>python3-hvac</c>), a client no
/// one here wrote: root token and AppRole reads, versions, writes, renewal and hvac's own errors.
/// </summary>
public sealed class VaultHvacTests(VaultSandboxFixture sandbox) : IClassFixture<VaultSandboxFixture>
{
    [Fact]
    public async Task Hvac_reads_writes_logs_in_and_renews_against_the_sandbox_unchanged()
    {
        var vault = sandbox.Server.Vault;
        vault.SetSecret(SandboxVault.DefaultMount, "hvac/probe", new Dictionary<string, string> { ["key"] = "first" });
        var readsBefore = vault.Reads;

        var seen = await RunProbeAsync(vault.Address.ToString(), vault.RootToken, SandboxVault.DemoRoleId, SandboxVault.DemoSecretId);

        Assert.Equal(SandboxClient.Default().ClientSecret, seen.GetProperty("root_read").GetString());
        Assert.Equal(1, seen.GetProperty("root_read_version").GetInt32());
        Assert.Equal(2, seen.GetProperty("written_version").GetInt32());
        Assert.Equal(("second", "first"), (seen.GetProperty("read_back").GetString(), seen.GetProperty("version_1").GetString()));
        Assert.Equal(3600, seen.GetProperty("login_lease_duration").GetInt32());
        Assert.True(seen.GetProperty("login_renewable").GetBoolean());
        Assert.Equal(SandboxClient.Default().ClientSecret, seen.GetProperty("approle_read").GetString());
        Assert.Equal(7200, seen.GetProperty("renewed_lease_duration").GetInt32());
        Assert.InRange(seen.GetProperty("lookup_ttl").GetInt32(), 7100, 7200);
        Assert.True(seen.GetProperty("is_authenticated").GetBoolean());
        Assert.Equal("Forbidden", seen.GetProperty("wrong_token").GetString());
        Assert.Equal("InvalidPath", seen.GetProperty("missing_path").GetString());
        Assert.Equal("InvalidRequest", seen.GetProperty("wrong_secret_id").GetString());
        Assert.Equal("second", vault.GetSecret(SandboxVault.DefaultMount, "hvac/probe")!["key"]);

        // Root read, read back, version 1, AppRole read, missing path; the wrong token's read is refused before it counts.
        Assert.Equal(5, vault.Reads - readsBefore);
    }

    private static async Task<JsonElement> RunProbeAsync(params string[] arguments)
    {
        // Debian's python3-hvac is installed for Debian's own Python, which another python3 on the PATH may not see.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Vaults", "hvac_probe.py"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception e)
        {
            MissingPrerequisite.Stop($"Python 3 is needed to run hvac against the sandbox ({e.Message}): apt-get install python3-hvac (.ci/run installs it).");
            throw;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            if (process.ExitCode == 3)
            {
                MissingPrerequisite.Stop($"hvac is not installed for {python}: apt-get install python3-hvac (.ci/run installs it). {await errors}");
            }

            Assert.True(process.ExitCode == 0, await errors);
            using var json = JsonDocument.Parse(await output);
            return json.RootElement.Clone();
        }
    }
}

namespace Credo.Server.Tests.Hosting;

/// <summary>The example alert rules in deploy/prometheus, checked and unit-tested by promtool.</summary>
public sealed class AlertRulesTests
{
    private static readonly string Folder = Path.Combine(Promtool.RepositoryRoot(), "deploy", "prometheus");

    [Fact]
    public async Task Alert_rules_pass_promtool_check_rules()
    {
        var (exitCode, output) = await Promtool.RunAsync(null, Folder, "check", "rules", "credo-alerts.yml");

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS: 7 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alert_rules_fire_as_their_promtool_unit_tests_expect()
    {
        var (exitCode, output) = await Promtool.RunAsync(null, Folder, "test", "rules", "credo-alerts.test.yml");

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }
}

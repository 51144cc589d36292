namespace Credo.Server.Tests.Hosting;

/// <summary>
/// Meters and activity sources are seen process-wide: a server's exporters would count what other servers in this test
/// process do at the same time. The telemetry tests therefore run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryRunsAlone
{
    public const string Name = "Telemetry";
}

namespace Credo.Sandbox;

/// <summary>How the sandbox starts.</summary>
public sealed class SandboxOptions
{
    /// <summary>The address to listen on; default <c>http://127.0.0.1:5090</c>. Port 0 picks a free port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5090";

    /// <summary>Clients registered at start; default <see cref="SandboxClient.Default"/>.</summary>
    public IList<SandboxClient> Clients { get; } = [SandboxClient.Default()];

    /// <summary>Lifetime of issued access tokens; default one hour, as Microsoft Entra issues them.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}

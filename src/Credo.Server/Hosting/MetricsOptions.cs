namespace Credo.Server.Hosting;

/// <summary>The Prometheus endpoint <c>/metrics</c> (<c>Credo:Metrics</c>).</summary>
internal sealed class MetricsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:Metrics";

    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>
    /// When true, <c>/metrics</c> answers only with an API key (any role), as <c>/api/v1</c> does. Default false: the
    /// figures carry no secret, address or name, and scrapers usually run without credentials.
    /// </summary>
    public bool RequireApiKey { get; set; }
}

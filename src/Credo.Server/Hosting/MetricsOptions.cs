namespace Credo.Server.Hosting;

/// <summary>The Prometheus endpoint <c>/metrics</c> (<c>Credo:Metrics</c>).</summary>
internal sealed class MetricsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Credo:Metrics";

    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>
    /// When true, <c>/metrics</c> answers only with an API key (any role; a Viewer key is enough), as <c>/api/v1</c>
    /// does. Default true: the figures carry no secret, address or name, but they do tell how many listeners fail,
    /// how much mail arrives and when credentials expire. False opens it, for a scraper on a private network.
    /// </summary>
    public bool RequireApiKey { get; set; } = true;
}

using Credo.Net.Outbound;

namespace Credo.Core.Listeners.Sources.Graph;

/// <summary>Where a Microsoft Graph listener sends its requests.</summary>
public sealed class GraphSettings
{
    /// <summary>Microsoft Graph v1.0.</summary>
    public const string DefaultUrl = "https://graph.microsoft.com/v1.0";

    /// <summary>The Graph base URL; default <see cref="DefaultUrl"/>.</summary>
    public string? Url { get; set; } = DefaultUrl;

    /// <summary>A copy.</summary>
    public GraphSettings Copy() => new() { Url = Url };

    /// <summary>Adds what is wrong to <paramref name="errors"/>, keyed <c>Graph.Url</c>.</summary>
    public void Check(bool allowHttp, IDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Url?.Trim().Length > ListenerRules.MaxUrlLength)
        {
            errors["Graph.Url"] = $"The Graph URL is longer than {ListenerRules.MaxUrlLength} characters; shorten it.";
        }
        else if (!OutboundAddress.TryParse(Url, allowHttp, "Graph URL", out _, out var error))
        {
            errors["Graph.Url"] = error;
        }
    }

    /// <summary>Trims what was typed, without a trailing slash.</summary>
    public void Normalize() => Url = Url?.Trim().TrimEnd('/');
}

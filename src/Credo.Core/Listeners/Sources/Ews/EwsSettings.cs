using Credo.Net.Outbound;

namespace Credo.Core.Listeners.Sources.Ews;

/// <summary>Where an EWS listener sends its requests.</summary>
public sealed class EwsSettings
{
    /// <summary>Exchange Online's EWS endpoint.</summary>
    public const string DefaultUrl = "https://outlook.office365.com/EWS/Exchange.asmx";

    /// <summary>The EWS endpoint; default <see cref="DefaultUrl"/>.</summary>
    public string? Url { get; set; } = DefaultUrl;

    /// <summary>A copy.</summary>
    public EwsSettings Copy() => new() { Url = Url };

    /// <summary>Adds what is wrong to <paramref name="errors"/>, keyed <c>Ews.Url</c>.</summary>
    public void Check(bool allowHttp, IDictionary<string, string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Url?.Trim().Length > ListenerRules.MaxUrlLength)
        {
            errors["Ews.Url"] = $"The EWS URL is longer than {ListenerRules.MaxUrlLength} characters; shorten it.";
        }
        else if (!OutboundAddress.TryParse(Url, allowHttp, "EWS URL", out _, out var error))
        {
            errors["Ews.Url"] = error;
        }
    }

    /// <summary>Trims what was typed.</summary>
    public void Normalize() => Url = Url?.Trim();
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Credo.Graph.Internal.Wire;

/// <summary>The JSON Graph sends and takes, as far as Credo reads it.</summary>
internal sealed class WireMessage
{
    public string? Id { get; set; }

    public string? InternetMessageId { get; set; }

    public WireRecipient? From { get; set; }

    public List<WireRecipient>? ToRecipients { get; set; }

    public List<WireRecipient>? CcRecipients { get; set; }

    public string? Subject { get; set; }

    public DateTimeOffset? ReceivedDateTime { get; set; }

    [JsonConverter(typeof(LenientBooleanConverter))]
    public bool? HasAttachments { get; set; }

    [JsonConverter(typeof(LenientBooleanConverter))]
    public bool? IsRead { get; set; }

    [JsonPropertyName("@removed")]
    public JsonElement? Removed { get; set; }
}

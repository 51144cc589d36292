namespace Credo.Graph.Internal.Wire;

/// <summary>The JSON Graph sends and takes, as far as Credo reads it.</summary>
internal sealed class WireRecipient
{
    public WireEmailAddress? EmailAddress { get; set; }
}

namespace Credo.Graph.Internal.Wire;

/// <summary>The JSON Graph sends and takes, as far as Credo reads it.</summary>
internal sealed class WireEmailAddress
{
    public string? Name { get; set; }

    public string? Address { get; set; }
}

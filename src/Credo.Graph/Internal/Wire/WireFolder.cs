namespace Credo.Graph.Internal.Wire;

/// <summary>The JSON Graph sends and takes, as far as Credo reads it.</summary>
internal sealed class WireFolder
{
    public string? Id { get; set; }

    public string? DisplayName { get; set; }

    public int? TotalItemCount { get; set; }

    public int? UnreadItemCount { get; set; }
}

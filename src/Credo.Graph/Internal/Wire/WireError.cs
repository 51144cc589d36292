namespace Credo.Graph.Internal.Wire;

/// <summary>The JSON Graph sends and takes, as far as Credo reads it.</summary>
internal sealed class WireError
{
    public string? Code { get; set; }

    public string? Message { get; set; }

    public WireInnerError? InnerError { get; set; }
}

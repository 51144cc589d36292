namespace Credo.Graph.Internal;

/// <summary>An answer that is not what Graph sends; becomes <see cref="GraphErrorKind.InvalidResponse"/>.</summary>
internal sealed class GraphFormatException(string message) : Exception(message);

namespace Credo.Graph.Internal;

/// <summary>
/// Records in a service collection that Credo.Graph is registered: Credo.Core adds it from more than one place, and the
/// options validators would pile up if a second call added them again.
/// </summary>
internal sealed class GraphRegistrationMarker;

namespace Credo.Core.Listeners.Engine;

/// <summary>
/// A node that runs listeners, as its heartbeat last said: nodes seen within <see cref="ListenerOptions.LeaseDuration"/>
/// are alive, and the listeners are shared evenly among them (PostgreSQL; on SQLite one node runs them all).
/// </summary>
public sealed class ListenerNode
{
    /// <summary>The node's name (<see cref="ListenerOptions.NodeName"/>).</summary>
    public string Name { get; set; } = "";

    /// <summary>When its heartbeat last wrote.</summary>
    public DateTimeOffset SeenAt { get; set; }
}

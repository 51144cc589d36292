namespace Credo.Sandbox.Internal;

/// <summary>Lets the control API reach the running <see cref="SandboxServer"/> (which owns the host it runs in).</summary>
internal sealed class SandboxServerAccessor
{
    public SandboxServer Server { get; set; } = null!;
}

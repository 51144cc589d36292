namespace Credo.Graph;

/// <summary>A recipient or sender.</summary>
/// <param name="Name">The display name.</param>
/// <param name="Address">The SMTP address.</param>
public sealed record GraphAddress(string? Name, string? Address)
{
    /// <summary><c>Name &lt;address&gt;</c>, or the address alone.</summary>
    public override string ToString() => string.IsNullOrEmpty(Name) ? Address ?? "" : $"{Name} <{Address}>";
}

namespace Credo.OAuth;

/// <summary>
/// A secret value (a client secret, a webhook signing secret). Its <see cref="ToString"/> never
/// reveals the value, so a secret that reaches a log template, an exception message or a debugger
/// display shows <c>[redacted]</c>. Read the value with <see cref="Reveal"/>, at the one place that sends it.
/// </summary>
public sealed class Secret : IEquatable<Secret>
{
    private const string Redacted = "[redacted]";
    private readonly string _value;

    /// <summary>Wraps <paramref name="value"/>; it must not be null or empty.</summary>
    public Secret(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _value = value;
    }

    /// <summary>Number of UTF-16 characters of the secret, for validation messages.</summary>
    public int Length => _value.Length;

    /// <summary>The secret itself. Call it only to put the secret on the wire or to protect it at rest.</summary>
    public string Reveal() => _value;

    /// <summary>Always <c>[redacted]</c>.</summary>
    public override string ToString() => Redacted;

    /// <summary>Compares in constant time for equal lengths.</summary>
    public bool Equals(Secret? other) =>
        other is not null &&
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(_value.AsSpan()),
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(other._value.AsSpan()));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Secret other && Equals(other);

    /// <summary>A constant, so that a hash never leaks anything about the value.</summary>
    public override int GetHashCode() => 0;
}

using System.Diagnostics.CodeAnalysis;

namespace Credo.Core.Listeners.Sources;

/// <summary>A value or a <see cref="MailError"/>.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public sealed class MailResult<T>
{
    internal MailResult(T? value, MailError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value, when <see cref="Succeeded"/>.</summary>
    public T? Value { get; }

    /// <summary>The error, when not <see cref="Succeeded"/>.</summary>
    public MailError? Error { get; }

    /// <summary>Whether the call succeeded.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>Success.</summary>
    public static implicit operator MailResult<T>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    /// <summary>Failure.</summary>
    public static implicit operator MailResult<T>(MailError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));
}

/// <summary>Creates <see cref="MailResult{T}"/> values where no implicit conversion applies (interface types).</summary>
public static class MailResult
{
    /// <summary>Success.</summary>
    public static MailResult<T> Of<T>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);
}

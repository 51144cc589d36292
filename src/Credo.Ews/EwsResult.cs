using System.Diagnostics.CodeAnalysis;

namespace Credo.Ews;

/// <summary>A value, or the <see cref="EwsError"/> that kept it from being had.</summary>
public sealed class EwsResult<T>
{
    internal EwsResult(T? value, EwsError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value, when <see cref="Succeeded"/>.</summary>
    public T? Value { get; }

    /// <summary>The error, when not <see cref="Succeeded"/>.</summary>
    public EwsError? Error { get; }

    /// <summary>Whether the call succeeded.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>Failure.</summary>
    public static implicit operator EwsResult<T>(EwsError error) => EwsResult.Failed<T>(error);

    /// <summary>Success.</summary>
    public static implicit operator EwsResult<T>(T value) => EwsResult.Success(value);

    /// <summary>Describes the result.</summary>
    public override string ToString() => Succeeded ? $"Success: {Value}" : $"Failed: {Error}";
}

/// <summary>Creates <see cref="EwsResult{T}"/> values.</summary>
public static class EwsResult
{
    /// <summary>Success.</summary>
    public static EwsResult<T> Success<T>(T value) => new(value, null);

    /// <summary>Failure.</summary>
    public static EwsResult<T> Failed<T>(EwsError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));
}

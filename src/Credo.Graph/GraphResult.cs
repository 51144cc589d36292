using System.Diagnostics.CodeAnalysis;

namespace Credo.Graph;

/// <summary>A value, or the <see cref="GraphError"/> that kept it from being had.</summary>
public sealed class GraphResult<T>
{
    internal GraphResult(T? value, GraphError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value, when <see cref="Succeeded"/>.</summary>
    public T? Value { get; }

    /// <summary>The error, when not <see cref="Succeeded"/>.</summary>
    public GraphError? Error { get; }

    /// <summary>Whether the call succeeded.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>Failure.</summary>
    public static implicit operator GraphResult<T>(GraphError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>Success.</summary>
    public static implicit operator GraphResult<T>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    /// <summary>Describes the result.</summary>
    public override string ToString() => Succeeded ? $"Success: {Value}" : $"Failed: {Error}";
}

/// <summary>Creates <see cref="GraphResult{T}"/> values where no implicit conversion applies (interface types).</summary>
public static class GraphResult
{
    /// <summary>Success.</summary>
    public static GraphResult<T> Success<T>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);
}

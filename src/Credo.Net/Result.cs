using System.Diagnostics.CodeAnalysis;

namespace Credo.Net;

/// <summary>
/// A value, or the error that kept it from being had: the one shape of every expected failure in Credo (a token request,
/// an EWS, Graph, IMAP or POP3 call, a mail source, a certificate file). Misconfiguration and bugs throw instead.
/// A value converts to a success and an error to a failure implicitly; where the value's type is an interface (which
/// C# does not convert implicitly), <see cref="Result.Success{T}(T)"/> does.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <typeparam name="TError">The error's type.</typeparam>
public sealed class Result<T, TError>
    where TError : class
{
    private Result(T? value, TError? error)
    {
        Value = value;
        Error = error;
    }

    /// <summary>The value, when <see cref="Succeeded"/>.</summary>
    public T? Value { get; }

    /// <summary>The error, when not <see cref="Succeeded"/>.</summary>
    public TError? Error { get; }

    /// <summary>Whether the value was had.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>A success.</summary>
    public static implicit operator Result<T, TError>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    /// <summary>A failure.</summary>
    public static implicit operator Result<T, TError>(TError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>A success, from <see cref="Result.Success{T}(T)"/>.</summary>
    public static implicit operator Result<T, TError>(Success<T> success) => new(success.Value ?? throw new ArgumentNullException(nameof(success)), null);

    /// <summary>The value's or the error's description (neither ever holds a secret or token).</summary>
    public override string ToString() => Succeeded ? $"{Value}" : $"{Error}";
}

/// <summary>Makes results where the value's type alone is known.</summary>
public static class Result
{
    /// <summary>A success of any error type: it converts to <see cref="Result{T, TError}"/>, also when <typeparamref name="T"/> is an interface.</summary>
    public static Success<T> Success<T>(T value) => new(value);
}

/// <summary>A value on its way to becoming a successful <see cref="Result{T, TError}"/>.</summary>
/// <param name="Value">The value.</param>
/// <typeparam name="T">The value's type.</typeparam>
public readonly record struct Success<T>(T Value);

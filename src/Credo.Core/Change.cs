namespace Credo.Core;

/// <summary>What came of creating, updating or deleting a credential or an Email Listener.</summary>
public enum ChangeStatus
{
    /// <summary>Saved.</summary>
    Done,

    /// <summary>A value broke a rule; see <see cref="Change{T}.Errors"/>. Nothing was saved.</summary>
    Invalid,

    /// <summary>No such credential or listener; see <see cref="Change{T}.Message"/>.</summary>
    NotFound,

    /// <summary>Someone else changed it since it was read; nothing was saved.</summary>
    Conflict,

    /// <summary>Deleting was refused because something uses it (a credential that Email Listeners use); see <see cref="Change{T}.Message"/>.</summary>
    InUse,
}

/// <summary>The outcome of a change to a <typeparamref name="T"/>, with field errors or a message where it did not happen.</summary>
/// <typeparam name="T">What was changed: a credential or an Email Listener.</typeparam>
public sealed class Change<T>
    where T : class
{
    /// <summary>Outcome.</summary>
    public required ChangeStatus Status { get; init; }

    /// <summary>What was changed, after the change (as it is now, on a conflict or a refusal); null when not found or invalid.</summary>
    public T? Value { get; init; }

    /// <summary>Field errors keyed by input property paths (<c>Name</c>, <c>TokenEndpoint</c>, <c>Ews.Url</c>, ...).</summary>
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();

    /// <summary>A sentence for conflicts, refusals and not found.</summary>
    public string? Message { get; init; }

    /// <summary>
    /// A secret Credo generated in this change (a webhook signing secret left empty), to be shown to the user this once:
    /// only its protected form is stored.
    /// </summary>
    public string? GeneratedSecret { get; init; }

    internal static Change<T> Done(T value, string? generatedSecret = null) => new() { Status = ChangeStatus.Done, Value = value, GeneratedSecret = generatedSecret };

    internal static Change<T> Invalid(Dictionary<string, string> errors) => new() { Status = ChangeStatus.Invalid, Errors = errors };

    internal static Change<T> NotFound(string message) => new() { Status = ChangeStatus.NotFound, Message = message };

    internal static Change<T> Refused(ChangeStatus status, T current, string message) => new() { Status = status, Value = current, Message = message };
}

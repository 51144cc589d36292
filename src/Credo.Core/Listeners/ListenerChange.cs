namespace Credo.Core.Listeners;

/// <summary>What came of adding or changing a listener.</summary>
public enum ListenerChangeStatus
{
    /// <summary>Saved.</summary>
    Done,

    /// <summary>A value broke a rule; see <see cref="ListenerChange.Errors"/>. Nothing was saved.</summary>
    Invalid,

    /// <summary>No such listener.</summary>
    NotFound,

    /// <summary>Someone else changed it since it was read; nothing was saved.</summary>
    Conflict,
}

/// <summary>The outcome of adding or changing a listener, with field errors or a message where it did not happen.</summary>
public sealed class ListenerChange
{
    /// <summary>Outcome.</summary>
    public required ListenerChangeStatus Status { get; init; }

    /// <summary>The listener after the change.</summary>
    public EmailListener? Listener { get; init; }

    /// <summary>Field errors keyed by <see cref="ListenerInput"/> property paths (<c>Name</c>, <c>Ews.Url</c>, ...).</summary>
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();

    /// <summary>A sentence for conflicts and not found.</summary>
    public string? Message { get; init; }

    internal static ListenerChange Done(EmailListener listener) => new() { Status = ListenerChangeStatus.Done, Listener = listener };

    internal static ListenerChange Invalid(Dictionary<string, string> errors) => new() { Status = ListenerChangeStatus.Invalid, Errors = errors };

    internal static ListenerChange NotFound(Guid id) => new() { Status = ListenerChangeStatus.NotFound, Message = $"There is no listener {id}; it may have been deleted." };

    internal static ListenerChange Conflict(EmailListener current) => new()
    {
        Status = ListenerChangeStatus.Conflict,
        Listener = current,
        Message = $"\"{current.Name}\" was changed by someone else since you read it (now version {current.Version}); read it again and repeat your change.",
    };
}

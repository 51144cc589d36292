namespace Credo.Core.Credentials;

/// <summary>What came of a create, update or delete.</summary>
public enum CredentialChangeStatus
{
    /// <summary>Done.</summary>
    Done,

    /// <summary>The input broke a rule; see <see cref="CredentialChange.Errors"/>. Nothing was saved.</summary>
    Invalid,

    /// <summary>No such credential.</summary>
    NotFound,

    /// <summary>Someone else changed it since it was read; nothing was saved.</summary>
    Conflict,

    /// <summary>Deleting was refused because Email Listeners use it; see <see cref="CredentialChange.Message"/>.</summary>
    InUse,
}

/// <summary>The outcome of a change, with field errors or a message where it did not happen.</summary>
public sealed class CredentialChange
{
    /// <summary>Outcome.</summary>
    public required CredentialChangeStatus Status { get; init; }

    /// <summary>The credential after the change (or as it is now, on conflict).</summary>
    public Credential? Credential { get; init; }

    /// <summary>Field errors keyed by <see cref="CredentialFields"/>.</summary>
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();

    /// <summary>A sentence for conflicts, refusals and not found.</summary>
    public string? Message { get; init; }

    internal static CredentialChange Done(Credential credential) => new() { Status = CredentialChangeStatus.Done, Credential = credential };

    internal static CredentialChange Invalid(Dictionary<string, string> errors) => new() { Status = CredentialChangeStatus.Invalid, Errors = errors };

    internal static CredentialChange NotFound(Guid id) => new() { Status = CredentialChangeStatus.NotFound, Message = $"There is no credential {id}; it may have been deleted." };
}

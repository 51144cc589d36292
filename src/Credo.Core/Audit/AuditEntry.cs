namespace Credo.Core.Audit;

/// <summary>One line of the audit log: who did what to which item, and which fields changed (never their secret values).</summary>
public sealed class AuditEntry
{
    /// <summary>Identifier, increasing.</summary>
    public long Id { get; set; }

    /// <summary>When.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>Who: a user name, <c>api-key:NAME</c> or <c>cli:USER</c>.</summary>
    public string Actor { get; set; } = "";

    /// <summary>What: <c>create</c>, <c>update</c>, <c>delete</c>, <c>validate</c>, <c>sign-in</c>, ...</summary>
    public string Action { get; set; } = "";

    /// <summary>The kind of item: <c>credential</c>, <c>user</c>, <c>api-key</c>.</summary>
    public string EntityType { get; set; } = "";

    /// <summary>The item's identifier.</summary>
    public string EntityId { get; set; } = "";

    /// <summary>The item's name at the time.</summary>
    public string EntityName { get; set; } = "";

    /// <summary>Details: the fields changed, the validation outcome.</summary>
    public string? Details { get; set; }
}

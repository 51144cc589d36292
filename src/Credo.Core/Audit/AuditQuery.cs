namespace Credo.Core.Audit;

/// <summary>Which audit entries to read: filters that all apply, and a page of them.</summary>
public sealed record AuditQuery
{
    /// <summary>Only this actor's entries (a user name, an API key's name, <c>cli</c>, <c>demo</c>).</summary>
    public string? Actor { get; init; }

    /// <summary>Only this action: <c>create</c>, <c>update</c>, <c>delete</c>, <c>validate</c>, <c>poll</c>, ...</summary>
    public string? Action { get; init; }

    /// <summary>Only this kind of item: <c>credential</c>, <c>listener</c>, ...</summary>
    public string? EntityType { get; init; }

    /// <summary>Only entries whose item name or details contain this text, regardless of case.</summary>
    public string? Text { get; init; }

    /// <summary>Only entries older than this entry id: the page after one that ended with it.</summary>
    public long? Before { get; init; }

    /// <summary>How many, newest first: 1 to 500, default 100.</summary>
    public int Take { get; init; } = 100;
}

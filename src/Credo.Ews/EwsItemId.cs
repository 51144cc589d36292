namespace Credo.Ews;

/// <summary>An item's id and change key. Ids change when an item moves.</summary>
public sealed record EwsItemId(string Id, string? ChangeKey = null)
{
    /// <summary>The id.</summary>
    public override string ToString() => Id;
}

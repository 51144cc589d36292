namespace Credo.Core.Listeners;

/// <summary>What a listener does with a mail once it is recorded.</summary>
public enum AfterProcessing
{
    /// <summary>Mark it as read (default).</summary>
    MarkRead,

    /// <summary>Move it to <see cref="EmailListener.MoveToFolder"/>.</summary>
    Move,

    /// <summary>Delete it (to Deleted Items).</summary>
    Delete,

    /// <summary>Leave it unchanged.</summary>
    None,
}

namespace Credo.Graph;

/// <summary>A mail folder.</summary>
/// <param name="Id">The folder id.</param>
/// <param name="DisplayName">Its name.</param>
/// <param name="TotalItemCount">Messages in it.</param>
/// <param name="UnreadItemCount">Unread messages in it.</param>
public sealed record GraphFolder(string Id, string DisplayName, int TotalItemCount, int UnreadItemCount);

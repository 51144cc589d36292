namespace Credo.Sandbox.Graph;

/// <summary>
/// What the caller's token allows on mail: reading (<c>Mail.Read</c>) and changing (<c>Mail.ReadWrite</c>); and the
/// application it was issued to, which owns the subscriptions it creates.
/// </summary>
internal readonly record struct GraphAccess(bool CanRead, bool CanWrite)
{
    /// <summary>The client id of the application the token was issued to.</summary>
    public string ApplicationId { get; init; } = "";

    public static GraphAccess FromToken(IEnumerable<string> roles, string applicationId)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        var write = set.Contains("Mail.ReadWrite");
        return new GraphAccess(write || set.Contains("Mail.Read"), write) { ApplicationId = applicationId };
    }

    public bool Allows(GraphRequest request) => request.IsGet ? CanRead : CanWrite;
}

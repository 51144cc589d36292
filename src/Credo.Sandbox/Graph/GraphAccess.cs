namespace Credo.Sandbox.Graph;

/// <summary>What the caller's token allows on mail: reading (<c>Mail.Read</c>) and changing (<c>Mail.ReadWrite</c>).</summary>
internal readonly record struct GraphAccess(bool CanRead, bool CanWrite)
{
    public static GraphAccess FromRoles(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet(StringComparer.Ordinal);
        var write = set.Contains("Mail.ReadWrite");
        return new GraphAccess(write || set.Contains("Mail.Read"), write);
    }

    public bool Allows(GraphRequest request) => request.IsGet ? CanRead : CanWrite;
}

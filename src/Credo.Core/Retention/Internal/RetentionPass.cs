namespace Credo.Core.Retention.Internal;

/// <summary>What one purge removed, and whether another node was purging (PostgreSQL) so this one stood back.</summary>
internal sealed record RetentionPass(int Mime, int Records, int Deliveries, long PagesFreed, bool OtherNodePurging)
{
    public int Total => Mime + Records + Deliveries;
}

namespace Credo.Core.Persistence;

/// <summary>The database behind Credo (<c>Credo:Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>A SQLite file in the data folder; one node. The default.</summary>
    Sqlite,

    /// <summary>PostgreSQL; one or several nodes.</summary>
    PostgreSql,
}

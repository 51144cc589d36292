namespace Credo.Core.Persistence;

/// <summary>Which database to use and how to reach it.</summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section of <see cref="Provider"/>.</summary>
    public const string SectionName = "Credo:Database";

    /// <summary>The provider; default <see cref="DatabaseProvider.Sqlite"/>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The connection string (<c>ConnectionStrings:Credo</c>); for SQLite the default is <c>Data Source=DATA/credo.db</c>.</summary>
    public string ConnectionString { get; set; } = "";
}

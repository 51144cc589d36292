using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Credo.Core.Persistence;

/// <summary>For <c>dotnet ef migrations add NAME --context SqliteCredoDbContext</c>.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCredoDbContext>
{
    public SqliteCredoDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCredoDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>For <c>dotnet ef migrations add NAME --context PostgreSqlCredoDbContext</c>.</summary>
internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlCredoDbContext>
{
    public PostgreSqlCredoDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlCredoDbContext>().UseNpgsql("Host=localhost;Database=credo_design").Options);
}

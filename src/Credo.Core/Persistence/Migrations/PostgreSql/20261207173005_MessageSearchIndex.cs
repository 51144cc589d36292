using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credo.Core.Persistence.Migrations.PostgreSql
{
    /// <summary>
    /// A trigram index (pg_trgm) on received messages' subject and sender, which ILIKE '%text%' searches of three
    /// characters or more use. pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner, or any role
    /// with CREATE on the database, may install it (see docs/operations.md).
    /// </summary>
    public partial class MessageSearchIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
            migrationBuilder.Sql("""
                CREATE INDEX "IX_received_messages_search" ON received_messages
                    USING gin ("Subject" gin_trgm_ops, "From" gin_trgm_ops);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_received_messages_search";""");
        }
    }
}

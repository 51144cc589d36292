using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credo.Core.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class Retention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ContentExpiredAt",
                table: "received_messages",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "KeepContentDays",
                table: "email_listeners",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_received_messages_content_kept",
                table: "received_messages",
                columns: new[] { "ListenerId", "RecordedAt" },
                filter: "\"ContentExpiredAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_received_messages_content_kept",
                table: "received_messages");

            migrationBuilder.DropColumn(
                name: "ContentExpiredAt",
                table: "received_messages");

            migrationBuilder.DropColumn(
                name: "KeepContentDays",
                table: "email_listeners");
        }
    }
}

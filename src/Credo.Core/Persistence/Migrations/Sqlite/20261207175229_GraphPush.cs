using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credo.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GraphPush : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProtectedPushClientState",
                table: "email_listeners",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PushError",
                table: "email_listeners",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "PushExpiresAt",
                table: "email_listeners",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "PushReauthorize",
                table: "email_listeners",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "PushSubscriptionId",
                table: "email_listeners",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_email_listeners_PushSubscriptionId",
                table: "email_listeners",
                column: "PushSubscriptionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_email_listeners_PushSubscriptionId",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "ProtectedPushClientState",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "PushError",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "PushExpiresAt",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "PushReauthorize",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "PushSubscriptionId",
                table: "email_listeners");
        }
    }
}

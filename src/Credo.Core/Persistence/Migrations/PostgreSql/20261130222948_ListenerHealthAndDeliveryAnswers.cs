using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credo.Core.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ListenerHealthAndDeliveryAnswers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LastAnswer",
                table: "webhook_deliveries",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastAttemptAt",
                table: "webhook_deliveries",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ResentAt",
                table: "webhook_deliveries",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DeliveryFailingSince",
                table: "email_listeners",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "DeliveryFailures",
                table: "email_listeners",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "FailingSince",
                table: "email_listeners",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastMessageAt",
                table: "email_listeners",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastAnswer",
                table: "webhook_deliveries");

            migrationBuilder.DropColumn(
                name: "LastAttemptAt",
                table: "webhook_deliveries");

            migrationBuilder.DropColumn(
                name: "ResentAt",
                table: "webhook_deliveries");

            migrationBuilder.DropColumn(
                name: "DeliveryFailingSince",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "DeliveryFailures",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "FailingSince",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "LastMessageAt",
                table: "email_listeners");
        }
    }
}

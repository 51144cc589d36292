using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credo.Core.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WebhookStandardSigning : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProtectedPreviousWebhookSecret",
                table: "email_listeners",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WebhookFormat",
                table: "email_listeners",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                // Listeners saved before formats existed send what they always sent: the JSON itself.
                defaultValue: "Standard");

            migrationBuilder.AddColumn<long>(
                name: "WebhookSecretChangedAt",
                table: "email_listeners",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ProtectedPreviousWebhookSecret",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "WebhookFormat",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "WebhookSecretChangedAt",
                table: "email_listeners");
        }
    }
}

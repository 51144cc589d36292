using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credo.Core.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ListenerProtocols : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Every existing listener is an EWS listener; the other protocols' columns get the defaults the form offers.
            migrationBuilder.AlterColumn<string>(
                name: "EwsUrl",
                table: "email_listeners",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(2048)",
                oldMaxLength: 2048);

            migrationBuilder.AddColumn<string>(
                name: "GraphUrl",
                table: "email_listeners",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ImapHost",
                table: "email_listeners",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ImapPort",
                table: "email_listeners",
                type: "integer",
                nullable: false,
                defaultValue: 993);

            migrationBuilder.AddColumn<string>(
                name: "ImapSasl",
                table: "email_listeners",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "XOAuth2");

            migrationBuilder.AddColumn<string>(
                name: "ImapSecurity",
                table: "email_listeners",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Tls");

            migrationBuilder.AddColumn<string>(
                name: "ImapUserName",
                table: "email_listeners",
                type: "character varying(320)",
                maxLength: 320,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "GraphUrl",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "ImapHost",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "ImapPort",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "ImapSasl",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "ImapSecurity",
                table: "email_listeners");

            migrationBuilder.DropColumn(
                name: "ImapUserName",
                table: "email_listeners");

            migrationBuilder.AlterColumn<string>(
                name: "EwsUrl",
                table: "email_listeners",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(2048)",
                oldMaxLength: 2048,
                oldNullable: true);
        }
    }
}

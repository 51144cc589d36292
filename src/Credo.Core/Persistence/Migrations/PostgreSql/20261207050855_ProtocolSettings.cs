using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credo.Core.Persistence.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class ProtocolSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A protocol is a module: its settings move from columns of their own into one JSON value per listener,
            // by protocol and key, so that adding a protocol adds no column. The values move as they are.
            migrationBuilder.AddColumn<string>(
                name: "ProtocolSettings",
                table: "email_listeners",
                type: "character varying(8000)",
                maxLength: 8000,
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.Sql("""
                UPDATE email_listeners SET "ProtocolSettings" = json_build_object(
                    'EWS', json_build_object('url', "EwsUrl"),
                    'Graph', json_build_object('url', "GraphUrl"),
                    'IMAP', json_build_object('host', "ImapHost", 'port', "ImapPort"::text, 'security', "ImapSecurity", 'userName', "ImapUserName", 'sasl', "ImapSasl"))::text;
                """);

            migrationBuilder.DropColumn(
                name: "EwsUrl",
                table: "email_listeners");

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EwsUrl",
                table: "email_listeners",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

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
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ImapSasl",
                table: "email_listeners",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ImapSecurity",
                table: "email_listeners",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ImapUserName",
                table: "email_listeners",
                type: "character varying(320)",
                maxLength: 320,
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE email_listeners SET
                    "EwsUrl" = "ProtocolSettings"::json #>> '{EWS,url}',
                    "GraphUrl" = "ProtocolSettings"::json #>> '{Graph,url}',
                    "ImapHost" = "ProtocolSettings"::json #>> '{IMAP,host}',
                    "ImapPort" = coalesce(("ProtocolSettings"::json #>> '{IMAP,port}')::integer, 993),
                    "ImapSecurity" = coalesce("ProtocolSettings"::json #>> '{IMAP,security}', 'Tls'),
                    "ImapUserName" = "ProtocolSettings"::json #>> '{IMAP,userName}',
                    "ImapSasl" = coalesce("ProtocolSettings"::json #>> '{IMAP,sasl}', 'XOAuth2');
                """);

            migrationBuilder.DropColumn(
                name: "ProtocolSettings",
                table: "email_listeners");
        }
    }
}
